package components

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	require.NoError(t, os.CopyFS(to, os.DirFS(from)))
}

func tarEntries(t *testing.T, tarball []byte) []*tar.Header {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(tarball))
	require.NoError(t, err)
	tr := tar.NewReader(gz)
	var hdrs []*tar.Header
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return hdrs
		}
		require.NoError(t, err)
		hdrs = append(hdrs, h)
	}
}

func packDir(t *testing.T, dir string) *dataflowFiles {
	t.Helper()
	c := newCollector(newDirSource(dir, dir), DefaultExclude)
	require.NoError(t, c.add("."))
	packed, err := packFiles(c.sorted())
	require.NoError(t, err)
	return packed
}

func TestTarballIsDeterministic(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	copyTree(t, "testdata/nested", a)
	copyTree(t, "testdata/nested", b)
	// Different times, permissions beyond the executable bit, and caches
	// Python leaves behind must not change a byte.
	require.NoError(t, os.Chtimes(filepath.Join(b, "app.py"), time1990, time1990))
	require.NoError(t, os.Chmod(filepath.Join(b, "lib", "util.py"), 0o600))
	require.NoError(t, os.MkdirAll(filepath.Join(b, "lib", "__pycache__"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(b, "lib", "__pycache__", "util.cpython-311.pyc"), []byte{1}, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(b, "stale.pyc"), []byte{1}, 0o644))

	pa, pb := packDir(t, a), packDir(t, b)
	require.True(t, pa.tarball)
	assert.Equal(t, pa.binaryData[tarballKey], pb.binaryData[tarballKey])
	assert.Equal(t, pa.checksum(), pb.checksum())

	var names []string
	for _, h := range tarEntries(t, pa.binaryData[tarballKey]) {
		names = append(names, h.Name)
		assert.Equal(t, int64(0), h.ModTime.Unix(), h.Name)
		assert.Equal(t, 0, h.Uid, h.Name)
		assert.Equal(t, 0, h.Gid, h.Name)
	}
	assert.Equal(t, []string{"app.py", "data/", "data/input.csv", "lib/", "lib/util.py"}, names)

	require.NoError(t, os.WriteFile(filepath.Join(b, "data", "input.csv"), []byte("changed"), 0o644))
	assert.NotEqual(t, pa.checksum(), packDir(t, b).checksum())
}

func TestExecutableBitSurvivesTheTarball(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "bin"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "bin", "run.sh"), []byte("#!/bin/sh\n"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "flow.py"), []byte(""), 0o600))
	modes := map[string]int64{}
	for _, h := range tarEntries(t, packDir(t, dir).binaryData[tarballKey]) {
		modes[h.Name] = h.Mode
	}
	assert.Equal(t, map[string]int64{"bin/": 0o755, "bin/run.sh": 0o755, "flow.py": 0o644}, modes)
}

func TestFlatFilesStayReadableKeys(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "flow.py"), []byte("x = 1\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "weights.bin"), []byte{0xff, 0xfe, 0x00}, 0o644))
	packed := packDir(t, dir)
	assert.False(t, packed.tarball)
	assert.Equal(t, map[string]string{"flow.py": "x = 1\n"}, packed.data)
	assert.Equal(t, map[string][]byte{"weights.bin": {0xff, 0xfe, 0x00}}, packed.binaryData)
	assert.Equal(t, []string{"flow.py", "weights.bin"}, packed.keys())
}

var time1990 = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)

// writeTree writes files (path → content) under dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		full := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(full), 0o755))
		require.NoError(t, os.WriteFile(full, []byte(content), 0o644))
	}
}

// shipped returns the paths a dataflow of the project in root ships, or
// the error.
func shipped(t *testing.T, root string, args *BytewaxDataflowArgs) ([]string, error) {
	t.Helper()
	s, v := resolve(root, "flow", args)
	if !v.ok() {
		return nil, &ValidationError{Errors: v.errs}
	}
	return s.files.paths, nil
}

func TestSecretsAndJunkAreNotShipped(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"flow/app.py":                      "flow = None\n",
		"flow/lib/util.py":                 "",
		"flow/.env":                        "PASSWORD=hunter2\n",
		"flow/.env.local":                  "PASSWORD=hunter2\n",
		"flow/lib/.env":                    "PASSWORD=hunter2\n",
		"flow/.venv/lib/site.py":           "",
		"flow/venv/bin/python":             "",
		"flow/.git/HEAD":                   "",
		"flow/lib/__pycache__/util.pyc":    "",
		"flow/stale.pyc":                   "",
		"flow/data/big.csv":                "1,2\n",
		"flow/data/keep.json":              "{}",
		"flow/notes/draft.tmp":             "",
		"flow/notes/deep/more/scratch.tmp": "",
	})
	paths, err := shipped(t, root, &BytewaxDataflowArgs{
		Directory: "flow", Files: []string{"."}, PythonFile: "app.py",
		Exclude: []string{"data/*.csv", "**/*.tmp"},
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"app.py", "data/keep.json", "lib/util.py"}, paths)

	paths, err = shipped(t, root, &BytewaxDataflowArgs{
		Directory: "flow", Files: []string{"app.py", ".env"}, PythonFile: "app.py",
	})
	require.NoError(t, err)
	assert.Equal(t, []string{".env", "app.py"}, paths, "a file named outright is shipped")
}

func TestSymbolicLinksStayInsideTheDirectory(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"flow/app.py":         "flow = None\n",
		"flow/shared/util.py": "",
		"outside/secret.txt":  "hunter2",
	})
	flow := filepath.Join(root, "flow")
	require.NoError(t, os.Symlink("shared/util.py", filepath.Join(flow, "util.py")))
	require.NoError(t, os.Symlink("shared", filepath.Join(flow, "lib")))
	paths, err := shipped(t, root, &BytewaxDataflowArgs{Directory: "flow", Files: []string{"."}, PythonFile: "app.py"})
	require.NoError(t, err)
	assert.Equal(t, []string{"app.py", "lib/util.py", "shared/util.py", "util.py"}, paths, "links inside are followed, never dropped")

	for _, tt := range []struct{ name, target, want string }{
		{"file outside", "/etc/passwd", "passwd.txt is a symbolic link to /etc/passwd, outside the folder"},
		{"folder outside", "/etc", "etc is a symbolic link to /etc, outside the folder"},
		{"relative escape", "../outside/secret.txt", "secret.txt is a symbolic link to ../outside/secret.txt, outside the folder"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeTree(t, dir, map[string]string{"flow/app.py": "", "outside/secret.txt": "hunter2"})
			link := filepath.Join(dir, "flow", filepath.Base(tt.want[:strings.Index(tt.want, " ")]))
			require.NoError(t, os.Symlink(tt.target, link))
			_, err := shipped(t, dir, &BytewaxDataflowArgs{Directory: "flow", Files: []string{"."}, PythonFile: "app.py"})
			require.Error(t, err)
			assert.Contains(t, err.Error(), "Files[0]: must name a file or folder in Directory: "+link+tt.want[strings.Index(tt.want, " "):])
		})
	}

	t.Run("loop", func(t *testing.T) {
		dir := t.TempDir()
		writeTree(t, dir, map[string]string{"flow/app.py": ""})
		require.NoError(t, os.Symlink(".", filepath.Join(dir, "flow", "again")))
		_, err := shipped(t, dir, &BytewaxDataflowArgs{Directory: "flow", Files: []string{"."}, PythonFile: "app.py"})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "leads back to")
	})

	t.Run("python file as a link outside", func(t *testing.T) {
		dir := t.TempDir()
		writeTree(t, dir, map[string]string{"outside/app.py": ""})
		require.NoError(t, os.Mkdir(filepath.Join(dir, "flow"), 0o755))
		require.NoError(t, os.Symlink("../outside/app.py", filepath.Join(dir, "flow", "app.py")))
		_, err := shipped(t, dir, &BytewaxDataflowArgs{Directory: "flow", PythonFile: "app.py"})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "PythonFile: must name a file in Directory: "+filepath.Join(dir, "flow", "app.py")+" is a symbolic link to ../outside/app.py")
	})

	t.Run("directory as a link outside the project", func(t *testing.T) {
		dir, elsewhere := t.TempDir(), t.TempDir()
		writeTree(t, elsewhere, map[string]string{"app.py": ""})
		require.NoError(t, os.Symlink(elsewhere, filepath.Join(dir, "flow")))
		_, err := shipped(t, dir, &BytewaxDataflowArgs{Directory: "flow", PythonFile: "app.py"})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "Directory: must lie inside the project's root "+dir)
		paths, err := shipped(t, dir, &BytewaxDataflowArgs{Directory: "flow", PythonFile: "app.py", AllowExternalDirectory: true})
		require.NoError(t, err, "unless the program asks for it")
		assert.Equal(t, []string{"app.py"}, paths)
	})
}

func TestRelativeDirectoriesStartAtTheProjectRootNotTheWorkingDirectory(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"testdata/flat/app.py": "from the project\n"})
	s, v := resolve(root, "flow", &BytewaxDataflowArgs{Directory: "testdata/flat", PythonFile: "app.py"})
	require.True(t, v.ok(), "%v", v.errs)
	assert.Equal(t, map[string]string{"app.py": "from the project\n"}, s.files.data, "the project's file, not this package's testdata")

	_, v = resolve("", "flow", &BytewaxDataflowArgs{Directory: "testdata/flat", PythonFile: "app.py"})
	require.Len(t, v.errs, 1)
	assert.Equal(t, "BaseDirectory", v.errs[0].Field, "without a project root, relative paths are refused")
	assert.Contains(t, v.errs[0].Error(), "relative paths never start at the working directory")
}

func TestFilesFromAnFS(t *testing.T) {
	fsys := fstest.MapFS{
		"flow.py":               {Data: []byte("flow = None\n")},
		"lib/util.py":           {Data: []byte("")},
		"lib/__pycache__/x.pyc": {Data: []byte{1}},
		".env":                  {Data: []byte("SECRET=1")},
	}
	paths, err := shipped(t, "", &BytewaxDataflowArgs{FS: fsys, Files: []string{"."}, PythonFile: "flow.py:flow"})
	require.NoError(t, err, "an FS needs no project root")
	assert.Equal(t, []string{"flow.py", "lib/util.py"}, paths)

	_, err = shipped(t, "", &BytewaxDataflowArgs{FS: fsys, PythonFile: "main.py"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "PythonFile: must name a file in Directory: FS:main.py does not exist")
}

func TestAFolderOfAnFS(t *testing.T) {
	fsys := fstest.MapFS{
		"flows/orders/orders.py": {Data: []byte("flow = None\n")},
		"flows/payments/main.py": {Data: []byte("flow = None\n")},
		"flows/orders/lib/x.py":  {Data: []byte("")},
	}
	paths, err := shipped(t, "", &BytewaxDataflowArgs{FS: fsys, Directory: "flows/orders", Files: []string{"."}, PythonFile: "orders.py"})
	require.NoError(t, err)
	assert.Equal(t, []string{"lib/x.py", "orders.py"}, paths)

	for _, dir := range []string{"../flows", "/flows", "flows/none", "flows/orders/orders.py"} {
		_, err := shipped(t, "", &BytewaxDataflowArgs{FS: fsys, Directory: dir, PythonFile: "orders.py"})
		require.Error(t, err, dir)
		assert.Contains(t, err.Error(), "Directory: must be a folder of FS", dir)
	}
}

func TestHostileFoldersFailFast(t *testing.T) {
	t.Run("links fanning out", func(t *testing.T) {
		root := t.TempDir()
		writeTree(t, root, map[string]string{"flow/app.py": ""})
		// Each level links twice to the next: 2^24 paths if walked.
		for i := 24; i >= 0; i-- {
			dir := filepath.Join(root, "flow", fmt.Sprintf("l%d", i))
			require.NoError(t, os.MkdirAll(dir, 0o755))
			if i < 24 {
				require.NoError(t, os.Symlink(fmt.Sprintf("../l%d", i+1), filepath.Join(dir, "a")))
				require.NoError(t, os.Symlink(fmt.Sprintf("../l%d", i+1), filepath.Join(dir, "b")))
			}
		}
		_, err := shipped(t, root, &BytewaxDataflowArgs{Directory: "flow", Files: []string{"app.py", "l0"}, PythonFile: "app.py"})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "Files[1]: must name a file or folder in Directory: it holds more than 20000 files and folders")
	})
	t.Run("a huge file is never read", func(t *testing.T) {
		root := t.TempDir()
		writeTree(t, root, map[string]string{"flow/app.py": ""})
		f, err := os.Create(filepath.Join(root, "flow", "huge.bin"))
		require.NoError(t, err)
		require.NoError(t, f.Truncate(8<<30)) // sparse: no disk used
		require.NoError(t, f.Close())
		_, err = shipped(t, root, &BytewaxDataflowArgs{Directory: "flow", Files: []string{"."}, PythonFile: "app.py"})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "the files add up to more than 64 MiB")
	})
	t.Run("a pipe named outright", func(t *testing.T) {
		root := t.TempDir()
		writeTree(t, root, map[string]string{"flow/app.py": ""})
		require.NoError(t, syscall.Mkfifo(filepath.Join(root, "flow", "pipe"), 0o644))
		_, err := shipped(t, root, &BytewaxDataflowArgs{Directory: "flow", Files: []string{"app.py", "pipe"}, PythonFile: "app.py"})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "pipe is neither a file nor a folder")
		paths, err := shipped(t, root, &BytewaxDataflowArgs{Directory: "flow", Files: []string{"."}, PythonFile: "app.py"})
		require.NoError(t, err, "found in a folder, it is left out")
		assert.Equal(t, []string{"app.py"}, paths)
	})
	t.Run("credentials and state in the project root", func(t *testing.T) {
		root := t.TempDir()
		writeTree(t, root, map[string]string{
			"main.py":                               "",
			"Pulumi.yaml":                           "name: x",
			"Pulumi.dev.yaml":                       "config: {}",
			".cluster/kubeconfig":                   "token",
			".pulumi-state/.pulumi/stacks/dev.json": "{}",
			"cfg/.envrc":                            "export A=1",
			"cfg/.env_local":                        "A=1",
			"cfg/settings.py":                       "",
		})
		paths, err := shipped(t, root, &BytewaxDataflowArgs{Files: []string{"."}, PythonFile: "main.py", Exclude: []string{"/cfg/settings.py"}})
		require.NoError(t, err)
		assert.Equal(t, []string{"main.py"}, paths)
	})
	t.Run("exclude patterns as a .dockerignore writes them", func(t *testing.T) {
		root := t.TempDir()
		writeTree(t, root, map[string]string{"app.py": "", "secrets/key.txt": "", "data/big.csv": "", "tmp/t.txt": "", "lib/data/keep.py": ""})
		paths, err := shipped(t, root, &BytewaxDataflowArgs{Files: []string{"."}, PythonFile: "app.py", Exclude: []string{"secrets/", "/data", "./tmp/**"}})
		require.NoError(t, err)
		assert.Equal(t, []string{"app.py", "lib/data/keep.py"}, paths)
	})
}

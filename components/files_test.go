package components

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"
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
	files, err := readEntries(dir, []string{"."})
	require.NoError(t, err)
	packed, err := packFiles(files)
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

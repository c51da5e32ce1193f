package components

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mountConfigMap lays the payload out as the kubelet mounts a ConfigMap:
// each key a symlink through "..data" to a timestamped folder.
func mountConfigMap(t *testing.T, files *dataflowFiles) string {
	t.Helper()
	dir := t.TempDir()
	stamp := filepath.Join(dir, "..2026_11_25_18_00_00.000000001")
	require.NoError(t, os.Mkdir(stamp, 0o755))
	for k, v := range files.data {
		require.NoError(t, os.WriteFile(filepath.Join(stamp, k), []byte(v), 0o644))
	}
	for k, v := range files.binaryData {
		require.NoError(t, os.WriteFile(filepath.Join(stamp, k), v, 0o644))
	}
	require.NoError(t, os.Symlink(filepath.Base(stamp), filepath.Join(dir, "..data")))
	for _, k := range files.keys() {
		require.NoError(t, os.Symlink(filepath.Join("..data", k), filepath.Join(dir, k)))
	}
	return dir
}

// tree reads every regular file below dir, by slash-separated path.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		require.NoError(t, err)
		if d.Type().IsRegular() {
			rel, _ := filepath.Rel(dir, p)
			content, err := os.ReadFile(p)
			require.NoError(t, err)
			out[filepath.ToSlash(rel)] = string(content)
		}
		return nil
	}))
	return out
}

func TestInitScriptWritesHostfileAndWorkingDirectory(t *testing.T) {
	sh, err := exec.LookPath("sh")
	require.NoError(t, err)
	flat := map[string]string{}
	for _, f := range []string{"app.py", "helper.py"} {
		b, err := os.ReadFile(filepath.Join("testdata/flat", f))
		require.NoError(t, err)
		flat[f] = string(b)
	}
	nested := tree(t, "testdata/nested")

	tests := []struct {
		name      string
		processes int
		dir       string
		files     []string
		python    string
		want      map[string]string
	}{
		{"one process, one file", 1, "testdata/flat", nil, "app.py", map[string]string{"app.py": flat["app.py"]}},
		{"three processes, several files", 3, "testdata/flat", []string{"app.py", "helper.py"}, "app.py", flat},
		{"one process, tarball", 1, "testdata/nested", []string{"."}, "app.py", nested},
		{"five processes, tarball", 5, "testdata/nested", []string{"app.py", "lib", "data"}, "app.py", nested},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustResolve(t, &BytewaxDataflowArgs{
				Namespace: pulumi.String("streams"), Processes: pulumi.IntRef(tt.processes), ClusterDomain: "k8s.internal",
				Port: pulumi.IntRef(7000), Directory: tt.dir, Files: tt.files, PythonFile: tt.python,
			})
			root := t.TempDir()
			paths := scriptPaths{
				hostfile: filepath.Join(root, "hostfile.txt"),
				source:   mountConfigMap(t, s.files),
				workDir:  filepath.Join(root, "work"),
			}
			require.NoError(t, os.Mkdir(paths.workDir, 0o755))

			cmd := exec.Command(sh, "-c", hostfileScript(s, "streams", paths))
			cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "BYTEWAX_REPLICAS=" + strconv.Itoa(tt.processes)}
			out, err := cmd.CombinedOutput()
			require.NoError(t, err, "%s", out)

			hostfile, err := os.ReadFile(paths.hostfile)
			require.NoError(t, err)
			want := peerAddresses("flow", "flow", "streams", "k8s.internal", 7000, tt.processes)
			assert.Equal(t, strings.Join(want, "\n")+"\n", string(hostfile))
			assert.Equal(t, "flow-0.flow.streams.svc.k8s.internal:7000", want[0])
			assert.Equal(t, tt.want, tree(t, paths.workDir), "exactly the shipped files, without the volume's ..data")
		})
	}
}

func TestInitScriptFailsLoudlyWhenAFileIsMissing(t *testing.T) {
	s := mustResolve(t, &BytewaxDataflowArgs{Directory: "testdata/flat", PythonFile: "app.py"})
	root := t.TempDir()
	cmd := exec.Command("sh", "-c", hostfileScript(s, "bytewax", scriptPaths{
		hostfile: filepath.Join(root, "hostfile.txt"), source: filepath.Join(root, "empty"), workDir: root,
	}))
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "BYTEWAX_REPLICAS=1"}
	assert.Error(t, cmd.Run(), "a pod must not start without its code")
}

// mustResolve resolves args for the dataflow "flow", with this package as
// the project's root, failing the test on any problem.
func mustResolve(t *testing.T, args *BytewaxDataflowArgs) *dataflowSpec {
	t.Helper()
	s, v := resolve(packageDir, "flow", args)
	require.True(t, v.ok(), "%v", v.errs)
	return s
}

package components

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stubBytewax is a bytewax.run that behaves as STUB_MODE says: "exit N"
// ends at once with code N; "serve" runs until interrupted and then, as
// Bytewax does on a KeyboardInterrupt, stops cleanly and exits 0. It
// records its arguments and how it ended in $STUB_RECORD.
const stubBytewax = `import os, sys, time
record = open(os.environ["STUB_RECORD"], "a")
record.write("args " + " ".join(sys.argv[1:]) + " pid " + str(os.getpid()) + "\n")
record.flush()
mode = os.environ["STUB_MODE"]
if mode.startswith("exit "):
    sys.exit(int(mode.split()[1]))
record.write("started\n")
record.flush()
try:
    while True:
        time.sleep(0.05)
except KeyboardInterrupt:
    record.write("stopped cleanly\n")
    record.flush()
    sys.exit(0)
`

// container runs runScript as a container would: in a folder with a
// `python` (the machine's python3) and a stub bytewax package. asPID1 runs
// it as the first process of a PID namespace of its own, as in a pod.
type container struct {
	t      *testing.T
	cmd    *exec.Cmd
	record string
	done   chan struct{}
}

func startContainer(t *testing.T, mode string, keepAlive, asPID1 bool) *container {
	t.Helper()
	// The interpreter itself, not a wrapper such as a pyenv shim, so that
	// it is the process that gets the signals.
	out, err := exec.Command("python3", "-c", "import sys; print(sys.executable)").Output()
	if err != nil {
		t.Skip("python3 is needed to run the container's program")
	}
	python := strings.TrimSpace(string(out))
	dir := t.TempDir()
	bin, pkg, work := filepath.Join(dir, "bin"), filepath.Join(dir, "lib", "bytewax"), filepath.Join(dir, "work")
	for _, d := range []string{bin, pkg, work} {
		require.NoError(t, os.MkdirAll(d, 0o755))
	}
	require.NoError(t, os.Symlink(python, filepath.Join(bin, "python")))
	require.NoError(t, os.WriteFile(filepath.Join(pkg, "__init__.py"), nil, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(pkg, "run.py"), []byte(stubBytewax), 0o644))
	c := &container{t: t, record: filepath.Join(dir, "record"), done: make(chan struct{})}
	args := []string{"sh", "-c", runScript}
	if asPID1 {
		if os.Geteuid() != 0 {
			t.Skip("a PID namespace needs root")
		}
		args = append([]string{"unshare", "--pid", "--fork", "--kill-child"}, args...)
	}
	c.cmd = exec.Command(args[0], args[1:]...)
	c.cmd.Env = []string{
		"PATH=" + bin + ":" + os.Getenv("PATH"),
		"PYTHONPATH=" + filepath.Join(dir, "lib"),
		"BYTEWAX_WORKDIR=" + work,
		"BYTEWAX_PYTHON_FILE_PATH=" + work + "/flow.py:make('s3://b/x', 2)",
		"BYTEWAX_KEEP_CONTAINER_ALIVE=" + strconv.FormatBool(keepAlive),
		"STUB_MODE=" + mode,
		"STUB_RECORD=" + c.record,
	}
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	require.NoError(t, c.cmd.Start())
	go func() { _ = c.cmd.Wait(); close(c.done) }()
	t.Cleanup(func() {
		_ = syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL)
		<-c.done
	})
	return c
}

func (c *container) recorded() string {
	b, _ := os.ReadFile(c.record)
	return string(b)
}

// stop sends SIGTERM as the kubelet does: to the container's first
// process, which in a PID namespace is unshare's child.
func (c *container) stop() {
	c.t.Helper()
	pid := c.cmd.Process.Pid
	if c.cmd.Args[0] == "unshare" {
		children, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
		require.NoError(c.t, err)
		pid, err = strconv.Atoi(strings.Fields(string(children))[0])
		require.NoError(c.t, err)
	}
	require.NoError(c.t, syscall.Kill(pid, syscall.SIGTERM))
}

// exitCode waits for the container to end and returns its exit code.
func (c *container) exitCode(within time.Duration) int {
	c.t.Helper()
	select {
	case <-c.done:
		return c.cmd.ProcessState.ExitCode()
	case <-time.After(within):
		c.t.Fatalf("the container was still running after %s; it recorded:\n%s", within, c.recorded())
		return -1
	}
}

func (c *container) running() bool {
	select {
	case <-c.done:
		return false
	default:
		return syscall.Kill(c.cmd.Process.Pid, 0) == nil
	}
}

func TestTheContainerExitsWithTheDataflowsCode(t *testing.T) {
	for _, code := range []int{0, 3} {
		c := startContainer(t, fmt.Sprintf("exit %d", code), false, true)
		assert.Equal(t, code, c.exitCode(10*time.Second))
		assert.Contains(t, c.recorded(), "args /", "bytewax.run gets the file")
		assert.Contains(t, c.recorded(), "/flow.py:make('s3://b/x', 2) pid 1\n", "as one argument, and Python is the container's first process")
	}
}

func TestSIGTERMStopsTheDataflowCleanly(t *testing.T) {
	for _, keepAlive := range []bool{false, true} {
		t.Run(fmt.Sprintf("keepAlive=%t", keepAlive), func(t *testing.T) {
			c := startContainer(t, "serve", keepAlive, true)
			eventuallyTrue(t, 10*time.Second, "the dataflow to start", func() bool { return strings.Contains(c.recorded(), "started") })
			c.stop()
			assert.Equal(t, 0, c.exitCode(10*time.Second), "the container ends with the dataflow's code")
			assert.Contains(t, c.recorded(), "stopped cleanly", "Bytewax's KeyboardInterrupt path runs")
		})
	}
}

func TestKeepAliveKeepsAnEndedDataflowsContainerUntilStopped(t *testing.T) {
	c := startContainer(t, "exit 7", true, true)
	eventuallyTrue(t, 10*time.Second, "the dataflow to end", func() bool { return strings.Contains(c.recorded(), "args") })
	time.Sleep(500 * time.Millisecond)
	require.True(t, c.running(), "the container stays up after the dataflow ends")
	c.stop()
	assert.Equal(t, 7, c.exitCode(10*time.Second), "and ends with the dataflow's exit code when stopped")
}

func TestAMissingWorkingDirectoryFailsTheContainer(t *testing.T) {
	cmd := exec.Command("sh", "-c", runScript)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "BYTEWAX_WORKDIR=/nonexistent/work", "BYTEWAX_PYTHON_FILE_PATH=flow.py"}
	out, err := cmd.CombinedOutput()
	require.Error(t, err, "%s", out)
	assert.Equal(t, 1, cmd.ProcessState.ExitCode())
	assert.NotContains(t, string(out), "bytewax.run", "Python never starts elsewhere")
}

func TestThePythonFileKeepsWhatFollowsTheColon(t *testing.T) {
	for in, want := range map[string]string{
		"flow.py":                  "/var/bytewax/flow.py",
		"./lib/flow.py:flow":       "/var/bytewax/lib/flow.py:flow",
		`flow.py:make("s3://b/x")`: `/var/bytewax/flow.py:make("s3://b/x")`,
		`flow.py:make("a/../b")`:   `/var/bytewax/flow.py:make("a/../b")`,
	} {
		assert.Equal(t, want, pythonFilePath(in), in)
	}
}

// eventuallyTrue polls cond until it holds or the timeout passes.
func eventuallyTrue(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

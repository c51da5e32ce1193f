package components

import (
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

// stubPython writes a `python` that records its arguments and then runs
// body, and returns the folder to put first on PATH.
func stubPython(t *testing.T, body string) (bin, record string) {
	t.Helper()
	bin = t.TempDir()
	record = filepath.Join(bin, "record")
	script := "#!/bin/sh\necho \"$PWD $*\" >> " + record + "\n" + body + "\n"
	require.NoError(t, os.WriteFile(filepath.Join(bin, "python"), []byte(script), 0o755))
	return bin, record
}

// startRunScript starts the container's program as the container would.
func startRunScript(t *testing.T, bin string, keepAlive bool) *exec.Cmd {
	t.Helper()
	work := t.TempDir()
	cmd := exec.Command("sh", "-c", runScript)
	cmd.Env = []string{
		"PATH=" + bin + ":" + os.Getenv("PATH"),
		"BYTEWAX_WORKDIR=" + work,
		"BYTEWAX_PYTHON_FILE_PATH=" + work + "/flow.py:make(1,2)",
		"BYTEWAX_KEEP_CONTAINER_ALIVE=" + map[bool]string{true: "true", false: "false"}[keepAlive],
	}
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	return cmd
}

func exitCode(t *testing.T, cmd *exec.Cmd, within time.Duration) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
		return cmd.ProcessState.ExitCode()
	case <-time.After(within):
		t.Fatalf("the container's program was still running after %s", within)
		return -1
	}
}

func TestTheContainerExitsWithPythonsCode(t *testing.T) {
	for _, code := range []string{"0", "3"} {
		bin, record := stubPython(t, "exit "+code)
		cmd := startRunScript(t, bin, false)
		assert.Equal(t, code, strconv.Itoa(exitCode(t, cmd, 5*time.Second)))
		args, err := os.ReadFile(record)
		require.NoError(t, err)
		assert.Contains(t, string(args), "-m bytewax.run ", "python runs bytewax.run")
		assert.Contains(t, string(args), "/flow.py:make(1,2)\n", "with the file, as one word")
	}
}

func TestSIGTERMReachesPython(t *testing.T) {
	for _, keepAlive := range []bool{false, true} {
		bin, record := stubPython(t, `trap 'echo stopped-by-TERM >> `+"\"$(dirname \"$0\")/record\""+`; exit 0' TERM
echo started >> "$(dirname "$0")/record"
while :; do sleep 0.05; done`)
		cmd := startRunScript(t, bin, keepAlive)
		eventually(t, 5*time.Second, "python to start", func() bool {
			b, _ := os.ReadFile(record)
			return strings.Contains(string(b), "started")
		})
		require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
		assert.Equal(t, 0, exitCode(t, cmd, 5*time.Second), "keepAlive=%t: the container ends with Python's code", keepAlive)
		b, _ := os.ReadFile(record)
		assert.Contains(t, string(b), "stopped-by-TERM", "keepAlive=%t: Python gets SIGTERM and stops cleanly", keepAlive)
	}
}

func TestKeepAliveKeepsACrashedContainerUntilStopped(t *testing.T) {
	bin, _ := stubPython(t, "exit 7")
	cmd := startRunScript(t, bin, true)
	time.Sleep(300 * time.Millisecond)
	require.Nil(t, cmd.ProcessState, "the container stays up after the dataflow ends")
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	assert.Equal(t, 7, exitCode(t, cmd, 5*time.Second), "and ends with the dataflow's exit code when stopped")
}

// eventually polls cond until it holds or the timeout passes.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

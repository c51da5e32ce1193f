package e2e

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// execStack runs cmd/stack on the project as a process group of its own.
func execStack(p *project, args ...string) *exec.Cmd {
	cmd := exec.Command(stackBinary, append([]string{"-dir", p.dir, "-stack", "dev"}, args...)...)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+p.kubeconfig, "PULUMI_BACKEND_URL="+p.backend())
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return cmd
}

// killGroup kills the process and everything it started (the pulumi CLI,
// the provider) at once, without a chance to clean up.
func killGroup(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	require.NoError(t, syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL))
	eventually(t, 30*time.Second, "the killed processes to end", func() bool {
		return !groupRuns(cmd.Process.Pid)
	})
}

// groupRuns reports whether any process of a process group still runs
// (zombies, which only wait to be reaped, do not count).
func groupRuns(pgid int) bool {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, path := range stats {
		raw, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		s := string(raw)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		// After the name: state, ppid, pgrp.
		fields := strings.Fields(s[i+1:])
		if len(fields) >= 3 && fields[2] == strconv.Itoa(pgid) && fields[0] != "Z" {
			return true
		}
	}
	return false
}

// upKilledAt runs up as a separate process and kills it, and everything it
// started, at once when a line of its output matches, as a closed laptop or
// a cancelled CI job would.
func upKilledAt(t *testing.T, p *project, match func(line string) bool) {
	t.Helper()
	cmd := execStack(p, "up")
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	var output strings.Builder
	killed := false
	scanner := bufio.NewScanner(stdout)
	for scanner.Scan() {
		line := scanner.Text()
		output.WriteString(line + "\n")
		if !killed && match(line) {
			killGroup(t, cmd)
			killed = true
		}
	}
	_ = cmd.Wait()
	require.True(t, killed, "up ended before it could be interrupted:\n%s", output.String())
}

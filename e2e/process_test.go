package e2e

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
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
// the provider) at once, without a chance to clean up. The CLI starts its
// plugins in process groups of their own, so they are found by parentage,
// not by group.
func killGroup(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	procs := processTree(cmd.Process.Pid)
	for _, pid := range procs {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
	eventually(t, 30*time.Second, "the killed processes to end", func() bool {
		return !slices.ContainsFunc(procs, running)
	})
}

// processStat is a process's state and parent, from /proc/<pid>/stat.
func processStat(pid int) (state string, ppid int, ok bool) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return "", 0, false
	}
	s := string(raw)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return "", 0, false
	}
	// After the name: state, ppid.
	fields := strings.Fields(s[i+1:])
	if len(fields) < 2 {
		return "", 0, false
	}
	ppid, err = strconv.Atoi(fields[1])
	return fields[0], ppid, err == nil
}

// running reports whether a process still runs (a zombie, which only
// waits to be reaped, does not).
func running(pid int) bool {
	state, _, ok := processStat(pid)
	return ok && state != "Z"
}

// processTree is a process and all its descendants.
func processTree(root int) []int {
	children := map[int][]int{}
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, path := range stats {
		pid, err := strconv.Atoi(filepath.Base(filepath.Dir(path)))
		if err != nil {
			continue
		}
		if _, ppid, ok := processStat(pid); ok {
			children[ppid] = append(children[ppid], pid)
		}
	}
	tree := []int{root}
	for i := 0; i < len(tree); i++ {
		tree = append(tree, children[tree[i]]...)
	}
	return tree
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

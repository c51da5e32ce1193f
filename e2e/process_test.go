package e2e

import (
	"os"
	"os/exec"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

// execStack runs cmd/stack on the project as a process group of its own.
func execStack(p *project, args ...string) *exec.Cmd {
	cmd := exec.Command(stackBinary, append([]string{"-dir", p.dir, "-stack", "dev"}, args...)...)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+kubeconfig, "PULUMI_BACKEND_URL="+p.backend())
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return cmd
}

// killGroup kills the process and everything it started (the pulumi CLI,
// the provider) at once, without a chance to clean up.
func killGroup(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	require.NoError(t, syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL))
	_ = cmd.Wait()
}

// Package deploy drives the project's Pulumi program through the Automation
// API: a local workspace over the project folder (so Pulumi.yaml, the
// Pulumi.<stack>.yaml files and `pulumi config set` all apply) running
// stack.Program inline. It needs the pulumi CLI, but no Go language host.
package deploy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pulumi-bytewax/pulumi-bytewax/internal/stack"
)

// ProjectName is the name in Pulumi.yaml.
const ProjectName = "bytewax"

// Options select the stack and where its state lives.
type Options struct {
	// ProjectDir holds Pulumi.yaml; the program's relative paths start there.
	ProjectDir string
	// Stack is the stack's name, such as "dev".
	Stack string
	// Env adds environment variables for the pulumi CLI and the Kubernetes
	// provider, such as KUBECONFIG. The program runs in this process, and
	// the component reads the cluster with this process's environment (or
	// the stack's kubernetes:kubeconfig): a KUBECONFIG here must be this
	// process's too.
	Env map[string]string
	// BackendURL overrides Backend's choice, such as "file:///tmp/state".
	BackendURL string
	// Program runs instead of the project's program, for benchmarks and
	// tests of programs of their own.
	Program pulumi.RunFunc
}

// Backend is where state is kept: PULUMI_BACKEND_URL, or the backend the
// user logged in to, or else a file backend in the project folder, so that
// no account or login is needed. local reports a file backend, whose
// secrets are encrypted with a passphrase.
func Backend(projectDir string) (url string, local bool) {
	if url := os.Getenv("PULUMI_BACKEND_URL"); url != "" {
		return url, isFileBackend(url)
	}
	if creds, err := workspace.GetStoredCredentials(); err == nil && creds.Current != "" {
		return creds.Current, false
	}
	return "file://" + filepath.Join(projectDir, ".pulumi-state"), true
}

func isFileBackend(url string) bool { return strings.HasPrefix(url, "file://") }

// CopyProject copies what the program needs of the project in src (the
// Pulumi files and the dataflows) into dst, to deploy a copy that can be
// edited and configured without touching the original.
func CopyProject(src, dst string) error {
	for _, f := range []string{"Pulumi.yaml", "Pulumi.dev.yaml"} {
		raw, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dst, f), raw, 0o644); err != nil {
			return err
		}
	}
	return os.CopyFS(filepath.Join(dst, "dataflows"), os.DirFS(filepath.Join(src, "dataflows")))
}

// Open selects the stack, creating it if needed.
func Open(ctx context.Context, opts Options) (auto.Stack, error) {
	dir, err := filepath.Abs(opts.ProjectDir)
	if err != nil {
		return auto.Stack{}, err
	}
	env := map[string]string{}
	maps.Copy(env, opts.Env)
	backend, local := opts.BackendURL, isFileBackend(opts.BackendURL)
	if backend == "" {
		backend, local = Backend(dir)
	}
	env["PULUMI_BACKEND_URL"] = backend
	// Machines without internet access would wait on the update check.
	env["PULUMI_SKIP_UPDATE_CHECK"] = "true"
	wsOpts := []auto.LocalWorkspaceOption{auto.WorkDir(dir)}
	if local {
		// A local backend encrypts secrets with a passphrase; an empty one
		// unless the user sets PULUMI_CONFIG_PASSPHRASE.
		if _, set := os.LookupEnv("PULUMI_CONFIG_PASSPHRASE"); !set {
			if _, setFile := os.LookupEnv("PULUMI_CONFIG_PASSPHRASE_FILE"); !setFile {
				env["PULUMI_CONFIG_PASSPHRASE"] = ""
			}
		}
		wsOpts = append(wsOpts, auto.SecretsProvider("passphrase"))
		stateDir := strings.TrimPrefix(backend, "file://")
		if err := os.MkdirAll(stateDir, 0o755); err != nil {
			return auto.Stack{}, err
		}
		if err := releaseStaleLocks(stateDir, opts.Stack); err != nil {
			return auto.Stack{}, err
		}
	}
	wsOpts = append(wsOpts, auto.EnvVars(env))
	program := opts.Program
	if program == nil {
		program = stack.ProgramIn(dir)
	}
	return auto.UpsertStackInlineSource(ctx, opts.Stack, ProjectName, program, wsOpts...)
}

// releaseStaleLocks removes the stack's locks left by a pulumi process of
// this machine that no longer runs, so that an interrupted run does not
// block the next one. A lock of a live process, or of another machine, is
// kept.
func releaseStaleLocks(stateDir, stackName string) error {
	host, err := os.Hostname()
	if err != nil {
		return err
	}
	pattern := filepath.Join(stateDir, ".pulumi", "locks", "*", ProjectName, stackName, "*.json")
	locks, err := filepath.Glob(pattern)
	if err != nil {
		return err
	}
	for _, lock := range locks {
		raw, err := os.ReadFile(lock)
		if err != nil {
			continue
		}
		var content struct {
			Pid      int    `json:"pid"`
			Hostname string `json:"hostname"`
		}
		if json.Unmarshal(raw, &content) != nil || content.Hostname != host || content.Pid <= 0 {
			continue
		}
		if alive(content.Pid) {
			continue
		}
		fmt.Fprintf(os.Stderr, "removing the lock of pulumi process %d, which no longer runs: %s\n", content.Pid, lock)
		if err := os.Remove(lock); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// alive reports whether a process runs. A zombie, the remains of a killed
// process that nobody has reaped yet, does not.
func alive(pid int) bool {
	if err := syscall.Kill(pid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true // no /proc: trust the signal
	}
	// The state follows the command name, which is in parentheses.
	if i := strings.LastIndexByte(string(stat), ')'); i >= 0 && i+2 < len(stat) {
		return stat[i+2] != 'Z'
	}
	return true
}

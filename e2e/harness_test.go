// Package e2e deploys the project with the real Pulumi engine and Kubernetes
// provider to the project's local cluster (scripts/cluster.sh), and checks
// what the cluster holds. It runs when BYTEWAX_E2E=1, as `make test` sets.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/stretchr/testify/require"

	"github.com/pulumi-bytewax/pulumi-bytewax/internal/deploy"
)

var (
	repoRoot, _ = filepath.Abs("..")
	kubeconfig  = filepath.Join(repoRoot, ".cluster", "kubeconfig")
	// stackBinary is cmd/stack, built once, for the tests that run the
	// program as a separate process.
	stackBinary string
)

func TestMain(m *testing.M) {
	if os.Getenv("BYTEWAX_E2E") != "1" {
		// None of the tests runs: some set the cluster up before they
		// would reach a skip.
		fmt.Println("e2e: skipped; set BYTEWAX_E2E=1 (make test does) to deploy to the local cluster")
		os.Exit(0)
	}
	os.Exit(setUp(m))
}

func setUp(m *testing.M) int {
	must := func(err error, what string) {
		if err != nil {
			fmt.Fprintf(os.Stderr, "e2e: %s: %v\n", what, err)
			os.Exit(1)
		}
	}
	path, err := exec.Command(filepath.Join(repoRoot, "scripts", "tools.sh"), "--print-path").Output()
	must(err, "building the tools")
	must(os.Setenv("PATH", strings.TrimSpace(string(path))+":"+os.Getenv("PATH")), "PATH")
	// The programs run inline, in this process: the component reads the
	// cluster with this process's KUBECONFIG, as the provider does with
	// the one each project passes it.
	must(os.Setenv("KUBECONFIG", kubeconfig), "KUBECONFIG")
	up := exec.Command(filepath.Join(repoRoot, "scripts", "cluster.sh"), "up")
	up.Stdout, up.Stderr = os.Stderr, os.Stderr
	must(up.Run(), "starting the local cluster")
	dir, err := os.MkdirTemp("", "bytewax-e2e-bin")
	must(err, "temp dir")
	defer os.RemoveAll(dir)
	stackBinary = filepath.Join(dir, "stack")
	build := exec.Command("go", "build", "-o", stackBinary, "./cmd/stack")
	build.Dir, build.Stderr = repoRoot, os.Stderr
	must(build.Run(), "building cmd/stack")
	return m.Run()
}

func requireE2E(t *testing.T) {
	t.Helper()
	if os.Getenv("BYTEWAX_E2E") != "1" {
		t.Skip("set BYTEWAX_E2E=1 to run against the local cluster")
	}
}

// project is a copy of the project's Pulumi files and dataflows in a temp
// folder, with its own file backend, deployed into its own namespace.
type project struct {
	t          *testing.T
	dir        string
	namespace  string
	kubeconfig string
	stack      auto.Stack
}

func newProject(t *testing.T, namespace string, config map[string]string) *project {
	t.Helper()
	return newProjectAs(t, namespace, config, kubeconfig)
}

// newProjectAs is newProject for the user of another kubeconfig.
func newProjectAs(t *testing.T, namespace string, config map[string]string, kubeconfigPath string) *project {
	t.Helper()
	requireE2E(t)
	requireControlPlane(t)
	dir := t.TempDir()
	require.NoError(t, deploy.CopyProject(repoRoot, dir))
	p := &project{t: t, dir: dir, namespace: namespace, kubeconfig: kubeconfigPath}
	p.stack = p.open()
	if kubeconfigPath != kubeconfig {
		// Another user's: the provider and the component, which runs in
		// this process, both read it from the stack's config.
		require.NoError(t, p.stack.SetConfig(context.Background(), "kubernetes:kubeconfig", auto.ConfigValue{Value: kubeconfigPath}))
	}
	p.setConfig(map[string]string{"namespace": namespace})
	p.setConfig(config)
	return p
}

func (p *project) backend() string { return "file://" + filepath.Join(p.dir, ".pulumi-state") }

func (p *project) open() auto.Stack {
	s, err := deploy.Open(context.Background(), deploy.Options{
		ProjectDir: p.dir,
		Stack:      "dev",
		BackendURL: p.backend(),
		Env:        map[string]string{"KUBECONFIG": p.kubeconfig},
	})
	require.NoError(p.t, err)
	return s
}

func (p *project) setConfig(config map[string]string) {
	for k, v := range config {
		require.NoError(p.t, p.stack.SetConfigWithOptions(context.Background(), "bytewax:"+k,
			auto.ConfigValue{Value: v}, &auto.ConfigOptions{Path: false}))
	}
}

// setPath sets a config value at a path, as `pulumi config set --path`
// does.
func (p *project) setPath(path, value string) {
	require.NoError(p.t, p.stack.SetConfigWithOptions(context.Background(), "bytewax:"+path,
		auto.ConfigValue{Value: value}, &auto.ConfigOptions{Path: true}))
}

// setSecretPath sets a secret config value at a path, as
// `pulumi config set --secret --path` does.
func (p *project) setSecretPath(path, value string) {
	require.NoError(p.t, p.stack.SetConfigWithOptions(context.Background(), "bytewax:"+path,
		auto.ConfigValue{Value: value, Secret: true}, &auto.ConfigOptions{Path: true}))
}

// export returns the stack's state as `pulumi stack export` prints it (the
// Automation API's Export shows secrets), followed by the state file at rest
// in the file backend.
func (p *project) export() string {
	p.t.Helper()
	cmd := exec.Command("pulumi", "stack", "export", "--stack", "dev")
	cmd.Dir = p.dir
	cmd.Env = append(os.Environ(), "PULUMI_BACKEND_URL="+p.backend(), "PULUMI_CONFIG_PASSPHRASE=", "PULUMI_SKIP_UPDATE_CHECK=true")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	exported, err := cmd.Output()
	require.NoError(p.t, err, "pulumi stack export: %s", stderr.String())
	require.Contains(p.t, string(exported), `"secrets_providers"`, "an export of the stack")
	atRest, err := os.ReadFile(filepath.Join(p.dir, ".pulumi-state", ".pulumi", "stacks", "bytewax", "dev.json"))
	require.NoError(p.t, err)
	return string(exported) + "\n" + string(atRest)
}

// up deploys and returns what the engine printed.
func (p *project) up() string {
	p.t.Helper()
	var out bytes.Buffer
	_, err := p.stack.Up(context.Background(), optup.ProgressStreams(&out), optup.ErrorProgressStreams(&out))
	if err != nil {
		p.t.Fatalf("up failed: %v\n%s\nthe engine printed:\n%s", err, diagnosis(p.namespace), out.String())
	}
	return out.String()
}

// requireControlPlane fails a test at once, rather than after the
// provider's timeouts, when a process of the local cluster has stopped.
func requireControlPlane(t *testing.T) {
	t.Helper()
	clusterDir := filepath.Join(repoRoot, ".cluster", "kwok", "clusters", "bytewax")
	for _, c := range controlPlane {
		if exec.Command("pgrep", "-f", "^"+filepath.Join(clusterDir, "bin", c)+" ").Run() != nil {
			t.Fatalf("the local cluster is broken:\n%s", diagnosis("default"))
		}
	}
}

// controlPlane are the local cluster's processes (scripts/cluster.sh).
var controlPlane = []string{"etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok-controller"}

// diagnosis says what the cluster holds in a namespace, and which of its
// control plane's processes have stopped, with their last log lines: what
// a failed rollout needs to be understood from a test's output alone.
func diagnosis(namespace string) string {
	var b strings.Builder
	clusterDir := filepath.Join(repoRoot, ".cluster", "kwok", "clusters", "bytewax")
	for _, c := range controlPlane {
		if exec.Command("pgrep", "-f", "^"+filepath.Join(clusterDir, "bin", c)+" ").Run() == nil {
			continue
		}
		fmt.Fprintf(&b, "the control plane's %s is not running; the end of its log:\n", c)
		if logs, _ := filepath.Glob(filepath.Join(clusterDir, "logs", c+"*")); len(logs) > 0 {
			tail, _ := exec.Command("tail", "-n", "15", logs[0]).CombinedOutput()
			b.Write(tail)
		}
	}
	for _, args := range [][]string{
		{"get", "nodes", "-o", "wide"},
		{"-n", namespace, "get", "statefulsets,jobs,pods,persistentvolumeclaims", "-o", "wide"},
		{"-n", namespace, "get", "events", "--sort-by", ".lastTimestamp"},
	} {
		out, err := kubectl(args...)
		if err != nil {
			fmt.Fprintf(&b, "kubectl %s: %v\n", strings.Join(args, " "), err)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) > 25 {
			lines = lines[len(lines)-25:]
		}
		fmt.Fprintf(&b, "kubectl %s:\n%s\n", strings.Join(args, " "), strings.Join(lines, "\n"))
	}
	return b.String()
}

// upWarnings runs up and returns the warnings the engine, the provider and
// admission reported. The provider's await status lines, which come and go
// while a rollout runs and only say how long it took, are not among them.
func (p *project) upWarnings() []string {
	p.t.Helper()
	var (
		mu       sync.Mutex
		warnings []string
	)
	ch := make(chan events.EngineEvent)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for e := range ch {
			if d := e.DiagnosticEvent; d != nil && d.Severity == "warning" && !d.Ephemeral {
				mu.Lock()
				warnings = append(warnings, d.Message)
				mu.Unlock()
			}
		}
	}()
	var out bytes.Buffer
	_, err := p.stack.Up(context.Background(), optup.ProgressStreams(&out), optup.ErrorProgressStreams(&out), optup.EventStreams(ch))
	require.NoError(p.t, err, "%s", out.String())
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		p.t.Fatal("the engine's event stream did not end")
	}
	mu.Lock()
	defer mu.Unlock()
	return warnings
}

// refresh reads the cluster's state into the stack.
func (p *project) refresh() {
	p.t.Helper()
	var out bytes.Buffer
	_, err := p.stack.Refresh(context.Background(), optrefresh.ProgressStreams(&out))
	require.NoError(p.t, err, "%s", out.String())
}

// requireNoChanges fails when a preview would change anything.
func (p *project) requireNoChanges() {
	p.t.Helper()
	var out bytes.Buffer
	_, err := p.stack.Preview(context.Background(), optpreview.ExpectNoChanges(), optpreview.Diff(), optpreview.ProgressStreams(&out))
	require.NoError(p.t, err, "%s", out.String())
}

func (p *project) destroy() {
	p.t.Helper()
	var out bytes.Buffer
	_, err := p.stack.Destroy(context.Background(), optdestroy.ProgressStreams(&out))
	require.NoError(p.t, err, "%s", out.String())
}

// destroyOnCleanup removes what the test deployed even when it fails.
func (p *project) destroyOnCleanup() {
	p.t.Cleanup(func() {
		_, _ = p.stack.Destroy(context.Background())
	})
}

func (p *project) writeFile(rel, content string) {
	require.NoError(p.t, os.WriteFile(filepath.Join(p.dir, rel), []byte(content), 0o644))
}

// kubectl runs kubectl against the local cluster as its admin.
func kubectl(args ...string) (string, error) {
	return kubectlAs(kubeconfig, args...)
}

// kubectlAs runs kubectl as the user of a kubeconfig.
func kubectlAs(kubeconfigPath string, args ...string) (string, error) {
	cmd := exec.Command("kubectl", append([]string{"--kubeconfig", kubeconfigPath}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return string(out), fmt.Errorf("kubectl %s: %v: %s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out), nil
}

// get returns an object, or a list, as JSON values.
func get(t *testing.T, args ...string) map[string]any {
	t.Helper()
	out, err := kubectl(append([]string{"get", "-o", "json"}, args...)...)
	require.NoError(t, err)
	var obj map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &obj))
	return obj
}

// exists reports whether an object exists.
func exists(t *testing.T, args ...string) bool {
	t.Helper()
	out, err := kubectl(append([]string{"get", "--ignore-not-found", "-o", "name"}, args...)...)
	require.NoError(t, err)
	return strings.TrimSpace(out) != ""
}

// field walks map keys and slice indexes.
func field(v any, path ...any) any {
	for _, step := range path {
		switch s := step.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[s]
		case int:
			a, _ := v.([]any)
			if s >= len(a) {
				return nil
			}
			v = a[s]
		}
	}
	return v
}

func items(list map[string]any) []map[string]any {
	var out []map[string]any
	for _, it := range field(list, "items").([]any) {
		out = append(out, it.(map[string]any))
	}
	return out
}

// envOf returns a container's literal environment.
func envOf(container any) map[string]string {
	env := map[string]string{}
	for _, e := range field(container, "env").([]any) {
		if v, ok := field(e, "value").(string); ok {
			env[field(e, "name").(string)] = v
		}
	}
	return env
}

// eventually polls cond until it holds or the timeout passes.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(time.Second)
	}
}

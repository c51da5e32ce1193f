package e2e

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// deployerNamespace makes a namespace enforcing Pod Security "restricted"
// and an account in it bound to nothing but rbac/deployer.yaml's
// bytewax-deployer there, and returns a kubeconfig of that account.
func deployerNamespace(t *testing.T, ns string) string {
	t.Helper()
	_, err := kubectl("apply", "--server-side", "-f", filepath.Join(repoRoot, "rbac", "deployer.yaml"))
	require.NoError(t, err)
	_, err = kubectl("create", "namespace", ns)
	require.NoError(t, err)
	t.Cleanup(func() { _, _ = kubectl("delete", "namespace", ns, "--wait=false") })
	_, err = kubectl("label", "namespace", ns, "pod-security.kubernetes.io/enforce=restricted")
	require.NoError(t, err)
	_, err = kubectl("-n", ns, "create", "serviceaccount", "deployer")
	require.NoError(t, err)
	_, err = kubectl("-n", ns, "create", "rolebinding", "deployer", "--clusterrole=bytewax-deployer", "--serviceaccount="+ns+":deployer")
	require.NoError(t, err)
	return deployerKubeconfig(t, ns, "deployer")
}

// upUnlessForbidden runs up, and stops it as soon as the engine or the
// provider reports a Forbidden, which the provider would otherwise await
// for its whole timeout.
func (p *project) upUnlessForbidden() {
	p.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch := make(chan events.EngineEvent)
	forbidden := make(chan string, 1)
	go func() {
		for e := range ch {
			if d := e.DiagnosticEvent; d != nil && strings.Contains(strings.ToLower(d.Message), "forbidden") {
				select {
				case forbidden <- d.Message:
				default:
				}
				cancel()
			}
		}
	}()
	var out bytes.Buffer
	_, err := p.stack.Up(ctx, optup.ProgressStreams(&out), optup.ErrorProgressStreams(&out), optup.EventStreams(ch))
	select {
	case msg := <-forbidden:
		p.t.Fatalf("the deployer role lacks a permission: %s", msg)
	default:
	}
	require.NoError(p.t, err, "%s", out.String())
}

// TestTheDeployerRoleCoversEveryFeature deploys, as an account bound to
// nothing but bytewax-deployer in one namespace, a dataflow of each
// feature that needs objects of its own (a batch, recovery of either
// layout, a PodMonitor), reads its status and logs, and destroys it.
func TestTheDeployerRoleCoversEveryFeature(t *testing.T) {
	const ns = "e2e-rbac-features"
	requireE2E(t)
	deployer := deployerNamespace(t, ns)
	_, err := kubectl("apply", "--server-side", "-f", filepath.Join(repoRoot, "e2e", "testdata", "podmonitor-crd.yaml"))
	require.NoError(t, err)
	_, err = kubectl("wait", "--for=condition=Established", "crd/podmonitors.monitoring.coreos.com", "--timeout=60s")
	require.NoError(t, err)
	createVolumes(t, "e2e-rbac-rwo", 2)
	applyVolumes(t, "e2e-rbac-rwx", 1, func(int) string {
		return "hostPath:\n    path: /tmp/e2e-rbac-rwx\n"
	})
	_, err = kubectl("patch", "persistentvolume", "e2e-rbac-rwx-0", "--type=merge", "-p", `{"spec":{"accessModes":["ReadWriteMany"]}}`)
	require.NoError(t, err)

	features := []struct {
		name   string
		config map[string]string
	}{
		{"batch", map[string]string{"directory": "dataflows/batch", "pythonFile": "batch.py", "batch": "true", "batchRun": "1", "batchWait": "true"}},
		{"per-process", map[string]string{"recovery": "true", "recoveryPartitions": "2", "recoveryStorageClass": "e2e-rbac-rwo"}},
		{"shared", map[string]string{"recovery": "true", "recoveryPartitions": "2", "recoveryLayout": "shared", "recoveryStorageClass": "e2e-rbac-rwx"}},
		{"monitored", map[string]string{"podMonitor": "true"}},
	}
	for _, f := range features {
		t.Run(f.name, func(t *testing.T) {
			config := map[string]string{"createNamespace": "false", "processes": "2", "name": f.name}
			for k, v := range f.config {
				config[k] = v
			}
			p := newProjectAs(t, ns, config, deployer)
			p.destroyOnCleanup()
			p.upUnlessForbidden()
			assert.Contains(t, p.command("status"), f.name)
			assert.NotEmpty(t, p.command("logs", f.name), "the processes' logs")
			p.destroy()
		})
	}
}

// TestADeployerWithOnlyTheRBACRules deploys and destroys the dev stack as
// a ServiceAccount bound to nothing but rbac/deployer.yaml's
// bytewax-deployer, in one namespace.
func TestADeployerWithOnlyTheRBACRules(t *testing.T) {
	const ns = "e2e-rbac"
	requireE2E(t)
	deployer := deployerNamespace(t, ns)

	denied, _ := kubectlAs(deployer, "auth", "can-i", "list", "secrets", "-n", "default")
	require.Equal(t, "no", strings.TrimSpace(denied), "the deployer can do nothing outside its namespace")

	p := newProjectAs(t, ns, map[string]string{"createNamespace": "false"}, deployer)
	p.destroyOnCleanup()
	p.up()
	requireRolledOut(t, ns, "my-dataflow", 3)
	p.requireNoChanges()
	// A change in place (labels) and a replacement (processes).
	p.setConfig(map[string]string{"processes": "2"})
	p.setPath("labels.team", "streams")
	p.up()
	requireRolledOut(t, ns, "my-dataflow", 2)
	p.requireNoChanges()
	p.destroy()
	assert.False(t, exists(t, "-n", ns, "statefulset", "my-dataflow"))
}

// deployerKubeconfig writes a kubeconfig for a ServiceAccount of the local
// cluster, with a token of its own.
func deployerKubeconfig(t *testing.T, namespace, account string) string {
	t.Helper()
	token, err := kubectl("-n", namespace, "create", "token", account, "--duration=1h")
	require.NoError(t, err)
	server, err := kubectl("config", "view", "--raw", "--minify", "-o", "jsonpath={.clusters[0].cluster.server}")
	require.NoError(t, err)
	ca, err := kubectl("config", "view", "--raw", "--minify", "-o", "jsonpath={.clusters[0].cluster.certificate-authority}")
	require.NoError(t, err)
	config := "apiVersion: v1\nkind: Config\n" +
		"clusters:\n- name: local\n  cluster:\n    server: " + server + "\n    certificate-authority: " + ca + "\n" +
		"users:\n- name: " + account + "\n  user:\n    token: " + strings.TrimSpace(token) + "\n" +
		"contexts:\n- name: " + account + "\n  context:\n    cluster: local\n    user: " + account + "\n    namespace: " + namespace + "\n" +
		"current-context: " + account + "\n"
	path := filepath.Join(t.TempDir(), "kubeconfig")
	require.NoError(t, os.WriteFile(path, []byte(config), 0o600))
	return path
}

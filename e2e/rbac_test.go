package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestADeployerWithOnlyTheRBACRules deploys and destroys the dev stack as
// a ServiceAccount bound to nothing but rbac/deployer.yaml's
// bytewax-deployer, in one namespace.
func TestADeployerWithOnlyTheRBACRules(t *testing.T) {
	const ns = "e2e-rbac"
	requireE2E(t)
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
	deployer := deployerKubeconfig(t, ns, "deployer")

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

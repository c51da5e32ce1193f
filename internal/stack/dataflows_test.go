package stack

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pulumi-bytewax/pulumi-bytewax/components"
	pt "github.com/pulumi-bytewax/pulumi-bytewax/components/bytewaxtest"
)

const dataflowType = components.BytewaxDataflowType

// threeDataflows is a stack of three dataflows in two namespaces, over
// stack-wide defaults.
const threeDataflows = `config:
  bytewax:namespace: analytics
  bytewax:createNamespace: true
  bytewax:processes: 2
  bytewax:imageTag: 0.21.1-python3.12
  bytewax:labels:
    team: data
  bytewax:dataflows:
    orders:
      processes: 3
    clicks:
      labels:
        team: web
    audit:
      namespace: security
      keepAlive: true
`

func runStackFile(t *testing.T, stack, content string, overrides map[string]any, opts ...pt.Option) (pt.Deployment, error) {
	t.Helper()
	root := projectWithStack(t, stack, content)
	cfg, err := ProjectConfig(root, stack, overrides)
	require.NoError(t, err)
	return pt.Run(t, Program, append([]pt.Option{pt.WithConfig(cfg.Values, cfg.Secrets...), pt.WithRootDirectory(root), pt.WithStack(stack)}, opts...)...)
}

func statefulSetOf(t *testing.T, d pt.Deployment, name string) map[string]any {
	t.Helper()
	return d.Named(t, pt.StatefulSet, name).Object(t)
}

func TestAStackListsItsDataflowsOverStackWideDefaults(t *testing.T) {
	d, err := runStackFile(t, "env", threeDataflows, nil)
	require.NoError(t, err)

	require.Len(t, d.OfType(pt.StatefulSet), 3)
	tests := []struct {
		name, namespace, team string
		processes             float64
	}{
		{"audit", "security", "data", 2},
		{"clicks", "analytics", "web", 2},
		{"orders", "analytics", "data", 3},
	}
	for _, tt := range tests {
		sts := statefulSetOf(t, d, tt.name)
		assert.Equal(t, tt.namespace, pt.Get(t, sts, "metadata", "namespace"), tt.name)
		assert.Equal(t, tt.processes, pt.Get(t, sts, "spec", "replicas"), "%s: an entry's own key wins over the stack's", tt.name)
		assert.Equal(t, tt.team, pt.Get(t, sts, "metadata", "labels", "team"), tt.name)
		assert.Equal(t, "bytewax/bytewax:0.21.1-python3.12", pt.Get(t, sts, "spec", "template", "spec", "containers", 0, "image"), "%s: the stack-wide image", tt.name)
	}

	// Each namespace is created once, by the stack, whichever dataflows
	// use it; every dataflow waits for its own.
	namespaces := d.OfType(pt.Namespace)
	require.Len(t, namespaces, 2)
	byName := map[string]pt.Registered{}
	for _, ns := range namespaces {
		assert.Contains(t, ns.Parent, "pulumi:pulumi:Stack", "%s belongs to the stack, not to a dataflow", ns.Name)
		byName[ns.Name] = ns
		assert.Equal(t, "restricted", pt.Get(t, ns.Object(t), "metadata", "labels", "pod-security.kubernetes.io/enforce"))
		assert.Equal(t, "data", pt.Get(t, ns.Object(t), "metadata", "labels", "team"), "the stack-wide labels")
	}
	require.Contains(t, byName, "analytics")
	require.Contains(t, byName, "security")
	for _, component := range d.OfType(dataflowType) {
		ns := map[string]string{"audit": "security", "clicks": "analytics", "orders": "analytics"}[component.Name]
		assert.True(t, component.DependsOn(byName[ns].URN), "%s waits for its namespace", component.Name)
		for _, child := range d.ChildrenOf(component.URN) {
			assert.NotEqual(t, pt.Namespace, child.Type, "%s owns no namespace", component.Name)
		}
	}
}

func TestAListedDataflowChangesNoOther(t *testing.T) {
	before, err := runStackFile(t, "env", threeDataflows, nil)
	require.NoError(t, err)
	after, err := runStackFile(t, "env", threeDataflows, map[string]any{
		"dataflows": map[string]any{"orders": map[string]any{"processes": 3}, "audit": map[string]any{"namespace": "security", "keepAlive": true}},
	})
	require.NoError(t, err)
	for _, r := range after.Resources {
		if r.Type == "pulumi:pulumi:Stack" {
			continue
		}
		was := before.Named(t, r.Type, r.Name)
		assert.Equal(t, was.URN, r.URN)
		assert.Equal(t, was.Plain(), r.Plain(), "%s %s is untouched when another dataflow goes", r.Type, r.Name)
	}
	for _, r := range before.Resources {
		if r.Name == "clicks" || r.Parent == before.Named(t, dataflowType, "clicks").URN {
			continue
		}
		after.Named(t, r.Type, r.Name)
	}
}

func TestBadEntriesNameTheDataflowAndTheKey(t *testing.T) {
	tests := []struct {
		name      string
		stackFile string
		want      []string
	}{
		{"a bad value", `config:
  bytewax:dataflows:
    orders:
      processes: 0
    clicks:
      port: 70000
`, []string{
			"bytewax:dataflows.orders.processes: must be a whole number of at least 1 (got 0)",
			"bytewax:dataflows.clicks.port: must be at most 65535 (got 70000)",
		}},
		{"an unknown key", `config:
  bytewax:dataflows:
    orders:
      procesess: 3
`, []string{"bytewax:dataflows.orders.procesess: is not a key of a dataflow; did you mean processes?"}},
		{"a name inside an entry", `config:
  bytewax:dataflows:
    orders:
      name: other
`, []string{`bytewax:dataflows.orders.name: cannot be set in an entry: the entry's key, "orders", is the dataflow's name`}},
		{"a bad name", `config:
  bytewax:dataflows:
    Orders_1: {}
`, []string{"bytewax:dataflows.Orders_1: a DNS-1035 label"}},
		{"the single dataflow's name beside the list", `config:
  bytewax:name: single
  bytewax:dataflows:
    orders: {}
`, []string{"bytewax:name: names the one dataflow of a stack without dataflows"}},
		{"not an object", `config:
  bytewax:dataflows:
    - orders
`, []string{"bytewax:dataflows: must be an object of dataflows keyed by name"}},
		{"a stack-wide value, reported once", `config:
  bytewax:imagePullPolicy: Sometimes
  bytewax:dataflows:
    orders: {}
    clicks: {}
`, []string{`bytewax:imagePullPolicy: must be one of Always, IfNotPresent, Never (got "Sometimes")`}},
		{"creating kube-system", `config:
  bytewax:dataflows:
    orders:
      namespace: kube-system
      createNamespace: true
`, []string{`bytewax:dataflows.orders.createNamespace: cannot create "kube-system"`}},
		{"an entry without a name", `config:
  bytewax:dataflows:
    "": {processes: 2}
    dataflow: {}
`, []string{"bytewax:dataflows: has an entry without a name"}},
		{"dataflows of one namespace that disagree on creating it", `config:
  bytewax:namespace: shared
  bytewax:dataflows:
    orders:
      createNamespace: true
    clicks: {}
`, []string{`bytewax:dataflows.clicks.createNamespace: must be true, as for orders, which deploy into namespace "shared" too`}},
		{"the namespaces' labels, which no dataflow takes", `config:
  bytewax:createNamespace: true
  bytewax:labels:
    "bad key!": "x y"
  bytewax:dataflows:
    orders:
      labels: {team: data}
`, []string{
			`bytewax:labels: name part must consist of alphanumeric characters`,
			`bytewax:labels: a valid label must be an empty string or consist of alphanumeric characters`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := runStackFile(t, "bad", tt.stackFile, nil)
			require.Error(t, err)
			for _, want := range tt.want {
				assert.Contains(t, err.Error(), want)
				assert.Equal(t, 1, strings.Count(err.Error(), want), "reported once")
			}
			assert.Empty(t, d.Resources, "nothing is registered")
		})
	}
}

func TestEntrySecretsStaySecretAndPlainKeysRefuseThem(t *testing.T) {
	root := projectWithStack(t, "secrets", `config:
  bytewax:dataflows:
    orders:
      secretEnv:
        TOKEN:
          secure: v1:AAAA
    clicks:
      imageTag:
        secure: v1:BBBB
`)
	cfg, err := ProjectConfig(root, "secrets", nil)
	require.NoError(t, err)
	// The engine hands the program the decrypted values, and marks the key.
	plain, err := json.Marshal(map[string]any{
		"orders": map[string]any{"secretEnv": map[string]any{"TOKEN": "hunter2"}},
		"clicks": map[string]any{"imageTag": "hunter3"},
	})
	require.NoError(t, err)
	cfg.Values["bytewax:dataflows"] = string(plain)
	_, err = pt.Run(t, Program, pt.WithConfig(cfg.Values, cfg.Secrets...), pt.WithRootDirectory(root), pt.WithStack("secrets"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "bytewax:dataflows.clicks.imageTag: holds a secret")
	assert.NotContains(t, err.Error(), "dataflows.orders", "a secret in secretEnv is where it belongs")
	assert.NotContains(t, err.Error(), "hunter")

	plain, err = json.Marshal(map[string]any{"orders": map[string]any{"secretEnv": map[string]any{"TOKEN": "hunter2"}}})
	require.NoError(t, err)
	cfg.Values["bytewax:dataflows"] = string(plain)
	d, err := pt.Run(t, Program, pt.WithConfig(cfg.Values, cfg.Secrets...), pt.WithRootDirectory(root), pt.WithStack("secrets"))
	require.NoError(t, err)
	env := d.Named(t, pt.Secret, "orders-env")
	assert.True(t, env.IsSecret("stringData"))
	assert.False(t, d.Named(t, pt.StatefulSet, "orders").Inputs.ContainsSecrets())
}

func TestStackNamespacesCarryTheStackWideLabels(t *testing.T) {
	d, err := runStackFile(t, "labels", `config:
  bytewax:namespace: analytics
  bytewax:createNamespace: true
  bytewax:labels:
    tier: 1
  bytewax:dataflows:
    orders: {}
`, nil)
	require.NoError(t, err)
	labels := pt.Get(t, d.Named(t, pt.Namespace, "analytics").Object(t), "metadata", "labels").(map[string]any)
	assert.Equal(t, "1", labels["tier"], "a number is the label's text, as on the dataflow's objects")
	assert.Equal(t, "1", pt.Get(t, statefulSetOf(t, d, "orders"), "metadata", "labels", "tier"))
}

func TestEntriesThatWouldShareAnObjectAreRefusedBeforeAnythingIsRegistered(t *testing.T) {
	withLastOutputs(t, nil)
	tests := []struct {
		name, stackFile, want string
	}{
		{"one pull secret for two entries", `config:
  bytewax:createNamespace: true
  bytewax:registrySecretName: pull
  bytewax:registryDockerConfigJson: '{"auths":{}}'
  bytewax:dataflows:
    orders: {}
    clicks: {}
`, `bytewax:registrySecretName: secret "pull" is created by dataflow "clicks" already; name another`},
		{"one account for two entries", `config:
  bytewax:createNamespace: true
  bytewax:serviceAccountName: runner
  bytewax:dataflows:
    orders: {}
    clicks: {}
`, `bytewax:serviceAccountName: account "runner" is created by dataflow "clicks" already`},
		{"an entry named as another's recovery objects", `config:
  bytewax:createNamespace: true
  bytewax:dataflows:
    orders:
      recovery: true
      recoveryPartitions: 2
    orders-recovery: {}
`, `ConfigMap "orders-recovery" in namespace "bytewax" is dataflow "orders"'s already`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := runStackFile(t, "clash", tt.stackFile, nil)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Empty(t, d.Resources, "nothing is registered, the namespace included")
		})
	}
}

func TestDataflowsSecretAsAWholeSaySo(t *testing.T) {
	// Set outside the stack file (ESC, --config, the Automation API): the
	// engine marks the whole object secret.
	root := projectWithStack(t, "elsewhere", "config: {}\n")
	cfg, err := ProjectConfig(root, "elsewhere", nil)
	require.NoError(t, err)
	plain, err := json.Marshal(map[string]any{"orders": map[string]any{"processes": 2, "imageTag": "0.21.1-python3.12", "secretEnv": map[string]any{"TOKEN": "hunter2"}}})
	require.NoError(t, err)
	cfg.Values["bytewax:dataflows"] = string(plain)
	cfg.Secrets = append(cfg.Secrets, "bytewax:dataflows")
	d, err := pt.Run(t, Program, pt.WithConfig(cfg.Values, cfg.Secrets...), pt.WithRootDirectory(root), pt.WithStack("elsewhere"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "bytewax:dataflows.orders (not set in Pulumi.elsewhere.yaml): is secret as a whole where it was set, outside the stack file, so its plain keys (imageTag first) cannot be told from its secret values")
	assert.Equal(t, 1, strings.Count(err.Error(), "secret as a whole"), "said once for the entry")
	assert.NotContains(t, err.Error(), "hunter2")
	assert.Empty(t, d.Resources)
}

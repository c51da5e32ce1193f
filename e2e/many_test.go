package e2e

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// setObject sets a config key to a list or object, as editing the stack
// file does (the Automation API sets strings, or paths of strings).
func (p *project) setObject(key string, value any) {
	p.t.Helper()
	path := filepath.Join(p.dir, "Pulumi.dev.yaml")
	raw, err := os.ReadFile(path)
	require.NoError(p.t, err)
	var file map[string]any
	require.NoError(p.t, yaml.Unmarshal(raw, &file))
	config, _ := file["config"].(map[string]any)
	if config == nil {
		config = map[string]any{}
	}
	config["bytewax:"+key] = value
	file["config"] = config
	raw, err = yaml.Marshal(file)
	require.NoError(p.t, err)
	require.NoError(p.t, os.WriteFile(path, raw, 0o644))
}

type obj = map[string]any

// uidsOf returns the UIDs of a dataflow's StatefulSet and pods, which
// change when either is replaced or restarted.
func uidsOf(t *testing.T, namespace, name string) map[string]any {
	t.Helper()
	out := map[string]any{"statefulset": field(get(t, "-n", namespace, "statefulset", name), "metadata", "uid")}
	for _, pod := range items(get(t, "-n", namespace, "pods", "-l", "app.kubernetes.io/instance="+name)) {
		out[field(pod, "metadata", "name").(string)] = field(pod, "metadata", "uid")
	}
	return out
}

// TestManyDataflowsInOneStack moves a stack of one dataflow to the list of
// dataflows without replacing it, deploys three dataflows in two
// namespaces, and removes one with the others untouched.
func TestManyDataflowsInOneStack(t *testing.T) {
	const nsA, nsB = "e2e-many-a", "e2e-many-b"
	p := newProject(t, nsA, map[string]string{"name": "orders", "createNamespace": "true", "processes": "2"})
	p.destroyOnCleanup()
	p.up()
	requireRolledOut(t, nsA, "orders", 2)
	namespaceUID := field(get(t, "namespace", nsA), "metadata", "uid")
	orders := uidsOf(t, nsA, "orders")

	// The same dataflow, now listed, beside two new ones: its namespace
	// passes to the stack, and nothing of it is replaced or restarted.
	require.NoError(t, p.stack.RemoveConfig(context.Background(), "bytewax:name"))
	p.setObject("dataflows", obj{
		"orders": obj{},
		"clicks": obj{"processes": 3},
		"audit":  obj{"namespace": nsB, "createNamespace": true, "processes": 1},
	})
	p.up()
	assert.Equal(t, namespaceUID, field(get(t, "namespace", nsA), "metadata", "uid"), "the namespace is not replaced")
	assert.Equal(t, orders, uidsOf(t, nsA, "orders"), "orders is neither replaced nor restarted")
	requireRolledOut(t, nsA, "orders", 2)
	clicks := requireRolledOut(t, nsA, "clicks", 3)
	requireRolledOut(t, nsB, "audit", 1)
	nodes := map[any]bool{}
	for _, pod := range clicks.pods {
		nodes[field(pod, "spec", "nodeName")] = true
	}
	assert.Len(t, nodes, 3, "the three processes of clicks run on the three nodes")
	for _, df := range []struct{ ns, name string }{{nsA, "orders"}, {nsA, "clicks"}, {nsB, "audit"}} {
		assert.True(t, exists(t, "-n", df.ns, "networkpolicy", df.name), "%s's NetworkPolicy", df.name)
		assert.True(t, exists(t, "-n", df.ns, "poddisruptionbudget", df.name), "%s's PodDisruptionBudget", df.name)
	}
	outputs, err := p.stack.Outputs(context.Background())
	require.NoError(t, err)
	assert.Equal(t, nsB, field(outputs["dataflows"].Value, "audit", "namespace"))
	assert.Equal(t, "clicks", field(outputs["dataflows"].Value, "clicks", "statefulSet"))
	p.requireNoChanges()

	// Removing one dataflow, and its namespace with it, touches no other.
	before := map[string]map[string]any{"orders": uidsOf(t, nsA, "orders"), "clicks": uidsOf(t, nsA, "clicks")}
	p.setObject("dataflows", obj{"orders": obj{}, "clicks": obj{"processes": 3}})
	p.up()
	assert.False(t, exists(t, "namespace", nsB) && field(get(t, "namespace", nsB), "status", "phase") != "Terminating",
		"the namespace only audit used goes with it")
	for name, uids := range before {
		assert.Equal(t, uids, uidsOf(t, nsA, name), "%s is untouched", name)
	}
	p.requireNoChanges()
}

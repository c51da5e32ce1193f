package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

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

	// status shows the real state, a rollout in progress included: a
	// change made behind the stack's back that no node can take.
	_, err = kubectl("-n", nsA, "patch", "statefulset", "clicks", "--type", "merge",
		"-p", `{"spec":{"template":{"spec":{"nodeSelector":{"e2e.bytewax.io/pool":"none"}}}}}`)
	require.NoError(t, err)
	eventually(t, 60*time.Second, "a process of clicks to be stuck unschedulable, and counted so", func() bool {
		status := field(get(t, "-n", nsA, "statefulset", "clicks"), "status")
		if field(status, "readyReplicas") != 2.0 || field(status, "updatedReplicas") != 1.0 {
			return false
		}
		events := items(get(t, "-n", nsA, "events", "--field-selector", "reason=FailedScheduling,involvedObject.kind=Pod"))
		return slices.ContainsFunc(events, func(e map[string]any) bool {
			return strings.HasPrefix(field(e, "involvedObject", "name").(string), "clicks-")
		})
	})
	status := p.command("status")
	assert.Regexp(t, `(?m)^orders\s+`+nsA+`\s+2/2\s+orders-\w+\s+complete\s+none$`, status)
	assert.Regexp(t, `(?m)^clicks\s+`+nsA+`\s+2/3\s+clicks-\w+\s+in progress \(1/3 on the new revision\)`, status)
	assert.Regexp(t, `warning \d+[sm] ago, Pod/clicks-\d: FailedScheduling: 0/\d+ nodes are available`, status)
	assert.NotContains(t, status, "audit", "a removed dataflow is not shown")

	// logs prints every process's lines, each with its pod (the local
	// cluster serves scripts/kwok/process.log as every process's log).
	logs := p.command("logs", "orders")
	for _, pod := range []string{"orders-0", "orders-1"} {
		assert.Contains(t, logs, "[pod/"+pod+"/process] 2026-01-01T00:00:00.000000000Z <dance>1</dance>")
	}
	assert.NotContains(t, logs, "clicks")
}

// command runs the project's stack command on the stack, as a user would
// in the project's folder, and returns what it printed.
func (p *project) command(args ...string) string {
	p.t.Helper()
	cmd := exec.Command(stackBinary, append([]string{"-stack", "dev"}, args...)...)
	cmd.Dir = p.dir
	cmd.Env = append(os.Environ(), "KUBECONFIG="+p.kubeconfig, "PULUMI_BACKEND_URL="+p.backend(), "PULUMI_CONFIG_PASSPHRASE=", "PULUMI_SKIP_UPDATE_CHECK=true")
	out, err := cmd.CombinedOutput()
	require.NoError(p.t, err, "stack %v: %s", args, out)
	return string(out)
}

package e2e

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// upFails runs an up that must fail, and returns what the engine printed.
func (p *project) upFails() string {
	p.t.Helper()
	var out bytes.Buffer
	_, err := p.stack.Up(context.Background(), optup.ProgressStreams(&out), optup.ErrorProgressStreams(&out))
	require.Error(p.t, err, "up must fail:\n%s", out.String())
	return out.String()
}

// apply applies a manifest as the cluster's admin, as another tool would.
func apply(t *testing.T, manifest string) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "object.yaml")
	require.NoError(t, os.WriteFile(file, []byte(manifest), 0o644))
	_, err := kubectl("apply", "-f", file)
	require.NoError(t, err)
}

// foreignNamespace makes a namespace holding objects, as another tool
// would, and deletes it when the test ends.
func foreignNamespace(t *testing.T, ns, objects string) {
	t.Helper()
	apply(t, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: "+ns+"\n---\n"+objects)
	t.Cleanup(func() { _, _ = kubectl("delete", "namespace", ns, "--wait=false") })
}

// TestUpNeverTakesOverWhatTheStackDidNotCreate deploys next to objects
// another tool made: a namespace holding a ConfigMap, and a StatefulSet of
// the dataflow's name, as Bytewax's Helm chart would have. up refuses,
// naming them, with nothing applied; destroy leaves them.
func TestUpNeverTakesOverWhatTheStackDidNotCreate(t *testing.T) {
	const ns = "e2e-foreign"
	foreignNamespace(t, ns, `apiVersion: v1
kind: ConfigMap
metadata:
  name: keep-me
  namespace: `+ns+`
data:
  precious: "yes"
`)
	nsUID := field(get(t, "namespace", ns), "metadata", "uid")

	p := newProject(t, ns, map[string]string{"createNamespace": "true"})
	out := p.upFails()
	assert.Contains(t, out, `namespace "e2e-foreign" exists on the cluster at`)
	assert.Contains(t, out, "creating it would take it over, and destroy would delete it with everything in it")
	assert.NotContains(t, out, "kubernetes:core/v1:ConfigMap my-dataflow created", "nothing is applied")
	assert.False(t, exists(t, "-n", ns, "configmap", "my-dataflow"), "nothing is applied")
	assert.Nil(t, field(get(t, "namespace", ns), "metadata", "annotations", "bytewax.io/stack"), "the namespace is not marked")

	// Into the namespace as it is, but a StatefulSet of the dataflow's
	// name is another's.
	apply(t, `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: my-dataflow
  namespace: `+ns+`
  labels:
    app.kubernetes.io/managed-by: Helm
  annotations:
    meta.helm.sh/release-name: bytewax
spec:
  replicas: 0
  serviceName: my-dataflow
  selector:
    matchLabels: {app: theirs}
  template:
    metadata:
      labels: {app: theirs}
    spec:
      containers:
      - name: theirs
        image: theirs:1
`)
	stsUID := field(get(t, "-n", ns, "statefulset", "my-dataflow"), "metadata", "uid")
	p.setConfig(map[string]string{"createNamespace": "false"})
	out = p.upFails()
	assert.Contains(t, out, `StatefulSet e2e-foreign/my-dataflow exists on the cluster at`)
	assert.Contains(t, out, `is Helm release "bytewax"'s`)
	assert.False(t, exists(t, "-n", ns, "configmap", "my-dataflow"), "nothing is applied")
	assert.False(t, exists(t, "-n", ns, "service", "my-dataflow"), "nothing is applied")

	p.destroy()
	assert.Equal(t, nsUID, field(get(t, "namespace", ns), "metadata", "uid"), "destroy leaves the namespace")
	assert.Equal(t, "yes", field(get(t, "-n", ns, "configmap", "keep-me"), "data", "precious"))
	sts := get(t, "-n", ns, "statefulset", "my-dataflow")
	assert.Equal(t, stsUID, field(sts, "metadata", "uid"), "destroy leaves the other StatefulSet")
	assert.Equal(t, "Helm", field(sts, "metadata", "labels", "app.kubernetes.io/managed-by"), "untouched")
}

// TestAStackOfAnEarlierReleaseUpdatesInPlace deploys, then removes the
// stack's marks from its objects, as an earlier release left them: the
// next up recognises them as the stack's own, updates them in place, and
// marks them again.
func TestAStackOfAnEarlierReleaseUpdatesInPlace(t *testing.T) {
	const ns = "e2e-upgrade"
	t.Cleanup(func() { _, _ = kubectl("delete", "namespace", ns, "--wait=false") })
	p := newProject(t, ns, map[string]string{"createNamespace": "true", "processes": "2"})
	p.destroyOnCleanup()
	p.up()
	requireRolledOut(t, ns, "my-dataflow", 2)
	objects := [][]string{
		{"namespace", ns}, {"-n", ns, "statefulset", "my-dataflow"}, {"-n", ns, "service", "my-dataflow"},
		{"-n", ns, "configmap", "my-dataflow"}, {"-n", ns, "serviceaccount", "my-dataflow-bytewax"},
		{"-n", ns, "networkpolicy", "my-dataflow"}, {"-n", ns, "poddisruptionbudget", "my-dataflow"},
	}
	uids := map[string]any{}
	for _, o := range objects {
		obj := get(t, o...)
		assert.Equal(t, "organization/bytewax/dev", field(obj, "metadata", "annotations", "bytewax.io/stack"), "%v", o)
		uids[o[len(o)-1]+" "+o[len(o)-2]] = field(obj, "metadata", "uid")
		_, err := kubectl(append(append([]string{"annotate"}, o...), "bytewax.io/stack-", "bytewax.io/component-version-")...)
		require.NoError(t, err)
	}

	// The objects are the stack's own: up is not refused. Once refresh
	// has read them without the marks, up writes the marks in place.
	p.up()
	p.refresh()
	p.up()
	for _, o := range objects {
		obj := get(t, o...)
		assert.Equal(t, uids[o[len(o)-1]+" "+o[len(o)-2]], field(obj, "metadata", "uid"), "%v is updated in place", o)
		assert.Equal(t, "organization/bytewax/dev", field(obj, "metadata", "annotations", "bytewax.io/stack"), "%v is marked again", o)
	}
	p.requireNoChanges()
}

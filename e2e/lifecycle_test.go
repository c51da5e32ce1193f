package e2e

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rollout is the StatefulSet's state after an up.
type rollout struct {
	revision string
	pods     []map[string]any
}

// requireRolledOut checks that every one of n pods is Ready and on the
// StatefulSet's current revision, and returns that revision.
func requireRolledOut(t *testing.T, namespace, name string, n int) rollout {
	t.Helper()
	sts := get(t, "-n", namespace, "statefulset", name)
	status := field(sts, "status")
	assert.EqualValues(t, n, field(status, "readyReplicas"), "ready replicas")
	assert.EqualValues(t, n, field(status, "updatedReplicas"), "updated replicas")
	revision := field(status, "updateRevision").(string)
	assert.Equal(t, revision, field(status, "currentRevision"), "the rollout is complete")

	pods := items(get(t, "-n", namespace, "pods", "-l", "app.kubernetes.io/instance="+name))
	require.Len(t, pods, n)
	for _, pod := range pods {
		podName := field(pod, "metadata", "name").(string)
		assert.Equal(t, revision, field(pod, "metadata", "labels", "controller-revision-hash"), "%s is on the current revision", podName)
		assert.True(t, podReady(pod), "%s is Ready", podName)
	}
	return rollout{revision: revision, pods: pods}
}

// podReady reports whether a pod's Ready condition is true.
func podReady(pod any) bool {
	conditions, _ := field(pod, "status", "conditions").([]any)
	for _, c := range conditions {
		if field(c, "type") == "Ready" {
			return field(c, "status") == "True"
		}
	}
	return false
}

// waitRolledOut waits until the StatefulSet's n processes all run its
// current revision and are Ready, for changes the cluster makes on its
// own, such as a deleted pod's return, which no up waits for.
func waitRolledOut(t *testing.T, namespace, name string, n int) rollout {
	t.Helper()
	eventually(t, 60*time.Second, fmt.Sprintf("%d processes of %s to be Ready on the current revision", n, name), func() bool {
		sts := get(t, "-n", namespace, "statefulset", name)
		status := field(sts, "status")
		if field(status, "observedGeneration") != field(sts, "metadata", "generation") ||
			field(status, "readyReplicas") != float64(n) || field(status, "updatedReplicas") != float64(n) ||
			field(status, "currentRevision") != field(status, "updateRevision") {
			return false
		}
		ready := 0
		for _, pod := range items(get(t, "-n", namespace, "pods", "-l", "app.kubernetes.io/instance="+name)) {
			if podReady(pod) && field(pod, "metadata", "deletionTimestamp") == nil {
				ready++
			}
		}
		return ready == n
	})
	return requireRolledOut(t, namespace, name, n)
}

func requireNoFailedCreates(t *testing.T, namespace string) {
	t.Helper()
	events := items(get(t, "-n", namespace, "events", "--field-selector", "reason=FailedCreate"))
	for _, e := range events {
		t.Errorf("FailedCreate: %v", field(e, "message"))
	}
}

// TestDevStackLifecycle takes the dev stack through the life of a dataflow:
// a fresh up, a no-op up, new code, a scale-up, a new image and a destroy.
func TestDevStackLifecycle(t *testing.T) {
	const ns = "e2e-lifecycle"
	p := newProject(t, ns, nil)
	p.destroyOnCleanup()
	// Pods take two seconds to go, as a real process's shutdown does, so
	// that old and new processes would overlap if a change let them.
	p.setPath(`annotations["e2e.bytewax.io/termination-delay"]`, "2s")

	t.Run("fresh up", func(t *testing.T) {
		assert.Empty(t, p.upWarnings(), "the engine, provider and admission have nothing to warn about")

		nsObj := get(t, "namespace", ns)
		assert.Equal(t, "restricted", field(nsObj, "metadata", "labels", "pod-security.kubernetes.io/enforce"))

		cm := get(t, "-n", ns, "configmap", "my-dataflow")
		code, err := os.ReadFile(filepath.Join(repoRoot, "dataflows", "basic", "basic.py"))
		require.NoError(t, err)
		assert.Equal(t, string(code), field(cm, "data", "basic.py"))

		svc := get(t, "-n", ns, "service", "my-dataflow")
		assert.Equal(t, "None", field(svc, "spec", "clusterIP"))
		assert.Equal(t, true, field(svc, "spec", "publishNotReadyAddresses"))

		sa := get(t, "-n", ns, "serviceaccount", "my-dataflow-bytewax")
		assert.Equal(t, "default-credentials", field(sa, "imagePullSecrets", 0, "name"))

		r := requireRolledOut(t, ns, "my-dataflow", 3)
		nodes := map[any]bool{}
		for _, pod := range r.pods {
			nodes[field(pod, "spec", "nodeName")] = true
		}
		assert.Len(t, nodes, 3, "the three processes run on the three nodes")
		np := get(t, "-n", ns, "networkpolicy", "my-dataflow")
		assert.Equal(t, []any{"Ingress"}, field(np, "spec", "policyTypes"))
		pdb := get(t, "-n", ns, "poddisruptionbudget", "my-dataflow")
		assert.EqualValues(t, 0, field(pdb, "spec", "maxUnavailable"))
		eventually(t, 30*time.Second, "the budget to count the Ready processes", func() bool {
			status := field(get(t, "-n", ns, "poddisruptionbudget", "my-dataflow"), "status")
			return field(status, "currentHealthy") == 3.0 && field(status, "disruptionsAllowed") == 0.0
		})
		sts := get(t, "-n", ns, "statefulset", "my-dataflow")
		assert.Equal(t, "ScheduleAnyway", field(sts, "spec", "template", "spec", "topologySpreadConstraints", 0, "whenUnsatisfiable"))
		for _, pod := range r.pods {
			env := envOf(field(pod, "spec", "containers", 0))
			assert.Equal(t, "my-dataflow", env["BYTEWAX_STATEFULSET_NAME"])
			assert.Equal(t, "3", env["BYTEWAX_REPLICAS"])
			assert.Equal(t, "my-dataflow-bytewax", field(pod, "spec", "serviceAccountName"))
		}
		requireNoFailedCreates(t, ns)
	})

	t.Run("second up changes nothing, even after a refresh", func(t *testing.T) {
		p.requireNoChanges()
		p.refresh()
		p.requireNoChanges()
	})

	t.Run("new code restarts every pod together", func(t *testing.T) {
		before := requireRolledOut(t, ns, "my-dataflow", 3)
		code, err := os.ReadFile(filepath.Join(p.dir, "dataflows", "basic", "basic.py"))
		require.NoError(t, err)
		newCode := strings.Replace(string(code), "return x * 2", "return x * 3", 1)
		require.NotEqual(t, string(code), newCode)
		p.writeFile("dataflows/basic/basic.py", newCode)
		watch := watchPods(t, ns)
		p.up()
		events := watch.stop()

		after := requireRolledOut(t, ns, "my-dataflow", 3)
		assert.NotEqual(t, before.revision, after.revision, "the pods are on a new revision")
		requireNoOverlap(t, events, before.revision, after.revision, 3)
		assert.Equal(t, newCode, field(get(t, "-n", ns, "configmap", "my-dataflow"), "data", "basic.py"))
	})

	t.Run("scaling 3 to 5 restarts every pod together on the new peer list", func(t *testing.T) {
		before := requireRolledOut(t, ns, "my-dataflow", 3)
		p.setConfig(map[string]string{"processes": "5"})
		watch := watchPods(t, ns)
		p.up()
		events := watch.stop()
		after := requireRolledOut(t, ns, "my-dataflow", 5)
		assert.NotEqual(t, before.revision, after.revision)
		requireNoOverlap(t, events, before.revision, after.revision, 3)
		for _, pod := range after.pods {
			name := field(pod, "metadata", "name").(string)
			assert.Equal(t, "5", envOf(field(pod, "spec", "containers", 0))["BYTEWAX_REPLICAS"], name)
			init := field(pod, "spec", "initContainers", 0)
			assert.Equal(t, "5", envOf(init)["BYTEWAX_REPLICAS"], "%s writes 5 peers to its hostfile", name)
		}
	})

	t.Run("a new image restarts every pod together", func(t *testing.T) {
		before := requireRolledOut(t, ns, "my-dataflow", 5)
		p.setConfig(map[string]string{"imageTag": "0.21.1-python3.10"})
		watch := watchPods(t, ns)
		p.up()
		events := watch.stop()
		r := requireRolledOut(t, ns, "my-dataflow", 5)
		requireNoOverlap(t, events, before.revision, r.revision, 5)
		for _, pod := range r.pods {
			assert.Equal(t, "bytewax/bytewax:0.21.1-python3.10", field(pod, "spec", "containers", 0, "image"))
		}
		p.requireNoChanges()
	})

	t.Run("destroy leaves nothing", func(t *testing.T) {
		p.destroy()
		assert.False(t, exists(t, "namespace", ns), "the namespace the component created is gone")
		out, err := kubectl("get", "all,configmaps,serviceaccounts,secrets,networkpolicies,poddisruptionbudgets", "-n", ns, "-o", "name")
		require.NoError(t, err)
		assert.Empty(t, strings.TrimSpace(out))
	})
}

// TestTwoDataflowsInOneNamespace deploys two stacks into a namespace that
// existed before them, with an object of someone else's in it, and destroys
// them one at a time: the namespace, its labels and the foreign object
// survive.
func TestTwoDataflowsInOneNamespace(t *testing.T) {
	const ns = "e2e-shared"
	requireE2E(t)
	_, err := kubectl("create", "namespace", ns)
	require.NoError(t, err)
	t.Cleanup(func() { _, _ = kubectl("delete", "namespace", ns, "--wait=false") })
	_, err = kubectl("label", "namespace", ns, "pod-security.kubernetes.io/enforce=restricted", "team=platform")
	require.NoError(t, err)
	_, err = kubectl("-n", ns, "create", "configmap", "someone-elses", "--from-literal=owner=platform")
	require.NoError(t, err)
	labelsBefore := field(get(t, "namespace", ns), "metadata", "labels")

	shared := map[string]string{"createNamespace": "false", "processes": "2"}
	orders := newProject(t, ns, merge(shared, map[string]string{"name": "orders"}))
	orders.destroyOnCleanup()
	payments := newProject(t, ns, merge(shared, map[string]string{"name": "payments"}))
	payments.destroyOnCleanup()

	orders.up()
	payments.up()
	requireRolledOut(t, ns, "orders", 2)
	requireRolledOut(t, ns, "payments", 2)
	assert.Equal(t, labelsBefore, field(get(t, "namespace", ns), "metadata", "labels"), "the namespace is not relabelled")

	orders.destroy()
	assert.False(t, exists(t, "-n", ns, "statefulset", "orders"))
	assert.False(t, exists(t, "-n", ns, "configmap", "orders"))
	requireRolledOut(t, ns, "payments", 2)
	payments.requireNoChanges()

	payments.destroy()
	assert.False(t, exists(t, "-n", ns, "statefulset", "payments"))
	assert.True(t, exists(t, "namespace", ns), "a namespace the stack did not create survives")
	assert.True(t, exists(t, "-n", ns, "configmap", "someone-elses"), "so does what was in it")
	assert.Equal(t, labelsBefore, field(get(t, "namespace", ns), "metadata", "labels"))
}

// TestSecretsStaySecret deploys a stack with a secret env value, a variable
// read from a Kubernetes Secret and an image pinned by digest, and checks
// that no secret value is in the stack's exported state in plain text.
func TestSecretsStaySecret(t *testing.T) {
	const (
		ns       = "e2e-secrets"
		password = "e2e-kafka-hunter2"
		rotated  = "e2e-kafka-rotated"
		digest   = "sha256:8d4b7d0c7d8f7f1e0b4b6a9f3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e"
	)
	requireE2E(t)
	// The namespace and the Secret the variable refers to are someone
	// else's.
	_, err := kubectl("create", "namespace", ns)
	require.NoError(t, err)
	t.Cleanup(func() { _, _ = kubectl("delete", "namespace", ns, "--wait=false") })
	_, err = kubectl("-n", ns, "create", "secret", "generic", "db", "--from-literal=password=db-hunter2")
	require.NoError(t, err)

	p := newProject(t, ns, map[string]string{"imageDigest": digest, "createNamespace": "false"})
	p.destroyOnCleanup()
	p.setSecretPath("secretEnv.KAFKA_PASSWORD", password)
	// The same Secret as files, for the dataflow container.
	p.setPath("volumes[0].name", "db")
	p.setPath("volumes[0].mountPath", "/etc/db")
	p.setPath("volumes[0].secret.secretName", "db")
	// After the dev stack's two variables.
	p.setPath("env[2].name", "DB_PASSWORD")
	p.setPath("env[2].valueFrom.secretKeyRef.name", "db")
	p.setPath("env[2].valueFrom.secretKeyRef.key", "password")
	p.up()

	r := requireRolledOut(t, ns, "my-dataflow", 3)
	process := field(r.pods[0], "spec", "containers", 0)
	assert.Equal(t, "bytewax/bytewax:0.21.1-python3.11@"+digest, field(process, "image"))
	refs := map[string]any{}
	for _, e := range field(process, "env").([]any) {
		if ref := field(e, "valueFrom", "secretKeyRef"); ref != nil {
			refs[field(e, "name").(string)] = ref
		}
	}
	assert.Equal(t, map[string]any{"name": "my-dataflow-env", "key": "KAFKA_PASSWORD"}, refs["KAFKA_PASSWORD"])
	assert.Equal(t, map[string]any{"name": "db", "key": "password"}, refs["DB_PASSWORD"])
	assert.Contains(t, field(process, "volumeMounts"), map[string]any{"name": "db", "mountPath": "/etc/db", "readOnly": true})
	secret := get(t, "-n", ns, "secret", "my-dataflow-env")
	assert.Equal(t, base64.StdEncoding.EncodeToString([]byte(password)), field(secret, "data", "KAFKA_PASSWORD"))

	state := p.export()
	assert.NotContains(t, state, password, "the secret is encrypted in the state")
	assert.NotContains(t, state, base64.StdEncoding.EncodeToString([]byte(password)))
	assert.Contains(t, state, "bytewax/bytewax:0.21.1-python3.11@"+digest, "the StatefulSet stays readable")

	// A new value rolls the pods, as new code does.
	p.setSecretPath("secretEnv.KAFKA_PASSWORD", rotated)
	p.up()
	after := requireRolledOut(t, ns, "my-dataflow", 3)
	assert.NotEqual(t, r.revision, after.revision, "the pods restart with the new value")
	secret = get(t, "-n", ns, "secret", "my-dataflow-env")
	assert.Equal(t, base64.StdEncoding.EncodeToString([]byte(rotated)), field(secret, "data", "KAFKA_PASSWORD"))
	assert.NotContains(t, p.export(), rotated)
	p.requireNoChanges()

	// What the cluster filled in does not count as a change: a refresh
	// does not lead the next up to restart the dataflow.
	p.refresh()
	p.requireNoChanges()
}

func merge(maps ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range maps {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// TestBadConfigCreatesNothing previews a stack with invalid config.
func TestBadConfigCreatesNothing(t *testing.T) {
	const ns = "e2e-bad"
	p := newProject(t, ns, map[string]string{"processes": "0", "imagePullPolicy": "Sometimes"})
	_, err := p.stack.Preview(t.Context())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "bytewax:processes: must be a whole number of at least 1 (got 0)")
	assert.Contains(t, err.Error(), `bytewax:imagePullPolicy: must be one of Always, IfNotPresent, Never (got "Sometimes")`)
	assert.NotContains(t, err.Error(), "goroutine")

	_, err = p.stack.Up(t.Context())
	require.Error(t, err)
	assert.False(t, exists(t, "namespace", ns))
	state, err := p.stack.Export(t.Context())
	require.NoError(t, err)
	assert.NotContains(t, string(state.Deployment), "kubernetes:", "nothing is recorded in the state")
}

// TestInterruptedUpConverges kills a deployment midway, as a closed laptop
// or a cancelled CI job would, and checks that the next up finishes the job.
func TestInterruptedUpConverges(t *testing.T) {
	const ns = "e2e-interrupted"
	p := newProject(t, ns, map[string]string{"processes": "4"})
	p.destroyOnCleanup()

	// Kill everything at once as soon as the engine starts creating the
	// first Kubernetes object, so the run is cut between its first and last
	// operation.
	upKilledAt(t, p, func(line string) bool {
		return strings.Contains(line, "kubernetes:") && strings.Contains(line, "creating")
	})

	p.stack = p.open()
	state, err := p.stack.Export(t.Context())
	require.NoError(t, err)
	var deployment struct {
		Resources []struct {
			Type string `json:"type"`
		} `json:"resources"`
		PendingOperations []any `json:"pending_operations"`
	}
	require.NoError(t, json.Unmarshal(state.Deployment, &deployment))
	recorded := 0
	for _, r := range deployment.Resources {
		if strings.HasPrefix(r.Type, "kubernetes:") {
			recorded++
		}
	}
	require.True(t, recorded < 5 || len(deployment.PendingOperations) > 0,
		"the state shows a complete run (%d objects, no pending operations): the test would prove nothing", recorded)

	p.up()
	requireRolledOut(t, ns, "my-dataflow", 4)
	p.requireNoChanges()
	requireNoFailedCreates(t, ns)
}

// TestInterruptedChangeConverges kills an up while it replaces the
// StatefulSet, between the old processes' deletion and the new ones'
// creation, and checks that the next up finishes the change.
func TestInterruptedChangeConverges(t *testing.T) {
	const ns = "e2e-interrupted-change"
	p := newProject(t, ns, map[string]string{"processes": "2"})
	p.destroyOnCleanup()
	p.setPath(`annotations["e2e.bytewax.io/termination-delay"]`, "2s")
	p.up()
	before := requireRolledOut(t, ns, "my-dataflow", 2)

	p.setConfig(map[string]string{"processes": "3"})
	upKilledAt(t, p, func(line string) bool {
		return strings.Contains(line, "StatefulSet") && strings.Contains(line, "deleting original")
	})

	p.stack = p.open()
	p.up()
	after := requireRolledOut(t, ns, "my-dataflow", 3)
	assert.NotEqual(t, before.revision, after.revision)
	p.requireNoChanges()
}

// TestAPodMonitorWhenTheOperatorIsThere deploys a dataflow with a
// PodMonitor into a cluster that has the PodMonitor CRD.
func TestAPodMonitorWhenTheOperatorIsThere(t *testing.T) {
	const ns = "e2e-podmonitor"
	requireE2E(t)
	_, err := kubectl("apply", "--server-side", "-f", filepath.Join(repoRoot, "e2e", "testdata", "podmonitor-crd.yaml"))
	require.NoError(t, err)
	t.Cleanup(func() { _, _ = kubectl("delete", "crd", "podmonitors.monitoring.coreos.com", "--wait=false") })
	_, err = kubectl("wait", "--for=condition=Established", "crd/podmonitors.monitoring.coreos.com", "--timeout=60s")
	require.NoError(t, err)

	p := newProject(t, ns, map[string]string{"processes": "2", "podMonitor": "true", "podMonitorInterval": "15s"})
	p.destroyOnCleanup()
	p.setPath(`apiFrom[0].namespaceLabels["kubernetes.io/metadata.name"]`, "monitoring")
	p.up()
	requireRolledOut(t, ns, "my-dataflow", 2)
	pm := get(t, "-n", ns, "podmonitor", "my-dataflow")
	assert.Equal(t, "api", field(pm, "spec", "podMetricsEndpoints", 0, "port"))
	assert.Equal(t, "15s", field(pm, "spec", "podMetricsEndpoints", 0, "interval"))
	np := get(t, "-n", ns, "networkpolicy", "my-dataflow")
	assert.Equal(t, "monitoring", field(np, "spec", "ingress", 1, "from", 0, "namespaceSelector", "matchLabels", "kubernetes.io/metadata.name"), "the scraper is let in")
	p.requireNoChanges()
	p.destroy()
	assert.False(t, exists(t, "-n", ns, "podmonitor", "my-dataflow"))
}

package stack

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/pulumi-bytewax/pulumi-bytewax/components"
	pt "github.com/pulumi-bytewax/pulumi-bytewax/components/bytewaxtest"
)

// difference is one way the dev stack's objects may differ from the spec's
// manifests, and why.
type difference struct {
	kind, path string
	// serverSide: the spec's manifests were read back from a cluster with
	// Helm, so they hold fields the API server defaults or fills in, or that
	// Helm adds. We leave them out; the spec has them.
	serverSide bool
	// ours is what we render at path instead of the spec's value.
	ours any
	// check validates what we render at path, where an exact value would
	// only repeat the code.
	check func(t *testing.T, v any)
	why   string
}

var ourLabels = map[string]any{
	"app.kubernetes.io/name":       "bytewax",
	"app.kubernetes.io/instance":   "my-dataflow",
	"app.kubernetes.io/component":  "dataflow",
	"app.kubernetes.io/managed-by": "pulumi",
	"app.kubernetes.io/version":    "0.21.1-python3.11",
}

func withPodSecurity(labels map[string]any) map[string]any {
	out := map[string]any{
		"pod-security.kubernetes.io/enforce": "restricted",
		"pod-security.kubernetes.io/audit":   "restricted",
		"pod-security.kubernetes.io/warn":    "restricted",
	}
	for k, v := range labels {
		out[k] = v
	}
	return out
}

func readFile(t *testing.T, path string) string {
	raw, err := os.ReadFile(filepath.Join(projectRoot, path))
	require.NoError(t, err)
	return string(raw)
}

func differences(t *testing.T) []difference {
	const helmLabels = "Helm's and waxctl's labels (managed-by Helm, helm.sh/chart, bytewax.io/managed-by, the chart's version) give way to the recommended app.kubernetes.io labels with managed-by pulumi and the app's version (the image tag)"
	const helmAnnotations = "Helm's release annotations are Helm's"
	pod := "spec.template.spec."
	process, init := pod+"containers[0].", pod+"initContainers[0]."
	restricted := "so that pods are admitted by a namespace enforcing Pod Security 'restricted'"
	// The component marks what it creates as its stack's, and never takes
	// over an object without the mark.
	owned := helmAnnotations + "; ours name the stack that created the object and the component's release, so that no object of another stack or tool is ever taken over"
	marks := map[string]any{"bytewax.io/stack": "organization/project/dev", "bytewax.io/component-version": components.Version}
	diffs := []difference{
		{kind: "Namespace", path: "metadata.annotations", ours: marks, why: owned},
		{kind: "Namespace", path: "metadata.labels", ours: withPodSecurity(ourLabels), why: helmLabels + "; the API server adds kubernetes.io/metadata.name; and the namespace enforces, audits and warns on Pod Security 'restricted'"},
		{kind: "Namespace", path: "spec", serverSide: true, why: "the kubernetes finalizer is added by the API server"},

		{kind: "ConfigMap", path: "metadata.annotations", ours: marks, why: owned},
		{kind: "ConfigMap", path: "metadata.labels", ours: ourLabels, why: helmLabels},
		{kind: "ConfigMap", path: "data.basic\\.py", ours: readFile(t, "dataflows/basic/basic.py"), why: "the spec's basic.py uses an API Bytewax removed; ours is the same dataflow for the Bytewax of the default image"},

		{kind: "Service", path: "metadata.annotations", ours: map[string]any{"pulumi.com/skipAwait": "true", "bytewax.io/stack": "organization/project/dev", "bytewax.io/component-version": components.Version}, why: owned + "; the provider's await, which has nothing to wait for on a headless Service and can record a copy older than an update, is skipped"},
		{kind: "Service", path: "metadata.labels", ours: ourLabels, why: helmLabels},
		{kind: "Service", path: "spec.clusterIPs", serverSide: true, why: "filled by the API server from clusterIP"},
		{kind: "Service", path: "spec.ipFamilies", serverSide: true, why: "filled by the API server"},
		{kind: "Service", path: "spec.ipFamilyPolicy", serverSide: true, why: "defaulted by the API server"},
		{kind: "Service", path: "spec.sessionAffinity", serverSide: true, why: "defaulted by the API server"},
		{kind: "Service", path: "spec.type", serverSide: true, why: "defaulted by the API server"},
		{kind: "Service", path: "spec.publishNotReadyAddresses", ours: true, why: "peers dial each other while the cluster forms, before any pod is Ready"},

		{kind: "ServiceAccount", path: "metadata.annotations", ours: marks, why: owned},
		{kind: "ServiceAccount", path: "metadata.labels", ours: ourLabels, why: helmLabels},
		{kind: "ServiceAccount", path: "secrets", serverSide: true, why: "the token Secret was added by the token controller of older clusters"},
		{kind: "ServiceAccount", path: "automountServiceAccountToken", ours: false, why: "the dataflow never calls the Kubernetes API, so it gets no token"},

		{kind: "StatefulSet", path: "metadata.annotations", ours: marks, why: owned},
		{kind: "StatefulSet", path: "metadata.generation", serverSide: true, why: "counted by the API server"},
		{kind: "StatefulSet", path: "metadata.labels", ours: ourLabels, why: helmLabels},
		{kind: "StatefulSet", path: "spec.revisionHistoryLimit", serverSide: true, why: "defaulted by the API server"},
		{kind: "StatefulSet", path: "spec.updateStrategy", serverSide: true, why: "defaulted by the API server"},
		{kind: "StatefulSet", path: "spec.template.metadata.creationTimestamp", serverSide: true, why: "a null the API server's serialisation adds"},
		{kind: "StatefulSet", path: "spec.template.metadata.annotations", check: func(t *testing.T, v any) {
			assert.Regexp(t, regexp.MustCompile(`^sha256:[0-9a-f]{64}$`), pt.Get(t, v, "bytewax.io/files-checksum"))
			assert.Len(t, v, 1)
		}, why: "a checksum of the files, so that new code rolls the pods (the chart's pods keep running old code)"},
		{kind: "StatefulSet", path: process + "image", ours: "bytewax/bytewax:0.21.1-python3.11", why: "a pinned image instead of latest, so every pod and every rerun runs the same Bytewax"},
		{kind: "StatefulSet", path: process + "command", check: func(t *testing.T, v any) {
			cmd := v.([]any)
			require.Len(t, cmd, 3)
			assert.Equal(t, []any{"sh", "-c"}, cmd[:2])
			assert.Contains(t, cmd[2], `runpy.run_module("bytewax.run"`)
			assert.Contains(t, cmd[2], `"$BYTEWAX_PYTHON_FILE_PATH"`)
		}, why: "the image's entrypoint.sh keeps neither SIGTERM from Python nor its exit code; ours does what it does, runs bytewax.run with SIGTERM stopping it cleanly, and keeps the exit code"},
		{kind: "StatefulSet", path: process + "env", check: func(t *testing.T, v any) {
			env := v.([]any)
			seedEnv, _ := lookup(seedManifests(t)["StatefulSet"], process+"env", false)
			require.Len(t, env, len(seedEnv.([]any))+3)
			// Keep-alive is off: a crashed process then restarts, and with it
			// the cluster, instead of leaving a dead cluster for good.
			want := slices.Clone(seedEnv.([]any))
			for i, e := range want {
				if pt.Get(t, e, "name") == "BYTEWAX_KEEP_CONTAINER_ALIVE" {
					assert.Equal(t, "true", pt.Get(t, e, "value"), "the spec keeps containers alive")
					want[i] = map[string]any{"name": "BYTEWAX_KEEP_CONTAINER_ALIVE", "value": "false"}
				}
			}
			assert.Equal(t, want, env[:len(want)], "the spec's variables, in its order, keep-alive off")
			assert.Equal(t, []any{
				map[string]any{"name": "BYTEWAX_DATAFLOW_API_ENABLED", "value": "true"},
				map[string]any{"name": "BYTEWAX_DATAFLOW_API_PORT", "value": "3030"},
				map[string]any{"name": "PYTHONUNBUFFERED", "value": "1"},
			}, env[len(seedEnv.([]any)):])
		}, why: "keep-alive off, so that a crash restarts the cluster; the dataflow API, which the readiness probe asks; and Python's output unbuffered so that logs arrive when written"},
		{kind: "StatefulSet", path: process + "ports", ours: []any{
			map[string]any{"containerPort": 9999.0, "name": "process", "protocol": "TCP"},
			map[string]any{"containerPort": 3030.0, "name": "api", "protocol": "TCP"},
		}, why: "the dataflow API's port, named for the probe and for scrapers"},
		{kind: "StatefulSet", path: process + "readinessProbe", ours: map[string]any{
			"httpGet": map[string]any{"path": "/dataflow", "port": "api"}, "periodSeconds": 5.0, "failureThreshold": 3.0,
		}, why: "a pod is Ready only while its dataflow runs; with keep-alive, the spec's pods stay Ready after the dataflow crashed"},
		{kind: "StatefulSet", path: process + "volumeMounts", ours: []any{
			map[string]any{"mountPath": "/etc/bytewax", "name": "hostfile"},
			map[string]any{"mountPath": "/var/bytewax/", "name": "working-directory"},
			map[string]any{"mountPath": "/tmp", "name": "tmp"},
		}, why: "a writable /tmp for Python under the read-only root filesystem"},
		{kind: "StatefulSet", path: init + "command", check: func(t *testing.T, v any) {
			cmd := v.([]any)
			require.Len(t, cmd, 3)
			assert.Equal(t, []any{"sh", "-c"}, cmd[:2])
			script := cmd[2].(string)
			assert.Contains(t, script, `echo "my-dataflow-$i.my-dataflow.bytewax.svc.cluster.local:9999" >> /etc/bytewax/hostfile.txt`)
			assert.Contains(t, script, `while [ "$i" -lt "$BYTEWAX_REPLICAS" ]; do`)
			assert.Contains(t, script, "cp /tmp/bytewax/basic.py /var/bytewax/basic.py\n")
		}, why: "the same hostfile, written by one loop; the files are copied by name (the spec also copies the volume's ..data folders) and a missing file fails the pod instead of being ignored"},
		{kind: "StatefulSet", path: init + "image", ours: "busybox:1.37.0", why: "a pinned init image instead of an unpinned busybox"},
		{kind: "StatefulSet", path: pod + "dnsPolicy", serverSide: true, why: "defaulted by the API server"},
		{kind: "StatefulSet", path: pod + "restartPolicy", serverSide: true, why: "defaulted by the API server"},
		{kind: "StatefulSet", path: pod + "schedulerName", serverSide: true, why: "defaulted by the API server"},
		{kind: "StatefulSet", path: pod + "serviceAccount", serverSide: true, why: "a deprecated alias the API server copies from serviceAccountName"},
		{kind: "StatefulSet", path: pod + "securityContext", ours: map[string]any{
			"fsGroup": 10001.0, "runAsGroup": 10001.0, "runAsNonRoot": true, "runAsUser": 10001.0,
			"fsGroupChangePolicy": "OnRootMismatch", "seccompProfile": map[string]any{"type": "RuntimeDefault"},
		}, why: "ids at or above 10000, clear of the node's own users and groups, chosen before any recovery volume holds files owned by them; " +
			"volumes already owned by the group are not re-owned on every start; and seccompProfile RuntimeDefault, " + restricted},
		{kind: "StatefulSet", path: process + "resources", ours: map[string]any{
			"requests": map[string]any{"cpu": "250m", "memory": "512Mi", "ephemeral-storage": "1Gi"},
			"limits":   map[string]any{"memory": "2Gi", "ephemeral-storage": "2Gi"},
		}, why: "Pulumi.yaml's default requests and limits, ephemeral storage included, so that a process is neither the first evicted nor able to fill its node"},
		{kind: "StatefulSet", path: init + "resources", ours: map[string]any{
			"requests": map[string]any{"cpu": "10m", "memory": "16Mi", "ephemeral-storage": "16Mi"},
			"limits":   map[string]any{"memory": "64Mi", "ephemeral-storage": "64Mi"},
		}, why: "the init-container's small fixed requests and limits, which quotas and LimitRanges count"},
		{kind: "StatefulSet", path: pod + "topologySpreadConstraints", ours: []any{map[string]any{
			"maxSkew": 1.0, "topologyKey": "kubernetes.io/hostname", "whenUnsatisfiable": "ScheduleAnyway", "nodeTaintsPolicy": "Honor",
			"labelSelector": map[string]any{"matchLabels": map[string]any{"app.kubernetes.io/name": "bytewax", "app.kubernetes.io/instance": "my-dataflow"}},
		}}, why: "the processes are spread over nodes where they can be, so that one node's loss stops one process rather than several"},
		{kind: "StatefulSet", path: pod + "automountServiceAccountToken", ours: false, why: "the dataflow never calls the Kubernetes API, so it gets no token"},
		{kind: "StatefulSet", path: pod + "volumes", ours: []any{
			map[string]any{"emptyDir": map[string]any{}, "name": "hostfile"},
			map[string]any{"configMap": map[string]any{"name": "my-dataflow"}, "name": "python-files"},
			map[string]any{"emptyDir": map[string]any{}, "name": "working-directory"},
			map[string]any{"emptyDir": map[string]any{}, "name": "tmp"},
		}, why: "the tmp volume for a writable /tmp; defaultMode 420 is the API server's default"},
	}
	for _, container := range []string{process, init} {
		diffs = append(diffs, containerDefaults(container)...)
	}
	return diffs
}

// containerDefaults are a container's differences that come from the pinned
// image and from the API server's defaults.
func containerDefaults(container string) []difference {
	return []difference{
		{kind: "StatefulSet", path: container + "imagePullPolicy", ours: "IfNotPresent", why: "a pinned tag need not be pulled again on every start"},
		{kind: "StatefulSet", path: container + "terminationMessagePath", serverSide: true, why: "defaulted by the API server"},
		{kind: "StatefulSet", path: container + "terminationMessagePolicy", serverSide: true, why: "defaulted by the API server"},
	}
}

// splitPath splits "a.b[0].c\.d" into "a", "b", 0, "c.d".
func splitPath(path string) []any {
	var steps []any
	for _, part := range regexp.MustCompile(`(?:\\\.|[^.])+`).FindAllString(path, -1) {
		name, index, hasIndex := strings.Cut(part, "[")
		steps = append(steps, strings.ReplaceAll(name, `\.`, "."))
		if hasIndex {
			i, _ := strconv.Atoi(strings.TrimSuffix(index, "]"))
			steps = append(steps, i)
		}
	}
	return steps
}

// lookup returns the value at path and deletes it from obj.
func lookup(obj any, path string, remove bool) (any, bool) {
	steps := splitPath(path)
	cur := obj
	for i, step := range steps {
		last := i == len(steps)-1
		switch s := step.(type) {
		case string:
			m, ok := cur.(map[string]any)
			if !ok {
				return nil, false
			}
			v, ok := m[s]
			if !ok {
				return nil, false
			}
			if last && remove {
				delete(m, s)
			}
			cur = v
		case int:
			a, ok := cur.([]any)
			if !ok || s >= len(a) {
				return nil, false
			}
			cur = a[s]
		}
	}
	return cur, true
}

func seedManifests(t *testing.T) map[string]map[string]any {
	raw, err := os.ReadFile("testdata/seed-manifests.yaml")
	require.NoError(t, err)
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	out := map[string]map[string]any{}
	for {
		var doc map[string]any
		if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
			return out
		} else {
			require.NoError(t, err)
		}
		out[doc["kind"].(string)] = pt.JSONValue(t, doc).(map[string]any)
	}
}

func TestDevStackMatchesTheSpecManifests(t *testing.T) {
	d, err := runStack(t, "dev", stackConfig(t, "dev", nil))
	require.NoError(t, err)
	ours := map[string]map[string]any{}
	for _, r := range d.Resources {
		if strings.HasPrefix(r.Type, "kubernetes:") {
			obj := r.Object(t)
			ours[obj["kind"].(string)] = obj
		}
	}
	seed := seedManifests(t)
	// Objects the spec does not have, and why.
	additions := map[string]string{
		"NetworkPolicy":       "only the dataflow's own pods may reach its peer port, and nobody its API unless named",
		"PodDisruptionBudget": "a drain or autoscaler must not evict one process of a running cluster, which stops them all, unnoticed",
	}
	require.ElementsMatch(t, append(keys(seed), keys(additions)...), keys(ours), "the spec's kinds of objects and the additions")
	for kind := range additions {
		delete(ours, kind)
	}

	for _, diff := range differences(t) {
		name := diff.kind + " " + diff.path
		require.NotEmpty(t, diff.why, name)
		seedValue, inSeed := lookup(seed[diff.kind], diff.path, true)
		ourValue, inOurs := lookup(ours[diff.kind], diff.path, true)
		switch {
		case diff.serverSide:
			assert.True(t, inSeed, "%s: listed as filled by the server, but the spec does not have it", name)
			assert.False(t, inOurs, "%s: listed as filled by the server, but we set it", name)
		case diff.check != nil:
			assert.True(t, inOurs, "%s: we must set it", name)
			diff.check(t, ourValue)
		default:
			assert.Equal(t, diff.ours, ourValue, name)
			assert.NotEqual(t, seedValue, ourValue, "%s: listed as a difference, but equals the spec", name)
		}
	}
	for kind := range seed {
		assert.Equal(t, seed[kind], ours[kind], "%s: every field not listed as a difference must match the spec", kind)
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

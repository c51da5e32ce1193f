package e2e

import (
	"bytes"
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/pulumi-bytewax/pulumi-bytewax/components"
)

// The YAML tests run Pulumi YAML programs with the pulumi CLI, as their
// users do, through the resource plugin this repository builds.

// pluginOnce builds the resource plugin and installs it into Pulumi's
// plugin cache, as `make plugin` does, replacing an earlier build.
var pluginOnce = sync.OnceValue(func() error {
	install := exec.Command(filepath.Join(repoRoot, "scripts", "plugin.sh"))
	if out, err := install.CombinedOutput(); err != nil {
		return &commandError{"building and installing the bytewax plugin", err, out}
	}
	return nil
})

type commandError struct {
	what string
	err  error
	out  []byte
}

func (e *commandError) Error() string { return e.what + ": " + e.err.Error() + "\n" + string(e.out) }

// yamlProgram is a copy of a Pulumi YAML program in a temp folder, with its
// own file backend and a stack named dev.
type yamlProgram struct {
	t   *testing.T
	dir string
	// env is added to this process's environment.
	env []string
}

func newYAMLProgram(t *testing.T, files map[string]string, from string) *yamlProgram {
	t.Helper()
	requireE2E(t)
	requireControlPlane(t)
	require.NoError(t, pluginOnce())
	y := &yamlProgram{t: t, dir: t.TempDir()}
	if from != "" {
		require.NoError(t, os.CopyFS(y.dir, os.DirFS(from)))
	}
	for name, content := range files {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(y.dir, name)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(y.dir, name), []byte(content), 0o644))
	}
	require.NoError(t, os.MkdirAll(filepath.Join(y.dir, ".pulumi-state"), 0o755))
	y.must("stack", "init", "dev")
	return y
}

// run runs the pulumi CLI in the program's folder.
func (y *yamlProgram) run(args ...string) (string, error) {
	cmd := exec.Command("pulumi", append(args, "--non-interactive")...)
	cmd.Dir = y.dir
	cmd.Env = append(os.Environ(),
		"PULUMI_BACKEND_URL=file://"+filepath.Join(y.dir, ".pulumi-state"),
		"PULUMI_CONFIG_PASSPHRASE=", "PULUMI_SKIP_UPDATE_CHECK=true")
	cmd.Env = append(cmd.Env, y.env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

func (y *yamlProgram) must(args ...string) string {
	y.t.Helper()
	out, err := y.run(args...)
	require.NoError(y.t, err, "pulumi %s:\n%s", strings.Join(args, " "), out)
	return out
}

func (y *yamlProgram) destroyOnCleanup() {
	y.t.Cleanup(func() {
		if out, err := y.run("destroy", "--yes"); err != nil {
			y.t.Errorf("pulumi destroy: %v\n%s", err, out)
		}
	})
}

// podUIDs maps the pods of a dataflow to their UIDs.
func podUIDs(t *testing.T, namespace, dataflow string) map[string]string {
	t.Helper()
	uids := map[string]string{}
	for _, pod := range items(get(t, "pods", "-n", namespace, "-l", "app.kubernetes.io/instance="+dataflow)) {
		uids[field(pod, "metadata", "name").(string)] = field(pod, "metadata", "uid").(string)
	}
	return uids
}

func TestYAMLProgramDeploysUpdatesAndDestroys(t *testing.T) {
	t.Parallel()
	const namespace, token = "e2e-yaml", "yaml-t0ken-never-in-state"
	example := filepath.Join(repoRoot, "examples", "yaml")
	y := newYAMLProgram(t, nil, example)
	y.must("config", "set", "namespace", namespace)
	y.must("config", "set", "--secret", "apiToken", token)
	y.destroyOnCleanup()

	y.must("up", "--yes")
	assert.Equal(t, float64(2), field(get(t, "statefulset", "-n", namespace, "counter"), "spec", "replicas"))
	assert.True(t, exists(t, "statefulset", "-n", namespace, "doubler"), "the second dataflow runs in the first one's namespace")
	// The files were found relative to the program's folder, where the
	// plugin has none of its own.
	source, err := os.ReadFile(filepath.Join(example, "dataflows", "counter.py"))
	require.NoError(t, err)
	assert.Equal(t, string(source), field(get(t, "configmap", "-n", namespace, "counter"), "data", "counter.py"))
	// The secret reaches the pods through a Secret the dataflow owns.
	env := envOf(field(get(t, "statefulset", "-n", namespace, "counter"), "spec", "template", "spec", "containers", 0))
	assert.NotContains(t, env, "API_TOKEN", "a secret is never a plain value of the StatefulSet")
	assert.Equal(t, token, decoded(t, get(t, "secret", "-n", namespace, "counter-env"), "API_TOKEN"))
	eventually(t, 2*time.Minute, "the pods of both dataflows", func() bool {
		return len(podUIDs(t, namespace, "counter")) == 2 && len(podUIDs(t, namespace, "doubler")) == 1
	})

	y.must("preview", "--expect-no-changes")

	exported := y.must("stack", "export")
	assert.NotContains(t, exported, token, "the secret is encrypted in the state")
	atRest, err := os.ReadFile(filepath.Join(y.dir, ".pulumi-state", ".pulumi", "stacks", "bytewax-yaml", "dev.json"))
	require.NoError(t, err)
	assert.NotContains(t, string(atRest), token)
	outputs := y.must("stack", "output", "--json")
	assert.Contains(t, outputs, "counter-1.counter."+namespace+".svc.cluster.local:9999")

	// New code rolls the pods of its dataflow, and only of it.
	before, others := podUIDs(t, namespace, "counter"), podUIDs(t, namespace, "doubler")
	file := filepath.Join(y.dir, "dataflows", "counter.py")
	require.NoError(t, os.WriteFile(file, append(source, []byte("# a new release\n")...), 0o644))
	y.must("up", "--yes")
	eventually(t, 2*time.Minute, "new pods of the counter", func() bool {
		now := podUIDs(t, namespace, "counter")
		if len(now) != 2 {
			return false
		}
		for name, uid := range now {
			if before[name] == uid {
				return false
			}
		}
		return true
	})
	assert.Equal(t, others, podUIDs(t, namespace, "doubler"), "the other dataflow keeps its pods")

	y.must("destroy", "--yes")
	eventually(t, 2*time.Minute, "the namespace to go", func() bool { return !exists(t, "namespace", namespace) })
}

func TestYAMLProgramOfTwoClashingDataflowsIsRefusedBeforeAnythingIsApplied(t *testing.T) {
	t.Parallel()
	const namespace = "e2e-yaml-clash"
	y := newYAMLProgram(t, map[string]string{
		"Pulumi.yaml": `name: clash
runtime: yaml
resources:
  first:
    type: bytewax:index:BytewaxDataflow
    properties: {name: counter, namespace: ` + namespace + `, createNamespace: true, directory: dataflows, pythonFile: counter.py}
    options: {version: ` + components.Version + `}
  second:
    type: bytewax:index:BytewaxDataflow
    properties: {name: counter, namespace: ` + namespace + `, directory: dataflows, pythonFile: doubler.py}
    options: {version: ` + components.Version + `}
`,
	}, "")
	require.NoError(t, os.CopyFS(filepath.Join(y.dir, "dataflows"), os.DirFS(filepath.Join(repoRoot, "examples", "yaml", "dataflows"))))
	y.destroyOnCleanup()

	clash := `name: is already the name of dataflow "(first|second)" in namespace "` + namespace + `" of this program`
	out, err := y.run("preview")
	require.Error(t, err, "refused at preview:\n%s", out)
	assert.Regexp(t, clash, out, "the error names the property as the program spells it")
	out, err = y.run("up", "--yes")
	require.Error(t, err, out)
	assert.Regexp(t, clash, out)
	assert.False(t, exists(t, "namespace", namespace), "nothing was applied")
	assert.NotContains(t, y.must("stack", "export"), "kubernetes:", "the state holds no Kubernetes object")
}

func TestYAMLProgramWithAnExplicitProviderChecksItsCluster(t *testing.T) {
	t.Parallel()
	const namespace = "e2e-yaml-provider"
	// Someone else's ConfigMap of the dataflow's name.
	_, err := kubectl("create", "namespace", namespace)
	require.NoError(t, err)
	t.Cleanup(func() { _, _ = kubectl("delete", "namespace", namespace, "--wait=false") })
	_, err = kubectl("create", "configmap", "counter", "-n", namespace, "--from-literal=owner=someone-else")
	require.NoError(t, err)

	y := newYAMLProgram(t, map[string]string{
		"Pulumi.yaml": `name: explicit
runtime: yaml
resources:
  cluster:
    type: pulumi:providers:kubernetes
    properties: {kubeconfig: ` + kubeconfig + `}
  counter:
    type: bytewax:index:BytewaxDataflow
    properties: {name: counter, namespace: ` + namespace + `, directory: dataflows, pythonFile: counter.py}
    options:
      version: ` + components.Version + `
      providers: ["${cluster}"]
`,
	}, "")
	require.NoError(t, os.CopyFS(filepath.Join(y.dir, "dataflows"), os.DirFS(filepath.Join(repoRoot, "examples", "yaml", "dataflows"))))
	// Only the explicit provider names the cluster: read with the
	// environment's settings, the check would fail to reach any.
	y.env = []string{"KUBECONFIG=" + filepath.Join(y.dir, "no-such-kubeconfig")}
	y.destroyOnCleanup()

	out, err := y.run("up", "--yes")
	require.Error(t, err, out)
	assert.Contains(t, out, "ConfigMap "+namespace+"/counter exists on the cluster at", "the explicit provider's cluster was read")
	assert.Equal(t, "someone-else", field(get(t, "configmap", "-n", namespace, "counter"), "data", "owner"), "and left as it was")
	assert.False(t, exists(t, "statefulset", "-n", namespace, "counter"), "nothing was applied")
}

// TestYAMLProgramMakesTheObjectsOfTheGoStackProgram renders, without a
// cluster, the example's counter from YAML and the same settings from the
// stack program's config, and compares the objects.
func TestYAMLProgramMakesTheObjectsOfTheGoStackProgram(t *testing.T) {
	t.Parallel()
	const namespace, token = "e2e-yaml-same", "same-t0ken"
	example := filepath.Join(repoRoot, "examples", "yaml")

	y := newYAMLProgram(t, nil, example)
	fromYAML := t.TempDir()
	y.must("config", "set", "namespace", namespace)
	y.must("config", "set", "--secret", "apiToken", token)
	y.must("config", "set", "kubernetes:renderYamlToDirectory", fromYAML)
	y.must("up", "--yes")

	// The example's settings, over the dev stack's own (its env and pull
	// secret); the resources are the project's default.
	p := newProject(t, namespace, map[string]string{
		"name": "counter", "createNamespace": "true", "processes": "2",
		"directory": "flows", "pythonFile": "counter.py:flow",
	})
	for _, key := range []string{"bytewax:env", "bytewax:imagePullSecrets"} {
		require.NoError(t, p.stack.RemoveConfig(t.Context(), key))
	}
	require.NoError(t, os.CopyFS(filepath.Join(p.dir, "flows"), os.DirFS(filepath.Join(example, "dataflows"))))
	p.setSecretPath("secretEnv.API_TOKEN", token)
	fromGo := t.TempDir()
	require.NoError(t, p.stack.SetConfig(t.Context(), "kubernetes:renderYamlToDirectory", auto.ConfigValue{Value: fromGo}))
	p.up()

	yamlObjects, goObjects := renderedObjects(t, fromYAML, "counter"), renderedObjects(t, fromGo, "counter")
	for _, key := range []string{"Namespace/" + namespace, "StatefulSet/counter", "ConfigMap/counter", "Service/counter", "Secret/counter-env", "ServiceAccount/counter-bytewax", "NetworkPolicy/counter", "PodDisruptionBudget/counter"} {
		require.Contains(t, goObjects, key)
	}
	assert.Equal(t, keysOf(goObjects), keysOf(yamlObjects), "the same objects")
	for key, want := range goObjects {
		assert.Equal(t, want, yamlObjects[key], "%s is the same from YAML as from the stack program", key)
	}
}

// renderedObjects reads what the provider rendered into dir, keyed by kind
// and name, keeping the objects of the dataflow named instance (and its
// namespace), without the stack's mark, which names each stack.
func renderedObjects(t *testing.T, dir, instance string) map[string]map[string]any {
	t.Helper()
	objects := map[string]map[string]any{}
	require.NoError(t, filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var obj map[string]any
		if err := yaml.Unmarshal(raw, &obj); err != nil {
			return err
		}
		labels, _ := field(obj, "metadata", "labels").(map[string]any)
		if obj["kind"] != "Namespace" && labels["app.kubernetes.io/instance"] != instance {
			return nil
		}
		if annotations, ok := field(obj, "metadata", "annotations").(map[string]any); ok {
			delete(annotations, "bytewax.io/stack")
		}
		objects[obj["kind"].(string)+"/"+field(obj, "metadata", "name").(string)] = obj
		return nil
	}))
	return objects
}

func keysOf(m map[string]map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// decoded is a Secret's value of key.
func decoded(t *testing.T, secret map[string]any, key string) string {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(field(secret, "data", key).(string))
	require.NoError(t, err)
	return string(raw)
}

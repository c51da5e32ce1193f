package stack

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pulumi-bytewax/pulumi-bytewax/components"
	pt "github.com/pulumi-bytewax/pulumi-bytewax/components/bytewaxtest"
)

func TestBadConfigNamesTheKeyAndRegistersNothing(t *testing.T) {
	tests := []struct {
		name      string
		overrides map[string]any
		want      []string
	}{
		{"zero processes", map[string]any{"processes": 0},
			[]string{"bytewax:processes: must be a whole number of at least 1 (got 0)"}},
		{"fractional processes", map[string]any{"processes": "2.5"},
			[]string{`bytewax:processes: must be a whole number, written in decimal (got "2.5")`}},
		{"processes too large", map[string]any{"processes": "99999999999"},
			[]string{`bytewax:processes: must be at most 2147483647 (got 99999999999)`}},
		{"processes far too large", map[string]any{"processes": "99999999999999999999999"},
			[]string{`bytewax:processes: must be at most 2147483647 (got 99999999999999999999999)`}},
		{"port too large", map[string]any{"port": "70000"},
			[]string{`bytewax:port: must be at most 65535 (got 70000)`}},
		{"port and pull policy at once", map[string]any{"port": 0, "imagePullPolicy": "Sometimes"},
			[]string{"bytewax:port: must be a port number from 1 to 65535 (got 0)",
				`bytewax:imagePullPolicy: must be one of Always, IfNotPresent, Never (got "Sometimes")`}},
		{"bad name", map[string]any{"name": "My_Flow"},
			[]string{`bytewax:name: a DNS-1035 label must consist of lower case alphanumeric characters`}},
		{"reserved env", map[string]any{"env": []any{map[string]any{"name": "BYTEWAX_WORKDIR", "value": "/"}}},
			[]string{`bytewax:env[0].name: is set by the component and cannot be overridden`}},
		{"env with a typo", map[string]any{"env": []any{map[string]any{"name": "A", "vaule": "1"}}},
			[]string{`bytewax:env: must be a list of {name, value} or {name, valueFrom} objects (unknown field "vaule")`}},
		{"bad secretKeyRef", map[string]any{"env": []any{map[string]any{"name": "A", "valueFrom": map[string]any{"secretKeyRef": map[string]any{"name": "DB", "key": "pw"}}}}},
			[]string{`bytewax:env[0].valueFrom.secretKeyRef.name: a lowercase RFC 1123 subdomain`}},
		{"bad secret env name", map[string]any{"secretEnv": map[string]any{"1PASSWORD": "x"}},
			[]string{`bytewax:secretEnv.1PASSWORD: a valid environment variable name`}},
		{"envFrom with both", map[string]any{"envFrom": []any{map[string]any{"secretRef": map[string]any{"name": "a"}, "configMapRef": map[string]any{"name": "b"}}}},
			[]string{`bytewax:envFrom[0]: must set exactly one of SecretRef and ConfigMapRef`}},
		{"bad quantity", map[string]any{"resources": map[string]any{"limits": map[string]any{"cpu": "fast"}}},
			[]string{`bytewax:resources.limits.cpu: must be a Kubernetes quantity`}},
		{"request above limit", map[string]any{"resources": map[string]any{"requests": map[string]any{"cpu": 2}, "limits": map[string]any{"cpu": 1}}},
			[]string{`bytewax:resources.requests.cpu: must be at most the limit of 1 (got "2")`}},
		{"escaping file", map[string]any{"files": []any{"basic.py", "../../go.mod"}},
			[]string{`bytewax:files[1]: must be a path inside Directory, without ".." (got "../../go.mod")`}},
		{"missing python file", map[string]any{"pythonFile": "nope.py"},
			[]string{`bytewax:pythonFile: must name a file in Directory: ` + filepath.Join(projectRoot, "dataflows/basic/nope.py") + ` does not exist`}},
		{"missing directory", map[string]any{"directory": "dataflows/nope"},
			[]string{`bytewax:directory: must be an existing folder: ` + filepath.Join(projectRoot, "dataflows/nope") + ` does not exist`}},
		{"absolute directory", map[string]any{"directory": "/etc"},
			[]string{`bytewax:directory: must be relative to the project's root`}},
		{"env not a list", map[string]any{"env": map[string]any{"A": "1"}},
			[]string{`bytewax:env: must be a list of {name, value} or {name, valueFrom} objects (got a object)`}},
		{"keepAlive not a bool", map[string]any{"keepAlive": "yes"},
			[]string{`bytewax:keepAlive: must be true or false (got "yes")`}},
		{"bad digest", map[string]any{"imageDigest": "sha256:123"},
			[]string{`bytewax:imageDigest: must be an image digest`}},
		{"creating kube-system", map[string]any{"namespace": "kube-system"},
			[]string{`bytewax:createNamespace: cannot create "kube-system"`}},
		{"existing account without a name", map[string]any{"existingServiceAccount": true},
			[]string{`bytewax:serviceAccountName: must name the existing account the pods run as`}},
		{"registry config not JSON", map[string]any{"registryDockerConfigJson": "user:hunter2"},
			[]string{`bytewax:registryDockerConfigJson: must be a docker config.json, a JSON object with an "auths" object (not JSON: syntax error at byte 1) (got a secret value, not shown)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := runStack(t, "dev", stackConfig(t, "dev", tt.overrides))
			require.Error(t, err)
			// These overrides stand for values set outside the stack file.
			msg := strings.ReplaceAll(err.Error(), " (not set in Pulumi.dev.yaml)", "")
			for _, want := range tt.want {
				assert.Contains(t, msg, want)
			}
			assert.NotContains(t, err.Error(), "hunter2")
			assert.Empty(t, d.Resources, "nothing may be registered for bad config")
		})
	}
}

func TestConfigAndComponentProblemsComeInOneReport(t *testing.T) {
	_, err := runStack(t, "dev", stackConfig(t, "dev", map[string]any{
		"processes":       "010x",
		"imagePullPolicy": "Sometimes",
		"keepAlive":       "maybe",
		"port":            0,
	}))
	require.Error(t, err)
	var cfgErr *ConfigError
	require.ErrorAs(t, err, &cfgErr)
	assert.Equal(t, "dev", cfgErr.Stack)
	assert.Len(t, cfgErr.Problems, 4, "%v", err)
	assert.True(t, strings.HasPrefix(cfgErr.Error(), "invalid config of stack \"dev\":\n  "), cfgErr.Error())
}

func TestProblemsSayWhenTheValueCameFromOutsideTheStackFile(t *testing.T) {
	_, err := runStack(t, "dev", stackConfig(t, "dev", map[string]any{"processes": 0, "port": 0}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "bytewax:processes: must be a whole number of at least 1 (got 0)", "processes is a key of Pulumi.dev.yaml")
	assert.Contains(t, err.Error(), "bytewax:port (not set in Pulumi.dev.yaml): must be a port number from 1 to 65535 (got 0)")
}

func TestSchedulingFromConfig(t *testing.T) {
	d := deployStack(t, "dev", map[string]any{
		"nodeSelector":                  map[string]any{"pool": "streaming"},
		"tolerations":                   []any{map[string]any{"key": "dedicated", "value": 1, "effect": "NoSchedule"}},
		"topologySpread":                "strict",
		"priorityClassName":             "high",
		"terminationGracePeriodSeconds": 30,
	})
	pod := pt.Get(t, d.ByType(t, pt.StatefulSet).Object(t), "spec", "template", "spec")
	assert.Equal(t, map[string]any{"pool": "streaming"}, pt.Get(t, pod, "nodeSelector"))
	assert.Equal(t, []any{map[string]any{"key": "dedicated", "operator": "Equal", "value": "1", "effect": "NoSchedule"}}, pt.Get(t, pod, "tolerations"))
	assert.Equal(t, "DoNotSchedule", pt.Get(t, pod, "topologySpreadConstraints", 0, "whenUnsatisfiable"))
	assert.Equal(t, "high", pt.Get(t, pod, "priorityClassName"))
	assert.Equal(t, 30.0, pt.Get(t, pod, "terminationGracePeriodSeconds"))

	_, err := runStack(t, "dev", stackConfig(t, "dev", map[string]any{"tolerations": []any{map[string]any{"key": "k", "effect": "Never"}}, "topologySpread": "hard"}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `bytewax:tolerations[0].effect (not set in Pulumi.dev.yaml): must be one of NoSchedule, PreferNoSchedule, NoExecute, or empty for all (got "Never")`)
	assert.Contains(t, err.Error(), `bytewax:topologySpread (not set in Pulumi.dev.yaml): must be one of soft, strict, off (got "hard")`)
}

func TestIsolationFromConfig(t *testing.T) {
	d := deployStack(t, "dev", map[string]any{
		"apiFrom": []any{map[string]any{"namespaceLabels": map[string]any{"kubernetes.io/metadata.name": "monitoring"}}},
	})
	np := d.ByType(t, pt.NetworkPolicy).Object(t)
	assert.Equal(t, map[string]any{"matchLabels": map[string]any{"kubernetes.io/metadata.name": "monitoring"}},
		pt.Get(t, np, "spec", "ingress", 1, "from", 0, "namespaceSelector"))
	d = deployStack(t, "dev", map[string]any{"networkPolicy": false, "disruptionBudget": false})
	assert.Empty(t, d.OfType(pt.NetworkPolicy))
	assert.Empty(t, d.OfType(pt.PodDisruptionBudget))

	_, err := runStack(t, "dev", stackConfig(t, "dev", map[string]any{"apiFrom": []any{map[string]any{}}}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "bytewax:apiFrom[0] (not set in Pulumi.dev.yaml): must select namespaces or pods by labels")
}

func TestAPodMonitorFromConfig(t *testing.T) {
	d := deployStack(t, "dev", map[string]any{"podMonitor": true, "podMonitorInterval": "30s", "podMonitorLabels": map[string]any{"release": "kube-prometheus"}})
	pm := d.ByType(t, "kubernetes:monitoring.coreos.com/v1:PodMonitor").Object(t)
	assert.Equal(t, "30s", pt.Get(t, pm, "spec", "podMetricsEndpoints", 0, "interval"))
	assert.Equal(t, "kube-prometheus", pt.Get(t, pm, "metadata", "labels", "release"))

	_, err := runStack(t, "dev", stackConfig(t, "dev", map[string]any{"podMonitor": true, "podMonitorInterval": "often"}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `bytewax:podMonitorInterval (not set in Pulumi.dev.yaml): must be a duration such as "30s" or "1m30s" (got "often")`)
}

func TestIntegersAreDecimal(t *testing.T) {
	d := deployStack(t, "dev", map[string]any{"processes": "010"})
	assert.EqualValues(t, 10, pt.Get(t, d.ByType(t, pt.StatefulSet).Object(t), "spec", "replicas"), "010 is ten, not eight")
}

func TestUnknownKeysInTheStackFileSuggestTheNearest(t *testing.T) {
	root := projectWithStack(t, "typo", `config:
  bytewax:proceses: 3
  imagTag: "1"
  bytewax:existingNamespace: true
  bytewax:completelyDifferent: x
  kubernetes:context: elsewhere
  processes: 2
`)
	cfg, err := ProjectConfig(root, "typo", nil)
	require.NoError(t, err)
	assert.Equal(t, "2", cfg.Values["bytewax:processes"], "a key without a namespace is the project's")
	_, err = pt.Run(t, Program, pt.WithConfig(cfg.Values, cfg.Secrets...), pt.WithRootDirectory(root), pt.WithStack("typo"))
	require.Error(t, err)
	msg := err.Error()
	assert.Contains(t, msg, "bytewax:proceses: is not a key of this project (in Pulumi.typo.yaml); did you mean processes?")
	assert.Contains(t, msg, "bytewax:imagTag: is not a key of this project (in Pulumi.typo.yaml); did you mean imageTag?")
	assert.Contains(t, msg, "bytewax:existingNamespace: was replaced by createNamespace")
	assert.Contains(t, msg, "bytewax:completelyDifferent: is not a key of this project (in Pulumi.typo.yaml); see the keys in Pulumi.yaml")
	assert.NotContains(t, msg, "kubernetes:context", "other namespaces are not the project's business")
}

func TestNullValuesAreUnset(t *testing.T) {
	root := projectWithStack(t, "nulls", `config:
  bytewax:processes: null
  bytewax:imageTag: ~
  bytewax:env:
    - name: EMPTY
      value: null
`)
	cfg, err := ProjectConfig(root, "nulls", nil)
	require.NoError(t, err)
	assert.Equal(t, "", cfg.Values["bytewax:processes"], "pulumi up hands a null to the program as an empty value")
	d, err := pt.Run(t, Program, pt.WithConfig(cfg.Values, cfg.Secrets...), pt.WithRootDirectory(root), pt.WithStack("nulls"))
	require.NoError(t, err)
	sts := d.ByType(t, pt.StatefulSet).Object(t)
	assert.EqualValues(t, components.DefaultProcesses, pt.Get(t, sts, "spec", "replicas"), "an empty value is the default")
	process := pt.Get(t, sts, "spec", "template", "spec", "containers", 0)
	assert.Equal(t, "bytewax/bytewax:"+components.DefaultImageTag, pt.Get(t, process, "image"))
	assert.Contains(t, pt.Get(t, process, "env"), map[string]any{"name": "EMPTY", "value": ""})
}

func TestConfigKeyNamesEveryField(t *testing.T) {
	for field, want := range map[string]string{
		"Processes":                               "bytewax:processes",
		"Image.PullPolicy":                        "bytewax:imagePullPolicy",
		"Image.Digest":                            "bytewax:imageDigest",
		"InitImage.Tag":                           "bytewax:initImageTag",
		"Env[2].Name":                             "bytewax:env[2].name",
		"Env[0].ValueFrom.SecretKeyRef.Key":       "bytewax:env[0].valueFrom.secretKeyRef.key",
		"EnvFrom[1].ConfigMapRef.Name":            "bytewax:envFrom[1].configMapRef.name",
		"Files[1]":                                "bytewax:files[1]",
		"Exclude[0]":                              "bytewax:exclude[0]",
		"ImagePullSecrets[0]":                     "bytewax:imagePullSecrets[0]",
		"Resources.Requests.memory":               "bytewax:resources.requests.memory",
		"Labels.team":                             "bytewax:labels.team",
		"RegistryCredentials.DockerConfigJSON":    "bytewax:registryDockerConfigJson",
		"ServiceAccount.Name":                     "bytewax:serviceAccountName",
		"CreateNamespace":                         "bytewax:createNamespace",
		"Name (defaulted from the resource name)": "bytewax:name",
		"Namespace":                               "bytewax:namespace",
		"PythonFile":                              "bytewax:pythonFile",
		"Directory":                               "bytewax:directory",
		"Tolerations[1].Effect":                   "bytewax:tolerations[1].effect",
		"NodeSelector.pool":                       "bytewax:nodeSelector.pool",
		"TerminationGracePeriodSeconds":           "bytewax:terminationGracePeriodSeconds",
		"PodLabels.scrape":                        "bytewax:podLabels.scrape",
		"OTLPEndpoint":                            "bytewax:otlpEndpoint",
		"Volumes[0].Secret.SecretName":            "bytewax:volumes[0].secret.secretName",
		"Volumes[1].EmptyDir.SizeLimit":           "bytewax:volumes[1].emptyDir.sizeLimit",
	} {
		assert.Equal(t, want, ConfigKey(field), field)
	}
}

// The defaults a `pulumi config` user sees are the component's own, and
// every key Pulumi.yaml declares is one the program reads.
func TestProjectDefaultsAreTheComponentDefaults(t *testing.T) {
	cfg := stackConfig(t, "", nil)
	for key, want := range map[string]string{
		"namespace":           components.DefaultNamespace,
		"createNamespace":     "false",
		"processes":           strconv.Itoa(components.DefaultProcesses),
		"workersPerProcess":   strconv.Itoa(components.DefaultWorkersPerProcess),
		"imageRepository":     components.DefaultImageRepository,
		"imageTag":            components.DefaultImageTag,
		"imagePullPolicy":     components.DefaultImagePullPolicy,
		"initImageRepository": components.DefaultInitImageRepo,
		"initImageTag":        components.DefaultInitImageTag,
		"initImagePullPolicy": components.DefaultImagePullPolicy,
		"keepAlive":           strconv.FormatBool(components.DefaultKeepAlive),
		"port":                strconv.Itoa(components.DefaultPort),
		"clusterDomain":       components.DefaultClusterDomain,
	} {
		assert.Equal(t, want, cfg.Values[Namespace+":"+key], key)
	}
	var project projectFile
	readProjectYAML(t, "Pulumi.yaml", &project)
	for key, decl := range project.Config {
		assert.NotEmpty(t, decl.Type, "%s must declare its type", key)
	}
	var src []byte
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		raw, err := os.ReadFile(file)
		require.NoError(t, err)
		src = append(src, raw...)
	}
	for key := range project.Config {
		assert.Contains(t, string(src), `"`+key+`"`, "the program must read %s", key)
	}
}

func TestEveryStackFileDeploys(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(projectRoot, "Pulumi.*.yaml"))
	require.NoError(t, err)
	dataflows := map[string]int{"dev": 1, "prod": 1, "staging": 3}
	require.Len(t, files, len(dataflows), "every stack file is listed here")
	for stack, n := range dataflows {
		t.Run(stack, func(t *testing.T) {
			d := deployStack(t, stack, nil)
			assert.Len(t, d.OfType(components.BytewaxDataflowType), n)
		})
	}
	staging := deployStack(t, "staging", nil)
	assert.Len(t, staging.OfType(pt.Namespace), 2, "bytewax-staging and bytewax-audit, each created once")
	audit := pt.Get(t, staging.Named(t, pt.StatefulSet, "audit").Object(t), "spec", "template", "spec", "containers", 0, "env")
	assert.Contains(t, audit, map[string]any{"name": "RUST_LOG", "value": "warn"}, "the entry's env wins")
	d := deployStack(t, "prod", nil)
	process := pt.Get(t, d.ByType(t, pt.StatefulSet).Object(t), "spec", "template", "spec", "containers", 0)
	assert.Equal(t, map[string]any{
		"requests": map[string]any{"cpu": "1", "memory": "1Gi", "ephemeral-storage": "2Gi"},
		"limits":   map[string]any{"memory": "2Gi", "ephemeral-storage": "4Gi"},
	}, pt.Get(t, process, "resources"))
	assert.Equal(t, "Always", pt.Get(t, process, "imagePullPolicy"))
}

func TestSecretConfigStaysSecret(t *testing.T) {
	cfg := stackConfig(t, "dev", map[string]any{
		"registrySecretName": "dev-registry",
		"env":                []any{map[string]any{"name": "MODE", "value": "fast"}, map[string]any{"name": "DB_PASSWORD", "valueFrom": map[string]any{"secretKeyRef": map[string]any{"name": "db", "key": "password"}}}},
	})
	cfg.Values[Namespace+":registryDockerConfigJson"] = `{"auths":{"registry.example.com":{"auth":"dTpw"}}}`
	cfg.Values[Namespace+":secretEnv"] = `{"KAFKA_PASSWORD":"hunter2","API_TOKEN":"s3cret"}`
	cfg.Secrets = append(cfg.Secrets, Namespace+":registryDockerConfigJson", Namespace+":secretEnv")
	d, err := runStack(t, "dev", cfg)
	require.NoError(t, err)

	registry := d.Named(t, pt.Secret, "my-dataflow-registry")
	assert.True(t, registry.IsSecret("stringData"))
	assert.Equal(t, "dev-registry", pt.Get(t, registry.Object(t), "metadata", "name"))
	env := d.Named(t, pt.Secret, "my-dataflow-env")
	assert.True(t, env.IsSecret("stringData"))
	assert.Equal(t, map[string]any{"KAFKA_PASSWORD": "hunter2", "API_TOKEN": "s3cret"}, env.Object(t)["stringData"])

	sts := d.ByType(t, pt.StatefulSet)
	assert.False(t, sts.Inputs.ContainsSecrets())
	vars := pt.Get(t, sts.Object(t), "spec", "template", "spec", "containers", 0, "env").([]any)
	assert.Equal(t, []any{
		map[string]any{"name": "MODE", "value": "fast"},
		map[string]any{"name": "DB_PASSWORD", "valueFrom": map[string]any{"secretKeyRef": map[string]any{"name": "db", "key": "password"}}},
		map[string]any{"name": "API_TOKEN", "valueFrom": map[string]any{"secretKeyRef": map[string]any{"name": "my-dataflow-env", "key": "API_TOKEN"}}},
		map[string]any{"name": "KAFKA_PASSWORD", "valueFrom": map[string]any{"secretKeyRef": map[string]any{"name": "my-dataflow-env", "key": "KAFKA_PASSWORD"}}},
	}, vars[:4])
}

func TestSecretsWhereTheyWouldShowAreRefused(t *testing.T) {
	cfg := stackConfig(t, "dev", map[string]any{"labels": map[string]any{"team": "hunter2"}, "processes": "hunter3", "imageTag": "hunter4"})
	cfg.Secrets = append(cfg.Secrets, Namespace+":labels", Namespace+":processes", Namespace+":imageTag")
	d, err := runStack(t, "dev", cfg)
	require.Error(t, err)
	msg := err.Error()
	for _, key := range []string{"labels", "imageTag"} {
		assert.Contains(t, msg, "bytewax:"+key+" (not set in Pulumi.dev.yaml): holds a secret, but its value is written into the objects in plain text")
	}
	assert.Contains(t, msg, "bytewax:processes: holds a secret", "one problem for the key, without its value")
	assert.NotContains(t, msg, "must be a whole number")
	for _, secret := range []string{"hunter2", "hunter3", "hunter4"} {
		assert.NotContains(t, msg, secret)
	}
	assert.Empty(t, d.Resources)
}

func TestARegistrySecretNameNeedsTheRegistryConfig(t *testing.T) {
	_, err := runStack(t, "dev", stackConfig(t, "dev", map[string]any{"registrySecretName": "pull"}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "bytewax:registrySecretName (not set in Pulumi.dev.yaml): names the pull secret made from registryDockerConfigJson, which is not set")
}

func TestRenderReturnsTheObjectsInApplyOrder(t *testing.T) {
	objects, err := Render(projectRoot, "dev", stackConfig(t, "dev", nil))
	require.NoError(t, err)
	var kinds []any
	for _, o := range objects {
		kinds = append(kinds, o["kind"])
	}
	assert.Equal(t, []any{"Namespace", "ServiceAccount", "ConfigMap", "Service", "NetworkPolicy", "PodDisruptionBudget", "StatefulSet"}, kinds)
	assert.EqualValues(t, 3, pt.Get(t, pt.JSONValue(t, objects[6]), "spec", "replicas"))
}

func TestRenderIsWhatUpDeploysWithSecretsMasked(t *testing.T) {
	root := projectWithStack(t, "enc", `config:
  bytewax:createNamespace: true
  bytewax:registryDockerConfigJson:
    secure: v1:abcd:efgh
  bytewax:secretEnv:
    KAFKA_PASSWORD:
      secure: v1:ijkl:mnop
`)
	list, err := RenderList(root, "enc", nil)
	require.NoError(t, err)
	var rendered struct {
		Items []map[string]any `json:"items"`
	}
	require.NoError(t, json.Unmarshal(list, &rendered))
	byName := map[string]map[string]any{}
	for _, it := range rendered.Items {
		byName[it["kind"].(string)+"/"+pt.Get(t, it, "metadata", "name").(string)] = it
	}
	require.Contains(t, byName, "Secret/dataflow-env", "the secret env Secret is rendered, as up would create it")
	assert.Equal(t, map[string]any{"KAFKA_PASSWORD": "[secret]"}, byName["Secret/dataflow-env"]["stringData"])
	assert.Equal(t, map[string]any{".dockerconfigjson": "[secret]"}, byName["Secret/dataflow-registry"]["stringData"])
	env := pt.Get(t, byName["StatefulSet/dataflow"], "spec", "template", "spec", "containers", 0, "env").([]any)
	assert.Equal(t, map[string]any{"name": "KAFKA_PASSWORD", "valueFrom": map[string]any{"secretKeyRef": map[string]any{"name": "dataflow-env", "key": "KAFKA_PASSWORD"}}}, env[0])
}

func TestRenderRefusesWhatItCannotShow(t *testing.T) {
	root := projectWithStack(t, "whole", `config:
  bytewax:secretEnv:
    secure: v1:abcd:efgh
`)
	_, err := RenderList(root, "whole", nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "bytewax:secretEnv is encrypted as a whole, so what it holds cannot be rendered")
}

func TestRenderListIsAListKubectlApplies(t *testing.T) {
	raw, err := RenderList(projectRoot, "dev", map[string]any{"namespace": "review"})
	require.NoError(t, err)
	var list struct {
		APIVersion string           `json:"apiVersion"`
		Kind       string           `json:"kind"`
		Items      []map[string]any `json:"items"`
	}
	require.NoError(t, json.Unmarshal(raw, &list))
	assert.Equal(t, "v1", list.APIVersion)
	assert.Equal(t, "List", list.Kind)
	require.Len(t, list.Items, 7)
	assert.Equal(t, "review", pt.Get(t, list.Items[6], "metadata", "namespace"))
}

func TestAffinityFromConfig(t *testing.T) {
	affinity := map[string]any{"nodeAffinity": map[string]any{"requiredDuringSchedulingIgnoredDuringExecution": map[string]any{
		"nodeSelectorTerms": []any{map[string]any{"matchExpressions": []any{map[string]any{"key": "pool", "operator": "In", "values": []any{"stream"}}}}},
	}}}
	d := deployStack(t, "dev", map[string]any{"affinity": affinity})
	assert.Equal(t, affinity, pt.Get(t, d.ByType(t, pt.StatefulSet).Object(t), "spec", "template", "spec", "affinity"), "as given, nothing added")

	bad := map[string]any{"podAntiAffinity": map[string]any{"preferredDuringSchedulingIgnoredDuringExecution": []any{
		map[string]any{"weight": 0, "podAffinityTerm": map[string]any{"topologyKey": "kubernetes.io/hostname"}},
	}}}
	d, err := runStack(t, "dev", stackConfig(t, "dev", map[string]any{"affinity": bad}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "bytewax:affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight (not set in Pulumi.dev.yaml): must be from 1 to 100 (got 0)")
	assert.Empty(t, d.Resources)

	_, err = runStack(t, "dev", stackConfig(t, "dev", map[string]any{"affinity": map[string]any{"nodeAfinity": map[string]any{}}}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `bytewax:affinity (not set in Pulumi.dev.yaml): must be an object shaped as a pod's spec.affinity`)
}

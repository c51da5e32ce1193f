package stack

import (
	"encoding/json"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pulumi-bytewax/pulumi-bytewax/components"
	pt "github.com/pulumi-bytewax/pulumi-bytewax/internal/pulumitest"
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
			[]string{`bytewax:processes: must be a whole number (got "2.5")`}},
		{"port and pull policy at once", map[string]any{"port": 99999, "imagePullPolicy": "Sometimes"},
			[]string{"bytewax:port: must be a port number from 1 to 65535 (got 99999)",
				`bytewax:imagePullPolicy: must be one of Always, IfNotPresent, Never (got "Sometimes")`}},
		{"bad name", map[string]any{"name": "My_Flow"},
			[]string{`bytewax:name: a DNS-1035 label must consist of lower case alphanumeric characters`}},
		{"reserved env", map[string]any{"env": []any{map[string]any{"name": "BYTEWAX_WORKDIR", "value": "/"}}},
			[]string{`bytewax:env[0].name: is set by the component and cannot be overridden`}},
		{"bad quantity", map[string]any{"resources": map[string]any{"limits": map[string]any{"cpu": "fast"}}},
			[]string{`bytewax:resources.limits.cpu: must be a Kubernetes quantity`}},
		{"escaping file", map[string]any{"files": []any{"basic.py", "../../go.mod"}},
			[]string{`bytewax:files[1]: must be a path inside Directory, without ".." (got "../../go.mod")`}},
		{"missing python file", map[string]any{"pythonFile": "nope.py"},
			[]string{`bytewax:files: must name files or folders that exist under Directory`}},
		{"env not a list", map[string]any{"env": map[string]any{"A": "1"}},
			[]string{`bytewax:env: must be a list of {name, value} objects`}},
		{"keepAlive not a bool", map[string]any{"keepAlive": "sometimes"},
			[]string{`bytewax:keepAlive: must be true or false (got "sometimes")`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := runStack(t, stackConfig(t, "dev", tt.overrides))
			require.Error(t, err)
			for _, want := range tt.want {
				assert.Contains(t, err.Error(), want)
			}
			assert.Empty(t, d.Resources, "nothing may be registered for bad config")
		})
	}
}

func TestConfigKeyNamesEveryField(t *testing.T) {
	for field, want := range map[string]string{
		"Processes":                            "bytewax:processes",
		"Image.PullPolicy":                     "bytewax:imagePullPolicy",
		"InitImage.Tag":                        "bytewax:initImageTag",
		"Env[2].Name":                          "bytewax:env[2].name",
		"Files[1]":                             "bytewax:files[1]",
		"ImagePullSecrets[0]":                  "bytewax:imagePullSecrets[0]",
		"Resources.Requests.memory":            "bytewax:resources.requests.memory",
		"Labels.team":                          "bytewax:labels.team",
		"RegistryCredentials.DockerConfigJSON": "bytewax:registryDockerConfigJson",
		"ServiceAccount.Name":                  "bytewax:serviceAccountName",
	} {
		assert.Equal(t, want, ConfigKey(field), field)
	}
}

// The defaults a `pulumi config` user sees are the component's own.
func TestProjectDefaultsAreTheComponentDefaults(t *testing.T) {
	cfg := stackConfig(t, "", nil)
	for key, want := range map[string]string{
		"namespace":           components.DefaultNamespace,
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
		assert.Equal(t, want, cfg[Namespace+":"+key], key)
	}
	var project projectFile
	readProjectYAML(t, "Pulumi.yaml", &project)
	for key, decl := range project.Config {
		assert.NotEmpty(t, decl.Type, "%s must declare its type", key)
	}
}

func TestEveryStackFileDeploys(t *testing.T) {
	for _, stack := range []string{"dev", "prod"} {
		t.Run(stack, func(t *testing.T) {
			d, err := runStack(t, stackConfig(t, stack, nil))
			require.NoError(t, err)
			assert.Len(t, d.OfType(components.BytewaxDataflowType), 1)
		})
	}
	d, err := runStack(t, stackConfig(t, "prod", nil))
	require.NoError(t, err)
	process := pt.Get(t, d.ByType(t, "kubernetes:apps/v1:StatefulSet").Object(t), "spec", "template", "spec", "containers", 0)
	assert.Equal(t, map[string]any{
		"requests": map[string]any{"cpu": "1", "memory": "1Gi"}, "limits": map[string]any{"memory": "2Gi"},
	}, pt.Get(t, process, "resources"))
	assert.Equal(t, "Always", pt.Get(t, process, "imagePullPolicy"))
}

func TestRegistryCredentialsFromSecretConfig(t *testing.T) {
	cfg := stackConfig(t, "dev", map[string]any{"registrySecretName": "dev-registry"})
	cfg[Namespace+":registryDockerConfigJson"] = `{"auths":{"registry.example.com":{"auth":"dTpw"}}}`
	d, err := runStack(t, cfg)
	require.NoError(t, err)
	secret := d.ByType(t, "kubernetes:core/v1:Secret")
	assert.True(t, secret.Inputs["stringData"].ContainsSecrets())
	assert.Equal(t, "dev-registry", pt.Get(t, secret.Object(t), "metadata", "name"))
}

func TestRenderReturnsTheObjectsInApplyOrder(t *testing.T) {
	cfg := stackConfig(t, "dev", nil)
	objects, err := Render(projectRoot, cfg)
	require.NoError(t, err)
	var kinds []any
	for _, o := range objects {
		kinds = append(kinds, o["kind"])
	}
	assert.Equal(t, []any{"Namespace", "ServiceAccount", "ConfigMap", "Service", "StatefulSet"}, kinds)
	assert.EqualValues(t, 3, pt.Get(t, pt.JSONValue(t, objects[4]), "spec", "replicas"))
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
	require.Len(t, list.Items, 5)
	assert.Equal(t, "review", pt.Get(t, list.Items[4], "metadata", "namespace"))
}

package provider

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/blang/semver"
	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/integration"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/pulumi-bytewax/pulumi-bytewax/components"
	"github.com/pulumi-bytewax/pulumi-bytewax/provider/internal/describe"
)

// created records the inputs of the children a Construct call registers.
type created struct {
	mu     sync.Mutex
	byType map[string][]property.Map
}

func (c *created) of(typ string) []property.Map {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.byType[typ]
}

func newServer(t *testing.T) (integration.Server, *created) {
	t.Helper()
	prov, err := New()
	require.NoError(t, err)
	rec := &created{byType: map[string][]property.Map{}}
	server, err := integration.NewServer(t.Context(), Name, semver.MustParse(components.Version),
		integration.WithProvider(prov),
		integration.WithMocks(&integration.MockResourceMonitor{
			NewResourceF: func(args integration.MockResourceArgs) (string, property.Map, error) {
				rec.mu.Lock()
				defer rec.mu.Unlock()
				rec.byType[string(args.TypeToken)] = append(rec.byType[string(args.TypeToken)], args.Inputs)
				return args.Name + "-id", args.Inputs, nil
			},
		}))
	require.NoError(t, err)
	return server, rec
}

// constructIn builds a dataflow named name as a program in another language
// would, rendering YAML so that no cluster is read.
func constructIn(t *testing.T, server integration.Server, name string, inputs map[string]property.Value) (p.ConstructResponse, error) {
	t.Helper()
	return server.Construct(p.ConstructRequest{
		Urn:    resource.URN("urn:pulumi:stack::project::" + components.BytewaxDataflowType + "::" + name),
		Config: map[config.Key]string{config.MustMakeKey("kubernetes", "renderYamlToDirectory"): t.TempDir()},
		Inputs: property.NewMap(inputs),
	})
}

func TestSchemaIsTheComponentsGoTypes(t *testing.T) {
	server, _ := newServer(t)
	resp, err := server.GetSchema(p.GetSchemaRequest{})
	require.NoError(t, err)
	var schema struct {
		Name      string
		Version   string
		Resources map[string]struct {
			IsComponent     bool
			InputProperties map[string]map[string]any
			Properties      map[string]any
			RequiredInputs  []string
		}
		Types map[string]any
	}
	require.NoError(t, json.Unmarshal([]byte(resp.Schema), &schema))
	assert.Equal(t, Name, schema.Name)
	assert.Equal(t, components.Version, schema.Version)

	dataflow, ok := schema.Resources[components.BytewaxDataflowType]
	require.True(t, ok, "the component's own token")
	assert.True(t, dataflow.IsComponent)
	assert.Equal(t, []string{"pythonFile"}, dataflow.RequiredInputs)
	assert.Equal(t, "/kubernetes/v4.25.0/schema.json#/types/kubernetes:core/v1:Affinity",
		dataflow.InputProperties["affinity"]["$ref"], "Kubernetes types are the Kubernetes package's own")
	assert.Equal(t, "#/types/bytewax:index:Recovery", dataflow.InputProperties["recovery"]["$ref"],
		"types are named as SDKs name their inputs: Recovery, whose input type is RecoveryArgs")
	for token := range schema.Types {
		assert.True(t, strings.HasPrefix(token, "bytewax:index:"), "%s is in the package's index module", token)
		assert.False(t, strings.HasSuffix(token, "Args"), token)
	}

	// What must be known when the program runs is plain, at every depth.
	assert.Equal(t, true, dataflow.InputProperties["processes"]["plain"])
	assert.Equal(t, true, dataflow.InputProperties["tolerations"]["plain"])
	assert.Nil(t, dataflow.InputProperties["namespace"]["plain"], "an input")
	assert.Equal(t, true, dataflow.InputProperties["tolerations"]["items"].(map[string]any)["plain"], "a plain list's objects are plain")
	assert.Nil(t, dataflow.InputProperties["labels"]["additionalProperties"].(map[string]any)["plain"], "an input map's values take outputs")
	assert.Nil(t, dataflow.InputProperties["imagePullSecrets"]["items"].(map[string]any)["plain"], "an input list's items take outputs")
	assert.Equal(t, true, dataflow.InputProperties["files"]["items"].(map[string]any)["plain"])
	envVar := schema.Types["bytewax:index:EnvVar"].(map[string]any)["properties"].(map[string]any)
	assert.Equal(t, true, envVar["name"].(map[string]any)["plain"])
	assert.Nil(t, envVar["value"].(map[string]any)["plain"])

	// Every property is described, from the Go doc comments.
	for name, prop := range dataflow.InputProperties {
		assert.NotEmpty(t, prop["description"], "input %s", name)
	}
	for name, prop := range dataflow.Properties {
		assert.NotEmpty(t, prop.(map[string]any)["description"], "output %s", name)
	}
	for token, typ := range schema.Types {
		for name, prop := range typ.(map[string]any)["properties"].(map[string]any) {
			assert.NotEmpty(t, prop.(map[string]any)["description"], "%s.%s", token, name)
		}
	}
	assert.Contains(t, dataflow.InputProperties["processes"]["description"], "processes is the number of Bytewax processes")

	// Every tagged arg is an input and every tagged output an output; the
	// file system a Go program may pass cannot cross the boundary.
	assert.ElementsMatch(t, tags(reflect.TypeFor[components.BytewaxDataflowArgs]()), keys(dataflow.InputProperties))
	assert.ElementsMatch(t, tags(reflect.TypeFor[components.BytewaxDataflow]()), keys(dataflow.Properties))
	assert.NotContains(t, dataflow.InputProperties, "fS")
}

func TestDescriptionsAreTheComponentsDocComments(t *testing.T) {
	fromSource, err := describe.FromSource(filepath.Join("..", "components"))
	require.NoError(t, err)
	var embedded map[string]describe.Type
	require.NoError(t, json.Unmarshal(descriptionsJSON, &embedded))
	assert.Equal(t, fromSource, embedded, "descriptions.json is stale: run go generate in provider/")
}

func tags(t reflect.Type) []string {
	var names []string
	for _, f := range reflect.VisibleFields(t) {
		if tag, _, _ := strings.Cut(f.Tag.Get("pulumi"), ","); tag != "" && f.IsExported() {
			names = append(names, tag)
		}
	}
	return names
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func TestRelativePathsStartAtTheProgramsFolder(t *testing.T) {
	// The engine starts the plugin in the program's folder.
	program := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(program, "flows"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(program, "flows", "app.py"), []byte("flow = 1\n"), 0o644))
	t.Chdir(program)

	server, rec := newServer(t)
	resp, err := constructIn(t, server, "app", map[string]property.Value{
		"namespace":  property.New("streams"),
		"directory":  property.New("flows"),
		"pythonFile": property.New("app.py:flow"),
	})
	require.NoError(t, err)
	assert.Equal(t, "streams", resp.State.Get("namespaceName").AsString())

	configMaps := rec.of("kubernetes:core/v1:ConfigMap")
	require.Len(t, configMaps, 1)
	assert.Equal(t, "flow = 1\n", configMaps[0].Get("data").AsMap().Get("app.py").AsString())
}

func TestErrorsNameTheSchemasProperties(t *testing.T) {
	t.Chdir(t.TempDir())
	server, rec := newServer(t)
	_, err := constructIn(t, server, "bad", map[string]property.Value{
		"pythonFile": property.New("app.py"),
		"processes":  property.New(0.0),
		"recovery":   property.New(map[string]property.Value{"partitions": property.New(-1.0)}),
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "\n  processes: ")
	assert.Contains(t, err.Error(), "\n  recovery.partitions: ")
	assert.Empty(t, rec.of("kubernetes:core/v1:StatefulSet"), "nothing is registered")
}

func TestTheDataflowsOfOneDeploymentAreCheckedAgainstEachOther(t *testing.T) {
	program := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(program, "app.py"), []byte("flow = 1\n"), 0o644))
	t.Chdir(program)
	server, _ := newServer(t)
	inputs := map[string]property.Value{
		"name":            property.New("wordcount"),
		"namespace":       property.New("streams"),
		"createNamespace": property.New(true),
		"pythonFile":      property.New("app.py"),
	}
	_, err := constructIn(t, server, "first", inputs)
	require.NoError(t, err)
	_, err = constructIn(t, server, "second", inputs)
	require.Error(t, err, "the second Construct call writes the first one's objects")
	assert.Contains(t, err.Error(), `name: is already the name of dataflow "first" in namespace "streams" of this program`)
}

func TestTheYAMLExamplePinsThisRelease(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "examples", "yaml", "Pulumi.yaml"))
	require.NoError(t, err)
	var program struct {
		Resources map[string]struct {
			Type    string
			Options struct{ Version string }
		}
	}
	require.NoError(t, yaml.Unmarshal(raw, &program))
	require.NotEmpty(t, program.Resources)
	for name, r := range program.Resources {
		if r.Type == components.BytewaxDataflowType {
			// Unpinned, the engine looks for the latest plugin online.
			assert.Equal(t, components.Version, r.Options.Version, "resource %s", name)
		}
	}
}

func TestARelativeBaseDirectoryStaysInTheProgramsFolder(t *testing.T) {
	program := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(program, "flows"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(program, "flows", "app.py"), []byte("flow = 1\n"), 0o644))
	t.Chdir(program)
	for _, tc := range []struct {
		base    string
		allowed bool
		wantErr string
	}{
		{base: "flows"},
		{base: "./flows/../flows"},
		{base: program + "/flows"},
		{base: "..", wantErr: `baseDirectory: must lie inside the program's folder`},
		{base: "flows/../..", wantErr: `baseDirectory: must lie inside the program's folder`},
		{base: "..", allowed: true, wantErr: "pythonFile: must name a file in directory"},
	} {
		t.Run(tc.base, func(t *testing.T) {
			server, _ := newServer(t)
			_, err := constructIn(t, server, "app", map[string]property.Value{
				"baseDirectory":          property.New(tc.base),
				"allowExternalDirectory": property.New(tc.allowed),
				"directory":              property.New("."),
				"pythonFile":             property.New("app.py"),
			})
			if tc.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.wantErr)
		})
	}
}

func TestPlainPropertiesMustBeKnownAndNotSecretAsAWhole(t *testing.T) {
	program := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(program, "app.py"), []byte("flow = 1\n"), 0o644))
	t.Chdir(program)
	envVar := func(name, value property.Value) property.Value {
		return property.New(map[string]property.Value{"name": name, "value": value})
	}
	for _, tc := range []struct {
		name   string
		inputs map[string]property.Value
		want   string
	}{
		{"an env list secret as a whole", map[string]property.Value{
			"env": property.New([]property.Value{envVar(property.New("TOKEN"), property.New("s3cret"))}).WithSecret(true),
		}, "env: must not be secret as a whole"},
		{"an unknown process count", map[string]property.Value{
			"processes": property.New(property.Computed),
		}, "processes: must be known when the program runs"},
		{"a variable's name from another resource", map[string]property.Value{
			"env": property.New([]property.Value{envVar(property.New("TOKEN").WithDependencies([]resource.URN{"urn:pulumi:stack::project::random:index:RandomString::name"}), property.New("v"))}),
		}, "env[0].name: must be known when the program runs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			server, rec := newServer(t)
			tc.inputs["pythonFile"] = property.New("app.py")
			_, err := constructIn(t, server, "app", tc.inputs)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "\n  "+tc.want)
			assert.Empty(t, rec.of("kubernetes:core/v1:ConfigMap"), "nothing is registered")
		})
	}

	// A secret value inside a plain list stays secret, in a Secret.
	server, rec := newServer(t)
	_, err := constructIn(t, server, "app", map[string]property.Value{
		"pythonFile": property.New("app.py"),
		"env":        property.New([]property.Value{envVar(property.New("TOKEN"), property.New("s3cret").WithSecret(true))}),
	})
	require.NoError(t, err)
	secrets := rec.of("kubernetes:core/v1:Secret")
	require.Len(t, secrets, 1)
	assert.True(t, secrets[0].Get("stringData").HasSecrets(), "the value is secret in the Secret: %v", secrets[0])
}

// Package pulumitest runs Pulumi programs under mocks and records what they
// register, so that tests can assert on the real inputs of every resource.
package pulumitest

import (
	"encoding/json"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/pulumi-bytewax/pulumi-bytewax/internal/objects"
)

// recorder is a Pulumi mock that keeps every resource registered with it.
type recorder struct {
	mu        sync.Mutex
	resources []pulumi.MockResourceArgs
}

// NewResource records the resource and echoes its inputs as its state.
func (r *recorder) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.resources = append(r.resources, args)
	return args.Name + "-id", args.Inputs, nil
}

// Call answers every function call with its arguments.
func (r *recorder) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return args.Args, nil
}

// Registered is one resource as the engine received it.
type Registered struct {
	Type, Name, Parent, Provider string
	Protect                      bool
	// Dependencies are the URNs the resource waits for.
	Dependencies []string
	Inputs       resource.PropertyMap
}

// Object is the resource's inputs as plain JSON values, the shape of the
// Kubernetes object the provider will apply, with secrets revealed.
func (r Registered) Object(t *testing.T) map[string]any {
	t.Helper()
	return JSONValue(t, objects.FromInputs(r.Inputs)).(map[string]any)
}

// JSONValue round-trips v through JSON, so that numbers are float64 and maps
// are map[string]any whatever produced them.
func JSONValue(t *testing.T, v any) any {
	t.Helper()
	raw, err := json.Marshal(v)
	require.NoError(t, err)
	var out any
	require.NoError(t, json.Unmarshal(raw, &out))
	return out
}

// Deployment is what one run of a program registered, in order.
type Deployment struct {
	Resources []Registered
}

// ByType returns the only resource of a type, failing the test otherwise.
func (d Deployment) ByType(t *testing.T, typ string) Registered {
	t.Helper()
	var found []Registered
	for _, r := range d.Resources {
		if r.Type == typ {
			found = append(found, r)
		}
	}
	require.Len(t, found, 1, "resources of type %s", typ)
	return found[0]
}

// OfType returns every resource of a type.
func (d Deployment) OfType(typ string) []Registered {
	var found []Registered
	for _, r := range d.Resources {
		if r.Type == typ {
			found = append(found, r)
		}
	}
	return found
}

// Run runs program under mocks and returns what it registered, with the
// program's error.
func Run(t *testing.T, program pulumi.RunFunc) (Deployment, error) {
	t.Helper()
	rec := &recorder{}
	err := pulumi.RunErr(program, pulumi.WithMocks("project", "stack", rec))
	var d Deployment
	for _, r := range rec.resources {
		reg := Registered{Type: r.TypeToken, Name: r.Name, Provider: r.Provider, Inputs: r.Inputs}
		if r.RegisterRPC != nil {
			reg.Parent = r.RegisterRPC.GetParent()
			reg.Protect = r.RegisterRPC.GetProtect()
			reg.Dependencies = r.RegisterRPC.GetDependencies()
		}
		d.Resources = append(d.Resources, reg)
	}
	return d, err
}

// Get walks a path of map keys and slice indexes through a JSON value.
func Get(t *testing.T, v any, path ...any) any {
	t.Helper()
	for _, step := range path {
		switch s := step.(type) {
		case string:
			m, ok := v.(map[string]any)
			require.True(t, ok, "%v: not an object at %q", path, s)
			v = m[s]
		case int:
			a, ok := v.([]any)
			require.True(t, ok && s < len(a), "%v: no element %d", path, s)
			v = a[s]
		}
	}
	return v
}

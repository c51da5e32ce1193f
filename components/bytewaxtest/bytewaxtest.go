// Package bytewaxtest runs Pulumi programs under mocks and records what
// they register, so that tests, of this project and of programs that use
// its components, can assert on the real inputs of every resource: the
// Kubernetes objects a BytewaxDataflow would apply, its secrets, its
// parents, providers and dependencies.
//
//	root, _ := filepath.Abs("..") // the folder of Pulumi.yaml
//	d, err := bytewaxtest.Run(t, myProgram, bytewaxtest.WithRootDirectory(root))
//	require.NoError(t, err)
//	sts := d.ByType(t, bytewaxtest.StatefulSet).Object(t)
//	assert.Equal(t, 3.0, bytewaxtest.Get(t, sts, "spec", "replicas"))
package bytewaxtest

import (
	"encoding/json"
	"maps"
	"slices"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
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
	// URN identifies the resource; Parent and Provider are URNs too (the
	// provider's followed by "::" and its ID).
	URN, Type, Name, Parent, Provider string
	Protect                           bool
	// DeleteBeforeReplace and ReplaceOnChanges are the resource's options.
	DeleteBeforeReplace bool
	ReplaceOnChanges    []string
	// RetainOnDelete leaves the object in the cluster when the resource is
	// deleted.
	RetainOnDelete bool
	// IgnoreChanges are the input paths whose changes are ignored.
	IgnoreChanges []string
	// Dependencies are the URNs the resource waits for.
	Dependencies []string
	// PropertyDependencies are, for each input, the URNs of the resources
	// its value came from.
	PropertyDependencies map[string][]string
	// Aliases are the resource's former URNs, and the names of former
	// identities given by name or parent rather than by URN.
	Aliases []string
	Inputs  resource.PropertyMap
}

// DependsOn reports whether the resource waits for the resource urn.
func (r Registered) DependsOn(urn string) bool {
	return slices.Contains(r.Dependencies, urn)
}

// Plain is the resource's inputs as plain JSON values, with secrets
// revealed.
func (r Registered) Plain() map[string]any {
	raw, err := json.Marshal(objects.FromInputs(r.Inputs))
	if err != nil {
		panic(err)
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		panic(err)
	}
	return out
}

// Object is the resource's inputs as plain JSON values, the shape of the
// Kubernetes object the provider will apply, with secrets revealed.
func (r Registered) Object(t testing.TB) map[string]any {
	t.Helper()
	return JSONValue(t, objects.FromInputs(r.Inputs)).(map[string]any)
}

// JSONValue round-trips v through JSON, so that numbers are float64 and maps
// are map[string]any whatever produced them.
func JSONValue(t testing.TB, v any) any {
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

// ChildrenOf returns the resources whose parent is urn.
func (d Deployment) ChildrenOf(urn string) []Registered {
	return d.where(func(r Registered) bool { return r.Parent == urn })
}

// where returns the resources for which keep is true.
func (d Deployment) where(keep func(Registered) bool) []Registered {
	var found []Registered
	for _, r := range d.Resources {
		if keep(r) {
			found = append(found, r)
		}
	}
	return found
}

// Named returns the resource of a type and name, failing the test when
// there is none.
func (d Deployment) Named(t testing.TB, typ, name string) Registered {
	t.Helper()
	for _, r := range d.Resources {
		if r.Type == typ && r.Name == name {
			return r
		}
	}
	require.Failf(t, "no such resource", "%s %s", typ, name)
	return Registered{}
}

// IsSecret reports whether the input at a top-level key holds a secret.
func (r Registered) IsSecret(key string) bool {
	v, ok := r.Inputs[resource.PropertyKey(key)]
	return ok && v.ContainsSecrets()
}

// IsSecretAt reports whether the input at a path of object keys and array
// indexes, such as ("stringData", "TOKEN") or ("spec", "containers", 0),
// is a secret or lies inside one; false when there is no such input.
func (r Registered) IsSecretAt(path ...any) bool {
	v := resource.NewObjectProperty(r.Inputs)
	for _, step := range path {
		if v.IsSecret() {
			return true
		}
		switch s := step.(type) {
		case string:
			if !v.IsObject() {
				return false
			}
			next, ok := v.ObjectValue()[resource.PropertyKey(s)]
			if !ok {
				return false
			}
			v = next
		case int:
			if !v.IsArray() || s < 0 || s >= len(v.ArrayValue()) {
				return false
			}
			v = v.ArrayValue()[s]
		default:
			return false
		}
	}
	return v.IsSecret()
}

// ByType returns the only resource of a type, failing the test otherwise.
func (d Deployment) ByType(t testing.TB, typ string) Registered {
	t.Helper()
	found := d.OfType(typ)
	require.Len(t, found, 1, "resources of type %s", typ)
	return found[0]
}

// OfType returns every resource of a type.
func (d Deployment) OfType(typ string) []Registered {
	return d.where(func(r Registered) bool { return r.Type == typ })
}

// Type tokens of the resources a BytewaxDataflow registers.
const (
	Namespace      = "kubernetes:core/v1:Namespace"
	ConfigMap      = "kubernetes:core/v1:ConfigMap"
	Service        = "kubernetes:core/v1:Service"
	ServiceAccount = "kubernetes:core/v1:ServiceAccount"
	Secret         = "kubernetes:core/v1:Secret"
	StatefulSet    = "kubernetes:apps/v1:StatefulSet"
	// NetworkPolicy and PodDisruptionBudget guard the pods.
	NetworkPolicy       = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
	PodDisruptionBudget = "kubernetes:policy/v1:PodDisruptionBudget"
	// Provider is the type of an explicit Kubernetes provider.
	Provider = "pulumi:providers:kubernetes"
)

// Option sets up the run, as the engine would for a real stack, or the
// cluster the program finds.
type Option struct {
	info    func(*pulumi.RunInfo)
	cluster []map[string]any
	holds   bool
}

// clusterConfigKey is where the component finds the cluster of a run
// under mocks.
const clusterConfigKey = "bytewaxtest:cluster"

// WithCluster makes the cluster the program finds when the component reads
// it, before it creates anything, hold objects, each a Kubernetes object as
// JSON values (apiVersion, kind, metadata, ...): to test what a program
// does next to objects it did not create, or with a dataflow's recovery
// record. Without it, the component reads no cluster.
func WithCluster(objects ...map[string]any) Option {
	return Option{cluster: objects, holds: true}
}

// WithRootDirectory is the Pulumi project's root, ctx.RootDirectory(),
// where a BytewaxDataflow's relative Directory starts.
func WithRootDirectory(dir string) Option {
	return Option{info: func(info *pulumi.RunInfo) { info.RootDirectory = dir }}
}

// WithStack names the stack, "stack" by default.
func WithStack(name string) Option {
	return Option{info: func(info *pulumi.RunInfo) { info.Stack = name }}
}

// WithProject names the project, "project" by default; config keys without
// a namespace are the project's.
func WithProject(name string) Option {
	return Option{info: func(info *pulumi.RunInfo) { info.Project = name }}
}

// WithPreview runs the program as `pulumi preview` does: the outputs of
// resources are unknown until they are created, and values made with
// Unknown stay unknown.
func WithPreview() Option {
	return Option{info: func(info *pulumi.RunInfo) { info.DryRun = true }}
}

// Unknown is a string output whose value is not known, as a resource's
// output is at a preview that creates it: pass it where a program would
// pass another resource's output, to test what is checked, and what
// waits, when the value resolves. Use it with WithPreview: an up refuses
// unknown values.
func Unknown() pulumi.StringOutput {
	return pulumi.UnsafeUnknownOutput(nil).ApplyT(func(any) string { return "" }).(pulumi.StringOutput)
}

// WithConfig is the stack's config, keyed "<namespace>:<key>", with the
// keys whose values are secret.
func WithConfig(values map[string]string, secretKeys ...string) Option {
	return Option{info: func(info *pulumi.RunInfo) {
		info.Config = values
		info.ConfigSecretKeys = secretKeys
	}}
}

// Run runs program under mocks, in project "project" and stack "stack"
// unless options say otherwise, and returns what it registered, with the
// program's error.
func Run(t testing.TB, program pulumi.RunFunc, opts ...Option) (Deployment, error) {
	t.Helper()
	return Record(program, opts...)
}

// Record is Run for code without a *testing.T, such as examples.
func Record(program pulumi.RunFunc, opts ...Option) (Deployment, error) {
	rec := &recorder{}
	info := pulumi.RunInfo{Project: "project", Stack: "stack"}
	runOpts := []pulumi.RunOption{nil}
	var cluster []map[string]any
	holds := false
	for _, o := range opts {
		if o.info != nil {
			o.info(&info)
			runOpts = append(runOpts, pulumi.RunOption(o.info))
		}
		cluster, holds = append(cluster, o.cluster...), holds || o.holds
	}
	if holds {
		// The run's own config carries its cluster, so that runs in
		// parallel each see theirs.
		raw, err := json.Marshal(cluster)
		if err != nil {
			return Deployment{}, err
		}
		runOpts = append(runOpts, func(info *pulumi.RunInfo) {
			config := maps.Clone(info.Config)
			if config == nil {
				config = map[string]string{}
			}
			config[clusterConfigKey] = string(raw)
			info.Config = config
		})
	}
	runOpts[0] = pulumi.WithMocks(info.Project, info.Stack, rec)
	err := pulumi.RunErr(program, runOpts...)
	var d Deployment
	for _, r := range rec.resources {
		reg := Registered{Type: r.TypeToken, Name: r.Name, Provider: r.Provider, Inputs: r.Inputs}
		if r.RegisterRPC != nil {
			reg.Parent = r.RegisterRPC.GetParent()
			reg.Protect = r.RegisterRPC.GetProtect()
			reg.Dependencies = r.RegisterRPC.GetDependencies()
			reg.DeleteBeforeReplace = r.RegisterRPC.GetDeleteBeforeReplace()
			reg.RetainOnDelete = r.RegisterRPC.GetRetainOnDelete()
			reg.IgnoreChanges = r.RegisterRPC.GetIgnoreChanges()
			reg.ReplaceOnChanges = r.RegisterRPC.GetReplaceOnChanges()
			reg.Aliases = append(reg.Aliases, r.RegisterRPC.GetAliasURNs()...)
			for _, a := range r.RegisterRPC.GetAliases() {
				switch {
				case a.GetUrn() != "":
					reg.Aliases = append(reg.Aliases, a.GetUrn())
				case a.GetSpec().GetName() != "":
					reg.Aliases = append(reg.Aliases, a.GetSpec().GetName())
				}
			}
			if deps := r.RegisterRPC.GetPropertyDependencies(); len(deps) > 0 {
				reg.PropertyDependencies = map[string][]string{}
				for key, urns := range deps {
					reg.PropertyDependencies[key] = urns.GetUrns()
				}
			}
		}
		var parentType tokens.Type
		if reg.Parent != "" {
			if t := resource.URN(reg.Parent).QualifiedType(); t != resource.RootStackType {
				parentType = t
			}
		}
		reg.URN = string(resource.NewURN(tokens.QName(info.Stack), tokens.PackageName(info.Project), parentType, tokens.Type(reg.Type), reg.Name))
		d.Resources = append(d.Resources, reg)
	}
	return d, err
}

// Get walks a path of map keys and slice indexes through a JSON value.
func Get(t testing.TB, v any, path ...any) any {
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

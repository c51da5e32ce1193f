package bytewaxtest_test

import (
	"testing"
	"testing/fstest"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pulumi-bytewax/pulumi-bytewax/components"
	"github.com/pulumi-bytewax/pulumi-bytewax/components/bytewaxtest"
)

var flow = fstest.MapFS{"flow.py": {Data: []byte("flow = None\n")}}

func TestURNsParentsAndDependenciesMatch(t *testing.T) {
	d, err := bytewaxtest.Run(t, func(ctx *pulumi.Context) error {
		_, err := components.NewBytewaxDataflow(ctx, "orders", &components.BytewaxDataflowArgs{
			CreateNamespace: true, FS: flow, PythonFile: "flow.py",
		})
		return err
	}, bytewaxtest.WithProject("platform"), bytewaxtest.WithStack("staging"))
	require.NoError(t, err)

	comp := d.ByType(t, components.BytewaxDataflowType)
	assert.Equal(t, "urn:pulumi:staging::platform::bytewax:index:BytewaxDataflow::orders", comp.URN)
	children := d.ChildrenOf(comp.URN)
	assert.Len(t, children, 7, "namespace, account, config map, service, network policy, disruption budget, statefulset")
	ns := d.ByType(t, bytewaxtest.Namespace)
	assert.Equal(t, "urn:pulumi:staging::platform::bytewax:index:BytewaxDataflow$kubernetes:core/v1:Namespace::orders", ns.URN)
	sts := d.ByType(t, bytewaxtest.StatefulSet)
	assert.True(t, sts.DependsOn(ns.URN), "every child waits for the namespace: %v", sts.Dependencies)
	assert.False(t, sts.DependsOn(comp.URN))
}

func TestConfigAndProjectReachTheProgram(t *testing.T) {
	var got string
	_, err := bytewaxtest.Run(t, func(ctx *pulumi.Context) error {
		got = config.Get(ctx, "region")
		return nil
	}, bytewaxtest.WithProject("platform"), bytewaxtest.WithConfig(map[string]string{"platform:region": "eu"}))
	require.NoError(t, err)
	assert.Equal(t, "eu", got, "a key without a namespace is the project's")
}

func TestAliasesPropertyDependenciesAndNestedSecrets(t *testing.T) {
	d, err := bytewaxtest.Run(t, func(ctx *pulumi.Context) error {
		_, err := components.NewBytewaxDataflow(ctx, "orders", &components.BytewaxDataflowArgs{
			CreateNamespace: true, FS: flow, PythonFile: "flow.py",
			RegistryCredentials: &components.RegistryCredentialsArgs{DockerConfigJSON: pulumi.String(`{"auths":{}}`)},
			Env:                 []components.EnvVarArgs{{Name: "TOKEN", Value: pulumi.ToSecret(pulumi.String("t")).(pulumi.StringOutput)}},
		})
		return err
	})
	require.NoError(t, err)

	registry := d.Named(t, bytewaxtest.Secret, "orders-registry")
	assert.Contains(t, registry.Aliases, "orders", "the registry Secret keeps the name it had")

	env := d.Named(t, bytewaxtest.Secret, "orders-env")
	assert.True(t, env.IsSecretAt("stringData", "TOKEN"))
	assert.False(t, env.IsSecretAt("metadata", "name"))
	assert.False(t, env.IsSecretAt("no", "such", 0))

	ns := d.ByType(t, bytewaxtest.Namespace)
	sts := d.ByType(t, bytewaxtest.StatefulSet)
	assert.Contains(t, sts.PropertyDependencies["metadata"], ns.URN, "the StatefulSet's namespace comes from the Namespace")
}

func TestAnUnknownOutputAtPreview(t *testing.T) {
	var resolved bool
	_, err := bytewaxtest.Run(t, func(ctx *pulumi.Context) error {
		d, err := components.NewBytewaxDataflow(ctx, "orders", &components.BytewaxDataflowArgs{
			Namespace: bytewaxtest.Unknown(), FS: flow, PythonFile: "flow.py",
		})
		if err != nil {
			return err
		}
		d.NamespaceName.ApplyT(func(string) string { resolved = true; return "" })
		return nil
	}, bytewaxtest.WithPreview())
	require.NoError(t, err)
	assert.False(t, resolved, "a namespace that is an unknown output stays unknown at preview")
}

func TestWithClusterTheComponentFindsWhatTheClusterHolds(t *testing.T) {
	program := func(ctx *pulumi.Context) error {
		_, err := components.NewBytewaxDataflow(ctx, "orders", &components.BytewaxDataflowArgs{
			Namespace: pulumi.String("streams"), FS: flow, PythonFile: "flow.py",
		})
		return err
	}
	helm := map[string]any{
		"apiVersion": "v1", "kind": "Service",
		"metadata": map[string]any{"name": "orders", "namespace": "streams", "labels": map[string]any{"app.kubernetes.io/managed-by": "Helm"}},
	}
	d, err := bytewaxtest.Run(t, program, bytewaxtest.WithCluster(helm))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Service streams/orders exists on the mocked cluster and is managed by Helm")
	assert.Empty(t, d.Resources)

	_, err = bytewaxtest.Run(t, program)
	require.NoError(t, err, "without a cluster, nothing is read")
}

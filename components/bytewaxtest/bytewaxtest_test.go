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

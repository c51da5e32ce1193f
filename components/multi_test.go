package components

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	pt "github.com/pulumi-bytewax/pulumi-bytewax/components/bytewaxtest"
)

func TestTwoDataflowsShareAStackANamespaceAndAProvider(t *testing.T) {
	d, err := run(t, func(ctx *pulumi.Context) error {
		k8s, err := kubernetes.NewProvider(ctx, "cluster", &kubernetes.ProviderArgs{})
		if err != nil {
			return err
		}
		first := flatArgs()
		first.Name = "orders"
		a, err := NewBytewaxDataflow(ctx, "orders", first, pulumi.Provider(k8s))
		if err != nil {
			return err
		}
		second := flatArgs()
		second.Name = "payments"
		second.CreateNamespace = false
		second.Namespace = a.NamespaceName
		_, err = NewBytewaxDataflow(ctx, "payments", second, pulumi.Provider(k8s))
		return err
	})
	require.NoError(t, err)

	urns := map[string]bool{}
	objects := map[string]bool{}
	for _, r := range d.Resources {
		if !strings.HasPrefix(r.Type, "kubernetes:") || r.Type == "pulumi:providers:kubernetes" {
			continue
		}
		urn := r.Type + "::" + r.Name
		assert.False(t, urns[urn], "two children share the name %s", urn)
		urns[urn] = true

		obj := r.Object(t)
		key := fmt.Sprintf("%s %v/%v", r.Type, pt.Get(t, obj, "metadata", "namespace"), pt.Get(t, obj, "metadata", "name"))
		assert.False(t, objects[key], "two dataflows write the same object %s", key)
		objects[key] = true

		assert.True(t, strings.HasPrefix(r.Provider, "urn:pulumi:stack::project::pulumi:providers:kubernetes::cluster::"),
			"%s %s must use the explicit provider, got %q", r.Type, r.Name, r.Provider)
	}
	assert.Len(t, d.OfType(BytewaxDataflowType), 2)
	assert.Len(t, d.OfType(typeNamespace), 1, "the second dataflow uses the first one's namespace")
	assert.Len(t, d.OfType(typeStatefulSet), 2)
}

func TestProtectReachesTheChildren(t *testing.T) {
	rec := map[string]bool{}
	d, err := run(t, func(ctx *pulumi.Context) error {
		_, err := NewBytewaxDataflow(ctx, "wc", flatArgs(), pulumi.Protect(true))
		return err
	})
	require.NoError(t, err)
	for _, r := range d.Resources {
		rec[r.Type] = r.Protect
	}
	for _, typ := range []string{typeNamespace, typeConfigMap, typeService, typeServiceAccount, typeStatefulSet} {
		assert.True(t, rec[typ], "%s must inherit protect", typ)
	}
}

// TestAChainOfDataflowsCostsLinearly deploys dataflows each in the previous
// one's NamespaceName, the pattern for sharing a namespace. An output
// records its dependencies once per path to them, so a check that awaited
// the namespace twice would double them at every link, and twenty
// dataflows would need gigabytes: twice the dataflows must cost about
// twice the memory.
func TestAChainOfDataflowsCostsLinearly(t *testing.T) {
	allocated := func(n int) uint64 {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, err := run(t, func(ctx *pulumi.Context) error {
			var ns pulumi.StringInput = pulumi.String("chain")
			for i := range n {
				args := flatArgs()
				args.Name, args.Namespace, args.CreateNamespace = fmt.Sprintf("flow-%d", i), ns, i == 0
				d, err := NewBytewaxDataflow(ctx, args.Name, args)
				if err != nil {
					return err
				}
				ns = d.NamespaceName
			}
			return nil
		})
		require.NoError(t, err)
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc
	}
	ten, twenty := allocated(10), allocated(20)
	assert.Less(t, float64(twenty)/float64(ten), 4.0, "10 dataflows allocated %d bytes, 20 allocated %d", ten, twenty)
}

func TestADataflowGivenAnothersNamespaceNameClashesAtOnceEvenAtPreview(t *testing.T) {
	var second error
	d, err := pt.Run(t, func(ctx *pulumi.Context) error {
		first, err := NewBytewaxDataflow(ctx, "orders", flatArgs())
		if err != nil {
			return err
		}
		again := flatArgs()
		again.CreateNamespace = false
		again.Namespace = first.NamespaceName
		_, second = NewBytewaxDataflow(ctx, "orders-again", again)
		return nil
	}, pt.WithRootDirectory(packageDir), pt.WithPreview())
	require.NoError(t, err)
	var invalid *ValidationError
	require.ErrorAs(t, second, &invalid, "refused as it is made, not once the namespace exists")
	assert.False(t, invalid.Resolved)
	assert.Contains(t, invalid.Error(), `Name: is already the name of dataflow "orders" in namespace "streams" of this program`)
	for _, r := range d.Resources {
		assert.NotEqual(t, "orders-again", r.Name, "the second dataflow registers nothing")
	}
}

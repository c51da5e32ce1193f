package e2e

import (
	"bytes"
	"context"
	"testing"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pulumi-bytewax/pulumi-bytewax/components"
	"github.com/pulumi-bytewax/pulumi-bytewax/internal/deploy"
)

// TestAnExplicitProvidersClusterIsChecked deploys the component from a
// program of its own through an explicit provider, whose kubeconfig the
// workspace's environment does not name: the component reads the
// provider's settings from the engine, and refuses, during up, an object
// of the dataflow's name that another tool made, on the cluster that
// provider reaches.
func TestAnExplicitProvidersClusterIsChecked(t *testing.T) {
	const ns = "e2e-explicit"
	requireE2E(t)
	requireControlPlane(t)
	foreignNamespace(t, ns, `apiVersion: v1
kind: Service
metadata:
  name: flow
  namespace: `+ns+`
spec:
  ports: [{port: 80}]
`)

	dir := t.TempDir()
	require.NoError(t, deploy.CopyProject(repoRoot, dir))
	// createNamespace: the program creates the namespace itself, checked
	// with CheckedNamespaceName.
	createNamespace := true
	program := func(ctx *pulumi.Context) error {
		k8s, err := kubernetes.NewProvider(ctx, "cluster", &kubernetes.ProviderArgs{Kubeconfig: pulumi.String(kubeconfig)})
		if err != nil {
			return err
		}
		namespace := pulumi.String(ns).ToStringOutput()
		if createNamespace {
			created, err := corev1.NewNamespace(ctx, "streams", &corev1.NamespaceArgs{Metadata: &metav1.ObjectMetaArgs{
				Name:        components.CheckedNamespaceName(ctx, ns, pulumi.Provider(k8s)),
				Annotations: pulumi.ToStringMap(components.OwnerAnnotations(ctx)),
			}}, pulumi.Provider(k8s))
			if err != nil {
				return err
			}
			namespace = created.Metadata.Name().Elem()
		}
		_, err = components.NewBytewaxDataflow(ctx, "flow", &components.BytewaxDataflowArgs{
			Namespace: namespace, Processes: pulumi.IntRef(2),
			BaseDirectory: dir, Directory: "dataflows/basic", PythonFile: "basic.py",
		}, pulumi.Provider(k8s))
		return err
	}
	// The workspace names no cluster, and this process's KUBECONFIG one
	// that does not exist: only the provider's own setting reaches it.
	t.Setenv("KUBECONFIG", "/nonexistent/kubeconfig")
	s, err := deploy.Open(context.Background(), deploy.Options{
		ProjectDir: dir, Stack: "dev", BackendURL: "file://" + dir + "/.pulumi-state",
		Env: map[string]string{"KUBECONFIG": "/nonexistent/kubeconfig"}, Program: program,
	})
	require.NoError(t, err)
	t.Cleanup(func() { _, _ = s.Destroy(context.Background()) })

	var out bytes.Buffer
	_, err = s.Preview(context.Background(), optpreview.ProgressStreams(&out))
	require.NoError(t, err, "%s", out.String())
	assert.Contains(t, out.String(), "the cluster is checked for objects the dataflow would take over once", "a preview that creates the provider says the check is deferred")

	out.Reset()
	_, err = s.Up(context.Background(), optup.ProgressStreams(&out), optup.ErrorProgressStreams(&out))
	require.Error(t, err)
	assert.Contains(t, out.String(), `namespace "e2e-explicit" exists on the cluster at`)
	assert.Nil(t, field(get(t, "namespace", ns), "metadata", "annotations", "bytewax.io/stack"), "the namespace is not taken over")
	assert.False(t, exists(t, "-n", ns, "configmap", "flow"), "nothing is applied")

	// Into the namespace as it is.
	createNamespace = false
	out.Reset()
	_, err = s.Up(context.Background(), optup.ProgressStreams(&out), optup.ErrorProgressStreams(&out))
	require.Error(t, err)
	assert.Contains(t, out.String(), "Service e2e-explicit/flow exists on the cluster at")
	assert.Contains(t, out.String(), "not by this stack")
	assert.False(t, exists(t, "-n", ns, "statefulset", "flow"), "nothing is applied")
	assert.False(t, exists(t, "-n", ns, "configmap", "flow"), "nothing is applied")

	_, err = kubectl("-n", ns, "delete", "service", "flow")
	require.NoError(t, err)
	out.Reset()
	_, err = s.Up(context.Background(), optup.ProgressStreams(&out), optup.ErrorProgressStreams(&out))
	require.NoError(t, err, "%s", out.String())
	requireRolledOut(t, ns, "flow", 2)
	assert.Equal(t, "organization/bytewax/dev", field(get(t, "-n", ns, "service", "flow"), "metadata", "annotations", "bytewax.io/stack"))
}

package components_test

import (
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/pulumi-bytewax/pulumi-bytewax/components"
)

// A program of your own can deploy several dataflows, with its own provider
// and options, and chain their outputs.
func Example() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cluster, err := kubernetes.NewProvider(ctx, "staging", &kubernetes.ProviderArgs{
			Context: pulumi.String("staging"),
		})
		if err != nil {
			return err
		}
		// The first dataflow creates the namespace; it ships a whole
		// folder, which travels as a tarball.
		orders, err := components.NewBytewaxDataflow(ctx, "orders", &components.BytewaxDataflowArgs{
			Namespace:         "streams",
			Processes:         pulumi.IntRef(3),
			WorkersPerProcess: pulumi.IntRef(2),
			Directory:         "flows/orders",
			Files:             []string{"."},
			PythonFile:        "main.py:flow",
			RegistryCredentials: &components.RegistryCredentials{
				DockerConfigJSON: config.New(ctx, "").RequireSecret("dockerConfigJson"),
			},
		}, pulumi.Provider(cluster), pulumi.Protect(true))
		if err != nil {
			return err
		}
		// The second one shares it.
		payments, err := components.NewBytewaxDataflow(ctx, "payments", &components.BytewaxDataflowArgs{
			Namespace:         "streams",
			ExistingNamespace: true,
			Directory:         "flows/payments",
			PythonFile:        "payments.py",
			Env:               []components.EnvVar{{Name: "RUST_LOG", Value: "warn"}},
		}, pulumi.Provider(cluster), pulumi.DependsOn([]pulumi.Resource{orders.Namespace}))
		if err != nil {
			return err
		}
		ctx.Export("ordersPeers", orders.PeerAddresses)
		ctx.Export("paymentsStatefulSet", payments.StatefulSetName)
		return nil
	})
}

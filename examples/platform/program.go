package main

import (
	"embed"
	"fmt"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/pulumi-bytewax/pulumi-bytewax/components"
)

// ordersFiles are the orders dataflow's files, built into the program so
// that it ships the code it was built with.
//
//go:embed flows/orders
var ordersFiles embed.FS

// paymentsDirectory holds the payments dataflow's files, read from disk at
// every run, relative to the Pulumi project's root.
const paymentsDirectory = "flows/payments"

// DefaultNamespace is the namespace the program creates when the stack's
// config names none.
const DefaultNamespace = "streams"

// PaymentsSettings is the ConfigMap whose keys become the payments
// dataflow's environment variables. Another team creates it in the
// namespace once the namespace exists; until then the pods start without
// it, so the first `pulumi up` does not wait for it.
const PaymentsSettings = "payments-settings"

// Platform is what the program deploys.
type Platform struct {
	// Provider deploys every Kubernetes object of the platform.
	Provider *kubernetes.Provider
	// Namespace holds both dataflows; the program creates and owns it.
	Namespace *corev1.Namespace
	// Orders totals orders; its files are embedded in the program.
	Orders *components.BytewaxDataflow
	// Payments settles payments; its files are read from disk.
	Payments *components.BytewaxDataflow
}

// Program is the Pulumi program: it deploys the platform and exports the
// namespace and each dataflow's StatefulSet name and peer addresses.
func Program(ctx *pulumi.Context) error {
	p, err := NewPlatform(ctx)
	if err != nil {
		return err
	}
	ctx.Export("namespace", p.Namespace.Metadata.Name().Elem())
	ctx.Export("ordersStatefulSet", p.Orders.StatefulSetName)
	ctx.Export("ordersPeerAddresses", p.Orders.PeerAddresses)
	ctx.Export("paymentsStatefulSet", p.Payments.StatefulSetName)
	ctx.Export("paymentsPeerAddresses", p.Payments.PeerAddresses)
	return nil
}

// NewPlatform reads the stack's config and registers the provider, the
// namespace and both dataflows. It fails before registering anything when
// the Kafka password is not set.
func NewPlatform(ctx *pulumi.Context) (*Platform, error) {
	cfg := config.New(ctx, "")
	kafkaPassword, err := cfg.TrySecret("kafkaPassword")
	if err != nil {
		return nil, fmt.Errorf("the orders dataflow needs the Kafka password: set it with `pulumi config set --secret kafkaPassword <password>`: %w", err)
	}
	namespace := cfg.Get("namespace")
	if namespace == "" {
		namespace = DefaultNamespace
	}

	providerArgs := &kubernetes.ProviderArgs{}
	if kubeContext := cfg.Get("kubeContext"); kubeContext != "" {
		providerArgs.Context = pulumi.String(kubeContext)
	}
	provider, err := kubernetes.NewProvider(ctx, "cluster", providerArgs)
	if err != nil {
		return nil, err
	}
	onCluster := pulumi.Provider(provider)

	ns, err := corev1.NewNamespace(ctx, "streams", &corev1.NamespaceArgs{
		Metadata: &metav1.ObjectMetaArgs{
			// A namespace of that name that the stack did not create
			// fails the up before it is applied, rather than being taken
			// over, and deleted by destroy.
			Name: components.CheckedNamespaceName(ctx, namespace, onCluster),
			// The dataflows' pods meet the Pod Security Standards'
			// "restricted" profile; the namespace enforces it.
			Labels: pulumi.ToStringMap(components.RestrictedPodSecurityLabels()),
			// The stack's mark, which the component's objects carry too.
			Annotations: pulumi.ToStringMap(components.OwnerAnnotations(ctx)),
		},
	}, onCluster)
	if err != nil {
		return nil, err
	}
	// Taking the name from the Namespace resource makes every object of
	// both dataflows wait for it.
	nsName := ns.Metadata.Name().Elem()

	orders, err := newOrders(ctx, nsName, kafkaPassword, onCluster)
	if err != nil {
		return nil, err
	}
	payments, err := components.NewBytewaxDataflow(ctx, "payments", &components.BytewaxDataflowArgs{
		Namespace:  nsName,
		Processes:  pulumi.IntRef(2),
		Directory:  paymentsDirectory,
		PythonFile: "payments.py",
		EnvFrom: []components.EnvFromSourceArgs{{
			ConfigMapRef: &components.ObjectRefArgs{Name: pulumi.String(PaymentsSettings), Optional: pulumi.Bool(true)},
		}},
	}, onCluster)
	if err != nil {
		return nil, err
	}
	return &Platform{Provider: provider, Namespace: ns, Orders: orders, Payments: payments}, nil
}

// newOrders registers the orders dataflow from the embedded files. The
// Kafka password, a secret output, goes into the dataflow's own Secret.
func newOrders(ctx *pulumi.Context, namespace, kafkaPassword pulumi.StringInput, opts ...pulumi.ResourceOption) (*components.BytewaxDataflow, error) {
	return components.NewBytewaxDataflow(ctx, "orders", &components.BytewaxDataflowArgs{
		Namespace:  namespace,
		Processes:  pulumi.IntRef(3),
		FS:         ordersFiles,
		Directory:  "flows/orders",
		PythonFile: "orders.py:flow",
		Env: []components.EnvVarArgs{
			{Name: "KAFKA_PASSWORD", Value: kafkaPassword},
			{Name: "RUST_LOG", Value: pulumi.String("librdkafka=warn,rdkafka::client=warn")},
		},
	}, opts...)
}

package components

import (
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// serviceArgs builds the headless Service that gives each process the DNS
// name its peers dial.
//
// The Service skips the provider's await. For a headless Service that
// await has nothing to wait for, and on an update it records the first
// copy of the Service its informer delivers, which can predate the
// update: the stack would then hold the old labels, and the next preview
// would propose the change again.
func serviceArgs(s *dataflowSpec, namespace pulumi.StringInput) *corev1.ServiceArgs {
	meta := objectMeta(s, pulumi.String(s.name), namespace)
	meta.Annotations = objectAnnotations(s, map[string]string{skipAwaitAnnotation: "true"})
	return &corev1.ServiceArgs{
		Metadata: meta,
		Spec: &corev1.ServiceSpecArgs{
			ClusterIP: pulumi.String("None"),
			// Peers connect while the cluster forms, before any pod is
			// Ready, so their names must resolve from the start.
			PublishNotReadyAddresses: pulumi.Bool(true),
			Ports: corev1.ServicePortArray{corev1.ServicePortArgs{
				Name:       pulumi.String("worker"),
				Port:       pulumi.Int(s.port),
				TargetPort: pulumi.Int(s.port),
				Protocol:   pulumi.String("TCP"),
			}},
			Selector: pulumi.ToStringMap(selectorLabels(s)),
		},
	}
}

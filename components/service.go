package components

import (
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// serviceArgs builds the headless Service that gives each process the DNS
// name its peers dial.
func serviceArgs(s *dataflowSpec, namespace pulumi.StringInput) *corev1.ServiceArgs {
	return &corev1.ServiceArgs{
		Metadata: objectMeta(s, pulumi.String(s.name), namespace),
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

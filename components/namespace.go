package components

import (
	"maps"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// podSecurityLabels make the namespace enforce, audit and warn on the Pod
// Security Standards' "restricted" profile, which the dataflow's pods meet.
var podSecurityLabels = map[string]string{
	"pod-security.kubernetes.io/enforce": "restricted",
	"pod-security.kubernetes.io/audit":   "restricted",
	"pod-security.kubernetes.io/warn":    "restricted",
}

// namespaceArgs builds the Namespace the component creates.
func namespaceArgs(s *dataflowSpec) *corev1.NamespaceArgs {
	labels := objectLabels(s)
	maps.Copy(labels, podSecurityLabels)
	return &corev1.NamespaceArgs{
		Metadata: &metav1.ObjectMetaArgs{
			Name:        pulumi.String(s.namespace),
			Labels:      pulumi.ToStringMap(labels),
			Annotations: optionalStringMap(s.annotations),
		},
	}
}

// objectMeta is the metadata of every namespaced object of the dataflow.
func objectMeta(s *dataflowSpec, name string, namespace pulumi.StringInput) *metav1.ObjectMetaArgs {
	return &metav1.ObjectMetaArgs{
		Name:        pulumi.String(name),
		Namespace:   namespace,
		Labels:      pulumi.ToStringMap(objectLabels(s)),
		Annotations: optionalStringMap(s.annotations),
	}
}

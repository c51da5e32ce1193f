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

// RestrictedPodSecurityLabels returns the labels that make a namespace
// enforce, audit and warn on the Pod Security Standards' "restricted"
// profile, which the dataflow's pods meet: the labels a namespace the
// component creates carries, for a namespace a program creates itself.
func RestrictedPodSecurityLabels() map[string]string {
	return maps.Clone(podSecurityLabels)
}

// namespaceArgs builds the Namespace the component creates when asked to.
func namespaceArgs(s *dataflowSpec, name pulumi.StringInput) *corev1.NamespaceArgs {
	labels := objectLabels(s).ToStringMapOutput().ApplyT(func(l map[string]string) map[string]string {
		return merged(l, podSecurityLabels)
	}).(pulumi.StringMapOutput)
	return &corev1.NamespaceArgs{
		Metadata: &metav1.ObjectMetaArgs{
			Name:        name,
			Labels:      labels,
			Annotations: objectAnnotations(s, nil),
		},
	}
}

// objectMeta is the metadata of every namespaced object of the dataflow.
func objectMeta(s *dataflowSpec, name, namespace pulumi.StringInput) *metav1.ObjectMetaArgs {
	return &metav1.ObjectMetaArgs{
		Name:        name,
		Namespace:   namespace,
		Labels:      objectLabels(s),
		Annotations: objectAnnotations(s, nil),
	}
}

package components

import (
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// serviceAccountArgs builds the account the pods run as. It carries the pull
// secrets; the dataflow never talks to the Kubernetes API, so no token is
// mounted.
func serviceAccountArgs(s *dataflowSpec, namespace pulumi.StringInput, pullSecrets corev1.LocalObjectReferenceArray) *corev1.ServiceAccountArgs {
	return &corev1.ServiceAccountArgs{
		Metadata:                     objectMeta(s, s.serviceAccountName, namespace),
		ImagePullSecrets:             pullSecrets,
		AutomountServiceAccountToken: pulumi.Bool(false),
	}
}

// pullSecretRefs lists the image pull secrets. The one the component creates
// is referenced through its resource, so that it exists before anything that
// pulls with it.
func pullSecretRefs(s *dataflowSpec, created *corev1.Secret) corev1.LocalObjectReferenceArray {
	var refs corev1.LocalObjectReferenceArray
	for _, name := range s.imagePullSecrets {
		var ref pulumi.StringInput = pulumi.String(name)
		if created != nil && name == s.registryCredentials.SecretName {
			ref = created.Metadata.Name().Elem()
		}
		refs = append(refs, corev1.LocalObjectReferenceArgs{Name: ref})
	}
	return refs
}

package components

import (
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// serviceAccountArgs builds the account the pods run as. It carries the pull
// secrets; the dataflow never talks to the Kubernetes API, so no token is
// mounted.
func serviceAccountArgs(s *dataflowSpec, namespace pulumi.StringInput, pullSecrets corev1.LocalObjectReferenceArrayInput) *corev1.ServiceAccountArgs {
	return &corev1.ServiceAccountArgs{
		Metadata:                     objectMeta(s, s.serviceAccountName, namespace),
		ImagePullSecrets:             pullSecrets,
		AutomountServiceAccountToken: pulumi.Bool(false),
	}
}

// pullSecretRefs lists the image pull secrets: the user's, then the one the
// component creates, referenced through its resource so that it exists
// before anything that pulls with it. nil when there are none.
func pullSecretRefs(s *dataflowSpec, created *corev1.Secret) corev1.LocalObjectReferenceArrayInput {
	var createdName pulumi.StringInput
	if created != nil {
		createdName = created.Metadata.Name().Elem()
	}
	if isNil(s.imagePullSecrets) {
		if createdName == nil {
			return nil
		}
		return corev1.LocalObjectReferenceArray{corev1.LocalObjectReferenceArgs{Name: createdName}}
	}
	if createdName == nil {
		createdName = pulumi.String("")
	}
	return pulumi.All(s.imagePullSecrets, createdName).ApplyT(func(v []any) []corev1.LocalObjectReference {
		var refs []corev1.LocalObjectReference
		for _, name := range v[0].([]string) {
			refs = append(refs, corev1.LocalObjectReference{Name: pulumi.StringRef(name)})
		}
		if name := v[1].(string); name != "" {
			refs = append(refs, corev1.LocalObjectReference{Name: pulumi.StringRef(name)})
		}
		return refs
	}).(corev1.LocalObjectReferenceArrayOutput)
}

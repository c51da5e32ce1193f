package components

import (
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// registrySecretArgs builds the image pull secret from the registry
// credentials. The value stays a Pulumi secret end to end.
func registrySecretArgs(s *dataflowSpec, namespace pulumi.StringInput) *corev1.SecretArgs {
	return &corev1.SecretArgs{
		Metadata: objectMeta(s, s.registryCredentials.SecretName, namespace),
		Type:     pulumi.String("kubernetes.io/dockerconfigjson"),
		StringData: pulumi.StringMap{
			".dockerconfigjson": pulumi.ToSecret(s.registryCredentials.DockerConfigJSON.ToStringOutput()).(pulumi.StringOutput),
		},
	}
}

package components

import (
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// registrySecretArgs builds the image pull secret from the registry
// credentials. The value is a Pulumi secret whatever the caller passed.
func registrySecretArgs(s *dataflowSpec, namespace pulumi.StringInput) *corev1.SecretArgs {
	return &corev1.SecretArgs{
		Metadata: objectMeta(s, s.registry.secretName, namespace),
		Type:     pulumi.String("kubernetes.io/dockerconfigjson"),
		StringData: pulumi.StringMap{
			".dockerconfigjson": pulumi.ToSecret(s.registry.dockerConfigJSON.ToStringOutput()).(pulumi.StringOutput),
		},
	}
}

// envSecretArgs builds the Secret that holds the variables whose values
// are outputs, keyed by variable name. Its data is a Pulumi secret, so it
// is encrypted in the state and masked in diffs, while the StatefulSet only
// refers to it.
func envSecretArgs(s *dataflowSpec, namespace pulumi.StringInput) *corev1.SecretArgs {
	data := pulumi.StringMap{}
	for _, e := range s.secretEnv {
		data[e.Name] = e.Value
	}
	return &corev1.SecretArgs{
		Metadata: objectMeta(s, pulumi.String(s.envSecretName()), namespace),
		Type:     pulumi.String("Opaque"),
		// Immutable, so that the provider replaces it whenever a value
		// changes, whatever its enableSecretMutable setting: its new UID
		// then restarts the pods, and nothing else changes the UID.
		Immutable:  pulumi.Bool(true),
		StringData: pulumi.ToSecret(data).(pulumi.StringMapOutput),
	}
}

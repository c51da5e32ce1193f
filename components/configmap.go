package components

import (
	"encoding/base64"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// configMapArgs builds the ConfigMap that carries the dataflow's files.
func configMapArgs(s *dataflowSpec, namespace pulumi.StringInput) *corev1.ConfigMapArgs {
	args := &corev1.ConfigMapArgs{Metadata: objectMeta(s, pulumi.String(s.name), namespace)}
	if len(s.files.data) > 0 {
		args.Data = pulumi.ToStringMap(s.files.data)
	}
	if len(s.files.binaryData) > 0 {
		encoded := make(map[string]string, len(s.files.binaryData))
		for k, v := range s.files.binaryData {
			encoded[k] = base64.StdEncoding.EncodeToString(v)
		}
		args.BinaryData = pulumi.ToStringMap(encoded)
	}
	return args
}

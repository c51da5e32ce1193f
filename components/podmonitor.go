package components

import (
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// podMonitorArgs builds the Prometheus Operator PodMonitor that scrapes the
// dataflow API's /metrics on every process.
func podMonitorArgs(s *dataflowSpec, namespace pulumi.StringInput) *apiextensions.CustomResourceArgs {
	meta := objectMeta(s, pulumi.String(s.name), namespace)
	if extra := s.podMonitor.Labels; !isNil(extra) {
		meta.Labels = pulumi.All(meta.Labels, extra).ApplyT(func(v []any) map[string]string {
			return merged(v[0].(map[string]string), v[1].(map[string]string))
		}).(pulumi.StringMapOutput)
	}
	endpoint := map[string]any{"port": apiPortName, "path": "/metrics"}
	// Left out when empty, for the operator's default.
	if interval := omitEmpty(s.podMonitor.Interval); interval != nil {
		endpoint["interval"] = interval
	}
	return &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String("monitoring.coreos.com/v1"),
		Kind:       pulumi.String("PodMonitor"),
		Metadata:   meta,
		OtherFields: kubernetes.UntypedArgs{
			"spec": map[string]any{
				"selector":            map[string]any{"matchLabels": selectorLabels(s)},
				"podMetricsEndpoints": []any{endpoint},
			},
		},
	}
}

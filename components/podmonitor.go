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
	if len(s.podMonitor.Labels) > 0 {
		extra := s.podMonitor.Labels
		meta.Labels = meta.Labels.ToStringMapOutput().ApplyT(func(l map[string]string) map[string]string {
			return merged(l, extra)
		}).(pulumi.StringMapOutput)
	}
	endpoint := map[string]any{"port": apiPortName, "path": "/metrics"}
	if s.podMonitor.Interval != "" {
		endpoint["interval"] = s.podMonitor.Interval
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

package components

import (
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// topologySpread spreads the dataflow's processes evenly over the topology
// key's domains, no domain holding two more than another: preferred
// (ScheduleAnyway) or required (DoNotSchedule). The selector picks this
// dataflow's pods alone.
func topologySpread(s *dataflowSpec) corev1.TopologySpreadConstraintArrayInput {
	if s.topologySpread == SpreadOff {
		return nil
	}
	when := "ScheduleAnyway"
	if s.topologySpread == SpreadStrict {
		when = "DoNotSchedule"
	}
	return corev1.TopologySpreadConstraintArray{corev1.TopologySpreadConstraintArgs{
		MaxSkew:           pulumi.Int(1),
		TopologyKey:       pulumi.String(s.topologyKey),
		WhenUnsatisfiable: pulumi.String(when),
		// Nodes whose taints the pods do not tolerate are no place to
		// spread to.
		NodeTaintsPolicy: pulumi.String("Honor"),
		LabelSelector:    &metav1.LabelSelectorArgs{MatchLabels: pulumi.ToStringMap(selectorLabels(s))},
	}}
}

// tolerations are the pods' tolerations; nil when there are none.
func tolerations(list []TolerationArgs) corev1.TolerationArrayInput {
	if len(list) == 0 {
		return nil
	}
	var out corev1.TolerationArray
	for _, t := range list {
		out = append(out, corev1.TolerationArgs{
			Key:               omitEmpty(t.Key),
			Operator:          orEmptyDefault(t.Operator, "Equal"),
			Value:             omitEmpty(t.Value),
			Effect:            omitEmpty(t.Effect),
			TolerationSeconds: t.TolerationSeconds,
		})
	}
	return out
}

package components

import (
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	policyv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/policy/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// disruptionBudgetMinor is the oldest Kubernetes release (1.x) whose
// budgets honour unhealthyPodEvictionPolicy by default (beta in 1.27, GA
// in 1.31).
const disruptionBudgetMinor = 27

// disruptionBudgetArgs builds the PodDisruptionBudget of the dataflow's
// pods. Losing any process stops all of them, so no voluntary eviction of
// a Ready process is allowed: a node drain waits, visibly, until someone
// decides about the dataflow. Pods that are not Ready (a crashed or
// starting dataflow) may be evicted, so a broken dataflow never blocks a
// drain.
func disruptionBudgetArgs(s *dataflowSpec, namespace pulumi.StringInput) *policyv1.PodDisruptionBudgetArgs {
	return &policyv1.PodDisruptionBudgetArgs{
		Metadata: objectMeta(s, pulumi.String(s.name), namespace),
		Spec: &policyv1.PodDisruptionBudgetSpecArgs{
			Selector:                   &metav1.LabelSelectorArgs{MatchLabels: pulumi.ToStringMap(selectorLabels(s))},
			MaxUnavailable:             pulumi.Int(0),
			UnhealthyPodEvictionPolicy: pulumi.String("AlwaysAllow"),
		},
	}
}

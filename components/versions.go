package components

import (
	"context"

	utilversion "k8s.io/apimachinery/pkg/util/version"
)

// An API server older than a feature needs drops the fields it does not
// know, silently: the feature would seem deployed and not work. So each
// feature names the oldest Kubernetes release its fields work on, by
// default (a beta feature on), and the component refuses an older server.

// featureNeed is a feature's oldest Kubernetes minor release (1.x), and the
// fields that need it.
type featureNeed struct {
	field  string
	minor  uint
	fields string
}

// featureNeeds are the needs of the features the dataflow uses. A claim
// per process needs nothing: an API server that drops the StatefulSet's
// persistentVolumeClaimRetentionPolicy (beta in 1.27) keeps the claims
// anyway, which is what the policy asks for.
func featureNeeds(s *dataflowSpec) []featureNeed {
	var needs []featureNeed
	if s.disruptionBudget {
		needs = append(needs, featureNeed{"DisruptionBudget", disruptionBudgetMinor, "PodDisruptionBudget unhealthyPodEvictionPolicy"})
	}
	if s.batch != nil {
		needs = append(needs, featureNeed{"Batch", batchMinor, "Job backoffLimitPerIndex and maxFailedIndexes"})
	}
	return needs
}

// checkServerVersion reports each feature the cluster's API server is too
// old for.
func checkServerVersion(ctx context.Context, p *problems, s *dataflowSpec, view clusterView) {
	needs := featureNeeds(s)
	if len(needs) == 0 {
		return
	}
	v, err := view.version(ctx)
	if err != nil {
		p.add(needs[0].field, nil, "could not be checked against the API server's version: %v", err)
		return
	}
	for _, n := range needs {
		if v.LessThan(utilversion.MajorMinor(1, n.minor)) {
			p.add(n.field, nil, "needs Kubernetes 1.%d or later (%s), and %s runs %s, which would drop those fields", n.minor, n.fields, view, v)
		}
	}
}

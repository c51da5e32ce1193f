package components

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/util/validation"
)

// checkAffinity checks an affinity as the API server would, once it is
// known, so that a bad one fails before any object is applied.
func checkAffinity(v *validator, affinity corev1.AffinityPtrInput) {
	if isNil(affinity) {
		return
	}
	v.when("Affinity", func(p *problems, vals []any) {
		a, _ := vals[0].(*corev1.Affinity)
		if a == nil {
			if plain, ok := vals[0].(corev1.Affinity); ok {
				a = &plain
			}
		}
		if a == nil {
			return
		}
		if na := a.NodeAffinity; na != nil {
			field := "Affinity.NodeAffinity"
			if req := na.RequiredDuringSchedulingIgnoredDuringExecution; req != nil {
				if len(req.NodeSelectorTerms) == 0 {
					p.add(field+".RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms", "[]", "must list at least one term")
				}
				for i, term := range req.NodeSelectorTerms {
					checkNodeSelectorTerm(p, fmt.Sprintf("%s.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms[%d]", field, i), term)
				}
			}
			for i, pref := range na.PreferredDuringSchedulingIgnoredDuringExecution {
				f := fmt.Sprintf("%s.PreferredDuringSchedulingIgnoredDuringExecution[%d]", field, i)
				checkWeight(p, f+".Weight", pref.Weight)
				checkNodeSelectorTerm(p, f+".Preference", pref.Preference)
			}
		}
		for _, pa := range []struct {
			field string
			terms *corev1.PodAffinity
			anti  *corev1.PodAntiAffinity
		}{{field: "Affinity.PodAffinity", terms: a.PodAffinity}, {field: "Affinity.PodAntiAffinity", anti: a.PodAntiAffinity}} {
			var required []corev1.PodAffinityTerm
			var preferred []corev1.WeightedPodAffinityTerm
			switch {
			case pa.terms != nil:
				required, preferred = pa.terms.RequiredDuringSchedulingIgnoredDuringExecution, pa.terms.PreferredDuringSchedulingIgnoredDuringExecution
			case pa.anti != nil:
				required, preferred = pa.anti.RequiredDuringSchedulingIgnoredDuringExecution, pa.anti.PreferredDuringSchedulingIgnoredDuringExecution
			}
			for i, term := range required {
				checkPodAffinityTerm(p, fmt.Sprintf("%s.RequiredDuringSchedulingIgnoredDuringExecution[%d]", pa.field, i), term)
			}
			for i, w := range preferred {
				f := fmt.Sprintf("%s.PreferredDuringSchedulingIgnoredDuringExecution[%d]", pa.field, i)
				checkWeight(p, f+".Weight", w.Weight)
				checkPodAffinityTerm(p, f+".PodAffinityTerm", w.PodAffinityTerm)
			}
		}
	}, affinity)
}

func checkWeight(p *problems, field string, weight int) {
	if weight < 1 || weight > 100 {
		p.add(field, weight, "must be from 1 to 100")
	}
}

// nodeOperators and labelOperators are the operators of node selector and
// label selector requirements.
var (
	nodeOperators  = []string{"In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"}
	labelOperators = []string{"In", "NotIn", "Exists", "DoesNotExist"}
)

func checkNodeSelectorTerm(p *problems, field string, term corev1.NodeSelectorTerm) {
	if len(term.MatchExpressions) == 0 && len(term.MatchFields) == 0 {
		p.add(field, "{}", "must have matchExpressions or matchFields: an empty term matches no node")
	}
	for i, r := range term.MatchExpressions {
		f := fmt.Sprintf("%s.MatchExpressions[%d]", field, i)
		p.addAll(f+".Key", r.Key, validation.IsQualifiedName(r.Key))
		checkRequirement(p, f, r.Operator, r.Values, nodeOperators)
	}
	for i, r := range term.MatchFields {
		f := fmt.Sprintf("%s.MatchFields[%d]", field, i)
		if r.Key != "metadata.name" {
			p.add(f+".Key", r.Key, "must be metadata.name, the only field nodes are selected by")
		}
		if r.Operator != "In" && r.Operator != "NotIn" {
			p.add(f+".Operator", r.Operator, "must be In or NotIn")
		} else if len(r.Values) != 1 {
			p.add(f+".Values", len(r.Values), "must hold exactly one node name")
		}
	}
}

// checkRequirement checks a selector requirement's operator and values.
func checkRequirement(p *problems, field, operator string, values []string, operators []string) {
	switch {
	case !slices.Contains(operators, operator):
		p.add(field+".Operator", operator, "must be one of %s", strings.Join(operators, ", "))
	case (operator == "In" || operator == "NotIn") && len(values) == 0:
		p.add(field+".Values", "[]", "must hold at least one value with %s", operator)
	case (operator == "Exists" || operator == "DoesNotExist") && len(values) > 0:
		p.add(field+".Values", strings.Join(values, ","), "must be empty with %s", operator)
	case operator == "Gt" || operator == "Lt":
		if len(values) != 1 {
			p.add(field+".Values", strings.Join(values, ","), "must hold exactly one whole number with %s", operator)
		} else if _, err := strconv.ParseInt(values[0], 10, 64); err != nil {
			p.add(field+".Values", values[0], "must be a whole number with %s", operator)
		}
	}
	if operator != "Gt" && operator != "Lt" {
		for i, value := range values {
			p.addAll(fmt.Sprintf("%s.Values[%d]", field, i), value, validation.IsValidLabelValue(value))
		}
	}
}

func checkPodAffinityTerm(p *problems, field string, term corev1.PodAffinityTerm) {
	if term.TopologyKey == "" {
		p.add(field+".TopologyKey", "", "must name a node label, such as kubernetes.io/hostname")
	} else {
		p.addAll(field+".TopologyKey", term.TopologyKey, validation.IsQualifiedName(term.TopologyKey))
	}
	checkLabelSelector(p, field+".LabelSelector", term.LabelSelector)
	checkLabelSelector(p, field+".NamespaceSelector", term.NamespaceSelector)
	for i, ns := range term.Namespaces {
		p.addAll(fmt.Sprintf("%s.Namespaces[%d]", field, i), ns, validation.IsDNS1123Label(ns))
	}
}

func checkLabelSelector(p *problems, field string, sel *metav1.LabelSelector) {
	if sel == nil {
		return
	}
	for _, key := range sortedKeys(sel.MatchLabels) {
		p.addAll(field+".MatchLabels", key, validation.IsQualifiedName(key))
		p.addAll(field+".MatchLabels."+key, sel.MatchLabels[key], validation.IsValidLabelValue(sel.MatchLabels[key]))
	}
	for i, r := range sel.MatchExpressions {
		f := fmt.Sprintf("%s.MatchExpressions[%d]", field, i)
		p.addAll(f+".Key", r.Key, validation.IsQualifiedName(r.Key))
		checkRequirement(p, f, r.Operator, r.Values, labelOperators)
	}
}

// AffinityFrom is an affinity given as a plain value, as a pod's
// spec.affinity spells it (decoded from JSON or YAML, for instance), for
// BytewaxDataflowArgs.Affinity. Being known, it is checked up front.
func AffinityFrom(a corev1.Affinity) corev1.AffinityPtrInput {
	return knownAffinity{
		AffinityPtrOutput: pulumi.ToOutput(nil).ApplyT(func(any) corev1.Affinity { return a }).(corev1.AffinityOutput).ToAffinityPtrOutput(),
		value:             a,
	}
}

// knownAffinity is an affinity whose value the checks can see now.
type knownAffinity struct {
	corev1.AffinityPtrOutput
	value corev1.Affinity
}

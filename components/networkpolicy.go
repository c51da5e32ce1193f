package components

import (
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// networkPolicyArgs builds the NetworkPolicy of the dataflow's pods: the
// peer port only from the dataflow's own pods, the dataflow API only from
// the clients the user names, and nothing else in. Egress is left open.
func networkPolicyArgs(s *dataflowSpec, namespace pulumi.StringInput) *networkingv1.NetworkPolicyArgs {
	ownPods := &metav1.LabelSelectorArgs{MatchLabels: pulumi.ToStringMap(selectorLabels(s))}
	rules := networkingv1.NetworkPolicyIngressRuleArray{networkingv1.NetworkPolicyIngressRuleArgs{
		From: networkingv1.NetworkPolicyPeerArray{networkingv1.NetworkPolicyPeerArgs{PodSelector: ownPods}},
		Ports: networkingv1.NetworkPolicyPortArray{networkingv1.NetworkPolicyPortArgs{
			Port: pulumi.Int(s.port), Protocol: pulumi.String("TCP"),
		}},
	}}
	if s.dataflowAPI && len(s.apiFrom) > 0 {
		var from networkingv1.NetworkPolicyPeerArray
		for _, peer := range s.apiFrom {
			p := networkingv1.NetworkPolicyPeerArgs{}
			if len(peer.NamespaceLabels) > 0 {
				p.NamespaceSelector = &metav1.LabelSelectorArgs{MatchLabels: pulumi.ToStringMap(peer.NamespaceLabels)}
			}
			if len(peer.PodLabels) > 0 {
				p.PodSelector = &metav1.LabelSelectorArgs{MatchLabels: pulumi.ToStringMap(peer.PodLabels)}
			} else if p.NamespaceSelector != nil {
				// Every pod of the selected namespaces.
				p.PodSelector = &metav1.LabelSelectorArgs{}
			}
			from = append(from, p)
		}
		rules = append(rules, networkingv1.NetworkPolicyIngressRuleArgs{
			From: from,
			Ports: networkingv1.NetworkPolicyPortArray{networkingv1.NetworkPolicyPortArgs{
				Port: pulumi.Int(s.dataflowAPIPort), Protocol: pulumi.String("TCP"),
			}},
		})
	}
	return &networkingv1.NetworkPolicyArgs{
		Metadata: objectMeta(s, pulumi.String(s.name), namespace),
		Spec: &networkingv1.NetworkPolicySpecArgs{
			PodSelector: ownPods,
			PolicyTypes: pulumi.StringArray{pulumi.String("Ingress")},
			Ingress:     rules,
		},
	}
}

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
			from = append(from, networkPeer(peer))
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

// networkPeer selects the pods with PodLabels in the namespaces with
// NamespaceLabels: without NamespaceLabels, the dataflow's namespace;
// without PodLabels, every pod of the selected namespaces. The labels may
// be outputs, so the peer's shape is decided as they resolve; an empty map
// never becomes a selector, which would select everything.
func networkPeer(peer NetworkPeerArgs) networkingv1.NetworkPolicyPeerOutput {
	labels := func(in pulumi.StringMapInput) pulumi.StringMapOutput {
		if isNil(in) {
			return pulumi.StringMap{}.ToStringMapOutput()
		}
		return in.ToStringMapOutput()
	}
	return pulumi.All(labels(peer.NamespaceLabels), labels(peer.PodLabels)).ApplyT(func(v []any) networkingv1.NetworkPolicyPeer {
		namespaces, pods := v[0].(map[string]string), v[1].(map[string]string)
		var p networkingv1.NetworkPolicyPeer
		if len(namespaces) > 0 {
			p.NamespaceSelector = &metav1.LabelSelector{MatchLabels: namespaces}
		}
		if len(pods) > 0 {
			p.PodSelector = &metav1.LabelSelector{MatchLabels: pods}
		} else if p.NamespaceSelector != nil {
			p.PodSelector = &metav1.LabelSelector{}
		}
		return p
	}).(networkingv1.NetworkPolicyPeerOutput)
}

package components

import (
	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// BytewaxDataflowType is the component's type token; it is part of every
// URN of the component and its children, so it never changes.
const BytewaxDataflowType = "bytewax:index:BytewaxDataflow"

// BytewaxDataflow is a Bytewax dataflow running on Kubernetes as a cluster of
// processes. Its outputs can be passed to other resources and exported.
type BytewaxDataflow struct {
	pulumi.ResourceState

	// NamespaceName is the namespace the dataflow runs in.
	NamespaceName pulumi.StringOutput `pulumi:"namespaceName"`
	// StatefulSetName is the name of the StatefulSet, and the prefix of its
	// pods' names.
	StatefulSetName pulumi.StringOutput `pulumi:"statefulSetName"`
	// ServiceName is the name of the headless Service.
	ServiceName pulumi.StringOutput `pulumi:"serviceName"`
	// ConfigMapName is the name of the ConfigMap holding the files.
	ConfigMapName pulumi.StringOutput `pulumi:"configMapName"`
	// ServiceAccountName is the account the pods run as.
	ServiceAccountName pulumi.StringOutput `pulumi:"serviceAccountName"`
	// PeerAddresses are the processes' addresses, the hostfile's lines.
	PeerAddresses pulumi.StringArrayOutput `pulumi:"peerAddresses"`

	// Namespace is the created Namespace; nil with ExistingNamespace.
	Namespace *corev1.Namespace
	// ConfigMap holds the dataflow's files.
	ConfigMap *corev1.ConfigMap
	// Service is the headless Service.
	Service *corev1.Service
	// StatefulSet runs the processes.
	StatefulSet *appsv1.StatefulSet
	// ServiceAccount is the created account; nil with ServiceAccount.Existing.
	ServiceAccount *corev1.ServiceAccount
	// RegistrySecret is the created pull secret; nil without
	// RegistryCredentials.
	RegistrySecret *corev1.Secret
}

// NewBytewaxDataflow validates args, then registers the dataflow and its
// Kubernetes objects as children of one component. Invalid args return a
// *ValidationError before anything is registered. The options apply to the
// component; children inherit its provider(s), protection, aliases and
// transforms through their parent.
func NewBytewaxDataflow(ctx *pulumi.Context, name string, args *BytewaxDataflowArgs, opts ...pulumi.ResourceOption) (*BytewaxDataflow, error) {
	s, err := resolve(name, args)
	if err != nil {
		return nil, err
	}
	d := &BytewaxDataflow{}
	if err := ctx.RegisterComponentResource(BytewaxDataflowType, name, d, opts...); err != nil {
		return nil, err
	}
	// Children are named after the component, so that several dataflows in
	// one stack never share a URN.
	child := pulumi.Parent(d)

	var namespace pulumi.StringInput = pulumi.String(s.namespace)
	if s.createNamespace {
		if d.Namespace, err = corev1.NewNamespace(ctx, name, namespaceArgs(s), child); err != nil {
			return nil, err
		}
		namespace = d.Namespace.Metadata.Name().Elem()
	}
	d.NamespaceName = namespace.ToStringOutput()

	if s.registryCredentials != nil {
		if d.RegistrySecret, err = corev1.NewSecret(ctx, name, registrySecretArgs(s, namespace), child); err != nil {
			return nil, err
		}
	}
	pullSecrets := pullSecretRefs(s, d.RegistrySecret)

	var serviceAccount pulumi.StringInput = pulumi.String(s.serviceAccountName)
	if s.createServiceAccount {
		if d.ServiceAccount, err = corev1.NewServiceAccount(ctx, name, serviceAccountArgs(s, namespace, pullSecrets), child); err != nil {
			return nil, err
		}
		// Referencing the account through its resource makes the
		// StatefulSet wait for it: without the account, the controller's
		// first attempts to create pods fail.
		serviceAccount = d.ServiceAccount.Metadata.Name().Elem()
	}
	d.ServiceAccountName = serviceAccount.ToStringOutput()

	if d.ConfigMap, err = corev1.NewConfigMap(ctx, name, configMapArgs(s, namespace), child); err != nil {
		return nil, err
	}
	d.ConfigMapName = d.ConfigMap.Metadata.Name().Elem()

	if d.Service, err = corev1.NewService(ctx, name, serviceArgs(s, namespace), child); err != nil {
		return nil, err
	}
	d.ServiceName = d.Service.Metadata.Name().Elem()

	d.StatefulSet, err = appsv1.NewStatefulSet(ctx, name, statefulSetArgs(s, statefulSetInputs{
		namespace:      namespace,
		configMap:      d.ConfigMapName,
		service:        d.ServiceName,
		serviceAccount: serviceAccount,
		pullSecrets:    pullSecrets,
	}), child)
	if err != nil {
		return nil, err
	}
	d.StatefulSetName = d.StatefulSet.Metadata.Name().Elem()

	d.PeerAddresses = pulumi.All(d.StatefulSetName, d.ServiceName, d.NamespaceName).ApplyT(
		func(names []any) []string {
			return peerAddresses(names[0].(string), names[1].(string), names[2].(string), s.clusterDomain, s.port, s.processes)
		}).(pulumi.StringArrayOutput)

	if err := ctx.RegisterResourceOutputs(d, pulumi.Map{
		"namespaceName":      d.NamespaceName,
		"statefulSetName":    d.StatefulSetName,
		"serviceName":        d.ServiceName,
		"configMapName":      d.ConfigMapName,
		"serviceAccountName": d.ServiceAccountName,
		"peerAddresses":      d.PeerAddresses,
	}); err != nil {
		return nil, err
	}
	return d, nil
}

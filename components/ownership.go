package components

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// A stack owns only what it created. The Kubernetes provider creates by
// upsert: an object of the same name made by Helm, kubectl or another
// stack would be taken over, and deleted by destroy. So every object the
// component creates carries its stack's name, and before anything is
// applied each one the dataflow would create is looked up: one that exists
// and is not the stack's own is an error naming it and the way out.

// Annotations the component writes on every object it creates, never on the
// pod template: a new release must not restart every dataflow.
const (
	// stackAnnotation is the fully qualified name of the stack that
	// created the object.
	stackAnnotation = "bytewax.io/stack"
	// versionAnnotation is the release of the component that last wrote
	// the object.
	versionAnnotation = "bytewax.io/component-version"
)

// stackName is the fully qualified name of the program's stack.
func stackName(ctx *pulumi.Context) string {
	return ctx.Organization() + "/" + ctx.Project() + "/" + ctx.Stack()
}

// ownerMarks are the annotations that make an object the stack's.
func ownerMarks(s *dataflowSpec) map[string]string {
	return map[string]string{stackAnnotation: s.stack, versionAnnotation: Version}
}

// checkOwnership reports each object the dataflow would create that exists
// on the cluster and is not its stack's. An object that cannot be read is
// reported with the reason: the check never passes by default.
func checkOwnership(ctx context.Context, p *problems, s *dataflowSpec, view clusterView) {
	keys := ownedObjects(s)
	found := make([]*metav1.PartialObjectMetadata, len(keys))
	failed := make([]error, len(keys))
	var wg sync.WaitGroup
	for i, k := range keys {
		wg.Go(func() { found[i], failed[i] = view.object(ctx, k) })
	}
	wg.Wait()
	for i, k := range keys {
		if failed[i] != nil {
			p.add(ownerField(s, k), k.name, "could not be checked for an object of that name that the stack did not create, which the component would take over: %v", failed[i])
			continue
		}
		if found[i] == nil {
			continue
		}
		if owner, foreign := foreignOwner(found[i], k.kind, s.stack, s.name); foreign {
			p.add(ownerField(s, k), k.name, "%s", takeOverMessage(s, k, owner, view))
		}
	}
}

// foreignOwner says who made an existing object of a kind, and whether
// that is not the stack. An object without the stack's mark was made by an
// earlier release, which marked nothing, when it has the labels that
// release gave (those of the dataflow named instance; a namespace's, Pod
// Security's) and the Kubernetes provider's field manager: the next up
// marks it. Two stacks of earlier releases that deployed one dataflow name
// to one namespace each overwrote the other's objects already; the mark
// keeps a third from doing so.
func foreignOwner(obj *metav1.PartialObjectMetadata, kind, stack, instance string) (string, bool) {
	switch mark := obj.Annotations[stackAnnotation]; {
	case mark == stack:
		return "", false
	case mark != "":
		return fmt.Sprintf("stack %s's", mark), true
	}
	if madeByEarlierRelease(obj.Labels, obj.ManagedFields, kind, instance) {
		return "", false
	}
	return madeBy(obj), true
}

// madeByEarlierRelease reports whether an unmarked object has what an
// earlier release of the component gave every object it made: the
// provider's label and field manager, and the component's own labels
// (which any Pulumi program's objects would not have: the provider labels
// all of them managed-by pulumi). A namespace must have them too: one made
// by a stack program of an earlier release for the dataflows it listed has
// only Pod Security's, as any hardened namespace does, and is refused with
// the command that marks it.
func madeByEarlierRelease(labels map[string]string, fields []metav1.ManagedFieldsEntry, kind, instance string) bool {
	provider := false
	for _, f := range fields {
		provider = provider || strings.HasPrefix(f.Manager, "pulumi-kubernetes")
	}
	ours := provider && labels[labelManagedBy] == "pulumi" && labels[labelName] == "bytewax" && labels[labelComponent] == "dataflow"
	if kind == "Namespace" {
		return ours && labels["pod-security.kubernetes.io/enforce"] == "restricted"
	}
	return ours && labels[labelInstance] == instance
}

// recordIsOwn reports whether a record the component reads back (a whole
// object, as JSON values) is the stack's own: another's is never trusted,
// and its ownership check refuses it.
func recordIsOwn(obj map[string]any, kind, stack, instance string) bool {
	raw, err := json.Marshal(obj["metadata"])
	if err != nil {
		return false
	}
	var meta metav1.ObjectMeta
	if json.Unmarshal(raw, &meta) != nil {
		return false
	}
	_, foreign := foreignOwner(&metav1.PartialObjectMetadata{ObjectMeta: meta}, kind, stack, instance)
	return !foreign
}

// madeBy describes who made an object, as far as its metadata tells.
func madeBy(obj *metav1.PartialObjectMetadata) string {
	if release := obj.Annotations["meta.helm.sh/release-name"]; release != "" {
		return fmt.Sprintf("Helm release %q's", release)
	}
	if by := obj.Labels[labelManagedBy]; by != "" {
		return fmt.Sprintf("managed by %s (%s), not by this stack", by, labelManagedBy)
	}
	managers := map[string]bool{}
	for _, f := range obj.ManagedFields {
		managers[f.Manager] = true
	}
	if len(managers) > 0 {
		return fmt.Sprintf("written by %s, not by this stack", strings.Join(slices.Sorted(maps.Keys(managers)), ", "))
	}
	return "not made by this stack"
}

// OwnerAnnotations returns the annotations that mark an object as made by
// the program's stack, which every object the component creates carries:
// a program that creates an object beside the component's, such as a
// namespace its dataflows share, marks it with them.
func OwnerAnnotations(ctx *pulumi.Context) map[string]string {
	return ownerMarks(&dataflowSpec{stack: stackName(ctx)})
}

// CheckNamespaceCreated returns an error, before anything is applied, when
// a namespace the program is to create, marked with OwnerAnnotations,
// exists on the cluster and is not the stack's own: creating it would take
// it over, and destroy would delete it with everything in it. It reads the
// cluster the default Kubernetes provider reaches (the stack's
// kubernetes:kubeconfig, kubernetes:context and kubernetes:cluster, then
// $KUBECONFIG); with an explicit provider, use CheckedNamespaceName. Under
// Pulumi's mocks, it reads only a cluster bytewaxtest.WithCluster gives.
func CheckNamespaceCreated(ctx *pulumi.Context, namespace string) error {
	return checkNewNamespace(ctx, defaultClusterSettings(ctx), namespace)
}

// CheckedNamespaceName returns the name of a namespace the program is to
// create, to pass as its Name: it resolves once the cluster the options'
// Kubernetes provider reaches has been checked as CheckNamespaceCreated
// does, and fails the deployment, before the namespace is applied, when
// one of that name exists and is not the stack's own. An explicit
// provider's settings are known once the engine has registered it, so the
// check runs during up.
func CheckedNamespaceName(ctx *pulumi.Context, namespace string, opts ...pulumi.ResourceOption) pulumi.StringOutput {
	if !clusterUnderMocks(ctx) {
		return pulumi.String(namespace).ToStringOutput()
	}
	var settings pulumi.StringArrayOutput
	if provider := explicitProvider(opts); provider != nil && !ctx.RunningWithMocks() {
		settings = providerSettings(ctx, provider)
	} else {
		settings = pulumi.ToStringArray(defaultClusterSettings(ctx).list()).ToStringArrayOutput()
	}
	// The name is no secret, whatever the provider's kubeconfig is.
	return pulumi.Unsecret(settings.ApplyT(func(got []string) (string, error) {
		resolved, ok := settingsFrom(got)
		if !ok {
			return "", fmt.Errorf("namespace %q could not be checked: the Kubernetes provider's settings could not be read from the engine", namespace)
		}
		return namespace, checkNewNamespace(ctx, resolved, namespace)
	})).(pulumi.StringOutput)
}

// checkNewNamespace is the check of CheckNamespaceCreated, on the cluster
// the settings pick.
func checkNewNamespace(ctx *pulumi.Context, settings clusterSettings, namespace string) error {
	view, err := viewOf(ctx, settings)
	if err != nil {
		return fmt.Errorf("namespace %q could not be checked for being another's, which creating it would take over: %w", namespace, err)
	}
	if view == nil {
		return nil
	}
	k := objectKey{kind: "Namespace", name: namespace}
	obj, err := view.object(ctx.Context(), k)
	if err != nil {
		return fmt.Errorf("namespace %q could not be checked for being another's, which creating it would take over: %w", namespace, err)
	}
	if obj == nil {
		return nil
	}
	s := &dataflowSpec{stack: stackName(ctx)}
	if owner, foreign := foreignOwner(obj, k.kind, s.stack, ""); foreign {
		return errors.New(takeOverMessage(s, k, owner, view))
	}
	return nil
}

// takeOverMessage says what exists, whose it is, and the ways out.
func takeOverMessage(s *dataflowSpec, k objectKey, owner string, view clusterView) string {
	where := "-n " + k.namespace + " "
	if k.namespace == "" {
		where = ""
	}
	mark := fmt.Sprintf("if it is this stack's own, mark it with kubectl annotate --overwrite %s%s %s %s=%s", where, strings.ToLower(k.kind), k.name, stackAnnotation, s.stack)
	switch k.kind {
	case "Namespace":
		return fmt.Sprintf("namespace %q exists on %s and is %s: creating it would take it over, and destroy would delete it with everything in it; deploy into it as it is (CreateNamespace false: the component then never labels or deletes it), or name another namespace (%s)", k.name, view, owner, mark)
	default:
		return fmt.Sprintf("%s exists on %s and is %s: deploying would take it over, and destroy would delete it; give the dataflow another Name or Namespace, or delete that object if it is yours to delete (%s)", k, view, owner, mark)
	}
}

// ownerField is the field of the args that names an object.
func ownerField(s *dataflowSpec, k objectKey) string {
	switch {
	case k.kind == "Namespace":
		return "CreateNamespace"
	case k.kind == "ServiceAccount":
		return "ServiceAccount.Name"
	case k.kind == "Secret" && k.name != s.envSecretName():
		return "RegistryCredentials.SecretName"
	default:
		return "Name"
	}
}

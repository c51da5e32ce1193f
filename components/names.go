package components

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// objectKey names a Kubernetes object: kind, namespace ("" for a
// Namespace) and name.
type objectKey struct{ kind, namespace, name string }

func (k objectKey) String() string {
	if k.namespace == "" {
		return fmt.Sprintf("%s %s", k.kind, k.name)
	}
	return fmt.Sprintf("%s %s/%s", k.kind, k.namespace, k.name)
}

// objectsInUse remembers, per program run, which dataflow creates each
// object whose name is known before registration: two dataflows writing
// one object would overwrite each other, and destroying one would delete
// the other's.
var objectsInUse perRun[map[objectKey]string]

// namespaceNames remembers, per program run, the namespace each
// dataflow's NamespaceName stands for, when it was known as the dataflow
// was made.
var namespaceNames perRun[map[pulumi.StringOutput]string]

// rememberNamespace records what a NamespaceName output stands for.
func rememberNamespace(ctx *pulumi.Context, out pulumi.StringOutput, namespace string) {
	namespaceNames.update(ctx, func(names *map[pulumi.StringOutput]string) {
		if *names == nil {
			*names = map[pulumi.StringOutput]string{}
		}
		(*names)[out] = namespace
	})
}

// namespaceOf is the namespace an input stands for: another dataflow's
// NamespaceName, as rememberNamespace recorded it.
func namespaceOf(ctx *pulumi.Context, in pulumi.StringInput) (namespace string, ok bool) {
	out, isOutput := in.(pulumi.StringOutput)
	if !isOutput || ctx == nil {
		return "", false
	}
	namespaceNames.update(ctx, func(names *map[pulumi.StringOutput]string) {
		namespace, ok = (*names)[out]
	})
	return namespace, ok
}

// ownedObjects are the objects the dataflow creates whose names are known
// now. Objects named by outputs are left out.
func ownedObjects(s *dataflowSpec) []objectKey {
	ns, known := knownString(s.namespace)
	if !known {
		return nil
	}
	keys := []objectKey{
		{"Service", ns, s.name},
		{"ConfigMap", ns, s.name},
	}
	// A batch makes no StatefulSet (its own running one is refused by
	// withRecordedBatch).
	if s.batch == nil {
		keys = append([]objectKey{{"StatefulSet", ns, s.name}}, keys...)
	}
	if s.networkPolicy {
		keys = append(keys, objectKey{"NetworkPolicy", ns, s.name})
	}
	if s.disruptionBudget {
		keys = append(keys, objectKey{"PodDisruptionBudget", ns, s.name})
	}
	if s.podMonitor != nil {
		keys = append(keys, objectKey{"PodMonitor", ns, s.name})
	}
	if s.createNamespace {
		keys = append(keys, objectKey{"Namespace", "", ns})
	}
	if s.batch != nil {
		keys = append(keys, objectKey{"Job", ns, s.podPrefix()}, objectKey{"ConfigMap", ns, s.batchRecordName()})
	}
	if s.recovery != nil {
		keys = append(keys, objectKey{"ConfigMap", ns, s.recoveryName()})
		if s.recovery.layout == RecoverySharedClaim {
			keys = append(keys, objectKey{"PersistentVolumeClaim", ns, s.recoveryName()})
		}
	}
	if name, ok := knownString(s.serviceAccountName); ok && s.createServiceAccount {
		keys = append(keys, objectKey{"ServiceAccount", ns, name})
	}
	if len(s.secretEnv) > 0 {
		keys = append(keys, objectKey{"Secret", ns, s.envSecretName()})
	}
	if s.registry != nil {
		if name, ok := knownString(s.registry.secretName); ok {
			keys = append(keys, objectKey{"Secret", ns, name})
		}
	}
	return keys
}

// checkObjectsInUse reports objects the dataflow would create that another
// dataflow of the same run creates already, or that it would create twice,
// and claims them when claim is set.
func checkObjectsInUse(ctx *pulumi.Context, p *problems, s *dataflowSpec, claim bool) {
	keys := ownedObjects(s)
	if duplicated(p, keys) || ctx == nil || len(keys) == 0 {
		return
	}
	objectsInUse.update(ctx, func(owners *map[objectKey]string) {
		if reportClashes(p, s, keys, *owners) || !claim {
			return
		}
		if *owners == nil {
			*owners = map[objectKey]string{}
		}
		for _, k := range keys {
			(*owners)[k] = s.resource
		}
	})
}

// duplicated reports an object the dataflow would create twice.
func duplicated(p *problems, keys []objectKey) bool {
	seen := map[objectKey]bool{}
	for _, k := range keys {
		if seen[k] {
			p.add("RegistryCredentials.SecretName", k.name, "is the name of the Secret the component keeps the secret env values in; name the pull secret otherwise")
			return true
		}
		seen[k] = true
	}
	return false
}

// reportClashes reports the dataflow's objects that owners, keyed by
// object, give to another dataflow; true when there is one.
func reportClashes(p *problems, s *dataflowSpec, keys []objectKey, owners map[objectKey]string) bool {
	clashed := false
	for _, k := range keys {
		other, taken := owners[k]
		if !taken || other == s.resource {
			continue
		}
		clashed = true
		switch k.kind {
		case "StatefulSet":
			p.add("Name", s.name, "is already the name of dataflow %q in namespace %q of this program: both would write the same StatefulSet, Service and ConfigMap; give one another Name or Namespace", other, k.namespace)
			return true
		case "Namespace":
			p.add("CreateNamespace", k.name, "namespace %q is created by dataflow %q already, and destroying one would delete the other's; create it once and pass that dataflow's NamespaceName to the others", k.name, other)
		case "ServiceAccount":
			p.add("ServiceAccount.Name", k.name, "account %q is created by dataflow %q already; share it with Existing, or name another", k.name, other)
		case "Secret":
			p.add("RegistryCredentials.SecretName", k.name, "secret %q is created by dataflow %q already; name another", k.name, other)
		default:
			// The recovery objects, <name>-recovery, may be another
			// dataflow's own objects.
			p.add("Name", s.name, "%s %q in namespace %q is dataflow %q's already; give one of them another Name or Namespace", k.kind, k.name, k.namespace, other)
		}
	}
	return clashed
}

package stack

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/pulumi-bytewax/pulumi-bytewax/components"
)

// dataflowsKey lists a stack's dataflows, keyed by name. Without it, the
// stack's top-level keys describe its one dataflow.
const dataflowsKey = "dataflows"

// entrySource is one entry of the dataflows object, over the stack-wide
// keys: a key the entry sets wins, any other is the stack's. Errors name
// the entry's keys as dataflows.<name>.<key>.
type entrySource struct {
	name string
	// values are the entry's own keys, as the engine hands values to
	// programs: text, with lists and objects as JSON.
	values map[string]string
	// secrets are the entry's keys whose values are secrets.
	secrets map[string]bool
	// secretAsAWhole: the dataflows object is secret and comes from
	// outside the stack file, so which of its values are secret is not
	// known, and all of them are taken as secret.
	secretAsAWhole bool
	parent         configSource
}

func (e entrySource) get(key string) (string, bool) {
	if key == "name" {
		return e.name, true
	}
	if v, ok := e.values[key]; ok {
		return v, true
	}
	return e.parent.get(key)
}

func (e entrySource) secret(key string) bool {
	if key == "name" {
		return false
	}
	if _, ok := e.values[key]; ok {
		return e.secrets[key]
	}
	return e.parent.secret(key)
}

func (e entrySource) fullKey(key string) string {
	if key == "name" {
		return Namespace + ":" + dataflowsKey + "." + e.name
	}
	if _, ok := e.values[key]; ok {
		return Namespace + ":" + dataflowsKey + "." + e.name + "." + key
	}
	return e.parent.fullKey(key)
}

// perDataflowOnly are the top-level keys an entry cannot set: its name is
// its key in the dataflows object.
var perDataflowOnly = []string{"name", dataflowsKey}

// readEntries reads the dataflows object into one source per entry, sorted
// by name; nil when the stack does not list its dataflows.
func readEntries(top *reader, file *stackFile, declared map[string]bool) []entrySource {
	raw, ok := top.value(dataflowsKey)
	if !ok || strings.TrimSpace(raw) == "{}" || raw == "null" {
		return nil
	}
	var entries map[string]map[string]json.RawMessage
	top.observe(dataflowsKey, &entries)
	if err := json.Unmarshal([]byte(raw), &entries); err != nil {
		top.fail(dataflowsKey, "must be an object of dataflows keyed by name, each an object of the per-dataflow keys (%s)", jsonError(err, top.src.secret(dataflowsKey)))
		return nil
	}
	if len(entries) == 0 {
		return nil
	}
	if file != nil && file.keys["name"] {
		top.fail("name", "names the one dataflow of a stack without dataflows; with %s, each entry's key is its name: remove %s (in %s)", Namespace+":"+dataflowsKey, Namespace+":name", file.name)
	}
	known := map[string]bool{}
	for k := range declared {
		if !slices.Contains(perDataflowOnly, k) {
			known[k] = true
		}
	}
	wholeSecret := top.src.secret(dataflowsKey)
	names := slices.Sorted(maps.Keys(entries))
	out := make([]entrySource, 0, len(names))
	for _, name := range names {
		if name == "" {
			// Never the default name: it would be another entry's.
			top.fail(dataflowsKey, "has an entry without a name: each entry's key is its dataflow's name, a DNS label such as \"orders\"")
			continue
		}
		e := entrySource{name: name, values: map[string]string{}, secrets: map[string]bool{}, parent: top.src}
		for _, key := range slices.Sorted(maps.Keys(entries[name])) {
			full := Namespace + ":" + dataflowsKey + "." + name + "." + key
			if !known[key] {
				if slices.Contains(perDataflowOnly, key) {
					top.report.add(full, "cannot be set in an entry: the entry's key, %q, is the dataflow's name", name)
				} else {
					top.report.add(full, "is not a key of a dataflow%s", suggestion(key, known))
				}
				continue
			}
			text, isNull := entryText(entries[name][key])
			if isNull {
				// A null is unset, as at the top level.
				continue
			}
			e.values[key] = text
			// The stack file tells which values were set with --secret;
			// for config from elsewhere, any secret makes all of them so.
			if file != nil && file.entrySecrets != nil {
				e.secrets[key] = file.entrySecrets[name][key]
			} else {
				e.secrets[key] = wholeSecret
				e.secretAsAWhole = wholeSecret
			}
		}
		out = append(out, e)
	}
	return out
}

// entryText is a JSON value as the engine would hand it to a program: a
// string as its text, anything else as JSON.
func entryText(raw json.RawMessage) (string, bool) {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, false
	}
	if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return "", true
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, raw); err != nil {
		return string(raw), false
	}
	return compact.String(), false
}

// containsSecure reports whether a value of a stack file holds an
// encrypted value ({secure: ...}) anywhere.
func containsSecure(v any) bool {
	switch v := v.(type) {
	case map[string]any:
		if _, ok := v["secure"]; ok && len(v) == 1 {
			return true
		}
		for _, e := range v {
			if containsSecure(e) {
				return true
			}
		}
	case []any:
		for _, e := range v {
			if containsSecure(e) {
				return true
			}
		}
	}
	return false
}

// namespacePlan is what the stack creates for its dataflows' namespaces,
// read and checked with the rest of the config, before anything is
// registered.
type namespacePlan struct {
	// askedBy: the dataflows that ask to create each namespace.
	askedBy map[string][]string
	// holdsClaims: the namespaces with recovery claims.
	holdsClaims map[string]bool
	// labels are the stack-wide labels, which the namespaces carry.
	labels map[string]string
}

// planNamespaces reads which namespaces the stack creates. Dataflows that
// share a namespace must agree on creating it: the stack creates it while
// any of them asks, so removing those that ask would delete it, and every
// object in it, under those that do not.
func planNamespaces(top *reader, dfs []*dataflowConfig) *namespacePlan {
	plan := &namespacePlan{askedBy: map[string][]string{}, holdsClaims: map[string]bool{}, labels: map[string]string{}}
	for _, df := range dfs {
		if df.args.CreateNamespace {
			plan.askedBy[df.namespace] = append(plan.askedBy[df.namespace], df.name)
		}
		if df.args.Recovery != nil {
			plan.holdsClaims[df.namespace] = true
		}
	}
	// The component is not asked to create listed dataflows' namespaces,
	// so its check of what may be created is made here.
	for _, df := range dfs {
		var fe *components.FieldError
		if err := components.CheckNamespaceCreation(df.namespace); df.args.CreateNamespace && errors.As(err, &fe) {
			fe.Field = df.configKey(fe.Field)
			top.report.lines = append(top.report.lines, fe.Error())
		}
	}
	inherited := false
	for _, df := range dfs {
		if e, ok := df.src.(entrySource); ok {
			if _, own := e.values["labels"]; !own {
				inherited = true
			}
		}
		if askers := plan.askedBy[df.namespace]; len(askers) > 0 && !df.args.CreateNamespace {
			// Named in the entry, whether it has the key or takes the
			// stack's: that is where it is set to agree.
			top.report.add(Namespace+":"+dataflowsKey+"."+df.name+".createNamespace", "must be true, as for %s, which deploy into namespace %q too: the stack creates the namespace while any of its dataflows asks, so removing those would delete it, and this dataflow's objects with it (got false)",
				strings.Join(askers, ", "), df.namespace)
		}
	}
	var labels map[string]scalar
	top.decode("labels", "an object of strings", &labels)
	for key, value := range labels {
		plan.labels[key] = string(value)
	}
	// A dataflow that takes the stack-wide labels has them checked by the
	// component; otherwise they are checked here, for the namespaces.
	if !inherited && len(plan.askedBy) > 0 {
		for _, key := range slices.Sorted(maps.Keys(plan.labels)) {
			for _, msg := range validation.IsQualifiedName(key) {
				top.fail("labels", "%s, for the namespaces the stack creates (got %q)", msg, key)
			}
			for _, msg := range validation.IsValidLabelValue(plan.labels[key]) {
				top.fail("labels", "%s, for the namespaces the stack creates (got %q for %s)", msg, plan.labels[key], key)
			}
		}
	}
	return plan
}

// stackNamespaces creates, once per stack, each namespace that one of its
// dataflows asks to create, so that no dataflow owns a namespace others
// use. A namespace a dataflow created when the stack had one dataflow is
// taken over without being replaced, through an alias.
func stackNamespaces(ctx *pulumi.Context, plan *namespacePlan) (map[string]*corev1.Namespace, error) {
	out := map[string]*corev1.Namespace{}
	for _, ns := range slices.Sorted(maps.Keys(plan.askedBy)) {
		var aliases []pulumi.Alias
		for _, name := range plan.askedBy[ns] {
			aliases = append(aliases, pulumi.Alias{URN: pulumi.URN(fmt.Sprintf("urn:pulumi:%s::%s::%s$kubernetes:core/v1:Namespace::%s",
				ctx.Stack(), ctx.Project(), components.BytewaxDataflowType, name))})
		}
		nsLabels := maps.Clone(plan.labels)
		nsLabels["app.kubernetes.io/managed-by"] = "pulumi"
		maps.Copy(nsLabels, components.RestrictedPodSecurityLabels())
		res, err := corev1.NewNamespace(ctx, ns, &corev1.NamespaceArgs{
			Metadata: &metav1.ObjectMetaArgs{
				Name:        pulumi.String(ns),
				Labels:      pulumi.ToStringMap(nsLabels),
				Annotations: pulumi.ToStringMap(components.OwnerAnnotations(ctx)),
			},
		}, pulumi.Aliases(aliases),
			// Deleting a namespace deletes its claims whatever their
			// policy, so one holding recovery claims is left by destroy.
			pulumi.RetainOnDelete(plan.holdsClaims[ns]))
		if err != nil {
			return nil, err
		}
		out[ns] = res
	}
	return out, nil
}

// exportDataflows exports each dataflow's names and peers under its name.
func exportDataflows(ctx *pulumi.Context, deployed map[string]*components.BytewaxDataflow) {
	names := make([]string, 0, len(deployed))
	for name := range deployed {
		names = append(names, name)
	}
	sort.Strings(names)
	out := pulumi.Map{}
	for _, name := range names {
		out[name] = dataflowOutputs(deployed[name])
	}
	ctx.Export(dataflowsKey, out)
}

// dataflowOutputs are the outputs of one dataflow, under the names a stack
// of one dataflow exports them.
func dataflowOutputs(d *components.BytewaxDataflow) pulumi.Map {
	out := pulumi.Map{
		"namespace":      d.NamespaceName,
		"statefulSet":    d.StatefulSetName,
		"service":        d.ServiceName,
		"configMap":      d.ConfigMapName,
		"serviceAccount": d.ServiceAccountName,
		"peerAddresses":  d.PeerAddresses,
	}
	if rec := recoveryExport(d); rec != nil {
		out[recoveryOutput] = rec
	}
	if b := batchExport(d); b != nil {
		// A batch runs as a Job, not a StatefulSet.
		delete(out, "statefulSet")
		out[batchOutput] = b
	}
	return out
}

// setInStackFile reports whether the stack file sets a key for a dataflow:
// in its entry, or at the top level.
func setInStackFile(src configSource, file *stackFile, key string) bool {
	if e, ok := src.(entrySource); ok {
		if _, own := e.values[key]; own {
			return true
		}
	}
	return file != nil && file.keys[key]
}

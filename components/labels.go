package components

import (
	"maps"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/util/validation"
)

// The recommended labels (kubernetes.io/docs/concepts/overview/working-with-objects/common-labels).
const (
	labelName      = "app.kubernetes.io/name"
	labelInstance  = "app.kubernetes.io/instance"
	labelVersion   = "app.kubernetes.io/version"
	labelComponent = "app.kubernetes.io/component"
	labelManagedBy = "app.kubernetes.io/managed-by"
)

// Annotations of the pod template. Each changes whenever what it stands
// for does, which makes the StatefulSet roll its pods.
const (
	// filesChecksumAnnotation is a checksum of the dataflow's files.
	filesChecksumAnnotation = "bytewax.io/files-checksum"
	// envSecretVersionAnnotation is the UID of the env Secret, which is
	// immutable and so replaced, with a new UID, whenever a value changes:
	// it changes with the values without revealing anything of them.
	envSecretVersionAnnotation = "bytewax.io/env-secret-version"
)

// The provider's annotations that decide how long an up waits for an
// object: not at all, or until a JSONPath matches.
const (
	skipAwaitAnnotation = "pulumi.com/skipAwait"
	waitForAnnotation   = "pulumi.com/waitFor"
)

// selectorLabels pick the dataflow's pods. They are immutable on a
// StatefulSet, so they hold only what never changes: the app and the name.
func selectorLabels(s *dataflowSpec) map[string]string {
	return map[string]string{labelName: "bytewax", labelInstance: s.name}
}

// objectLabels go on every object the component creates: the user's, the
// selector, and the recommended labels, with the image tag as the version
// when it is a valid label value.
func objectLabels(s *dataflowSpec) pulumi.StringMapInput {
	return pulumi.All(mapOrEmpty(s.labels), stringOr(s.image.tag, "")).ApplyT(func(v []any) map[string]string {
		out := merged(asMap(v[0]), selectorLabels(s))
		out[labelComponent] = "dataflow"
		out[labelManagedBy] = "pulumi"
		if tag := v[1].(string); tag != "" && len(validation.IsValidLabelValue(tag)) == 0 {
			out[labelVersion] = tag
		}
		return out
	}).(pulumi.StringMapOutput)
}

// objectAnnotations go on every object the component creates: the user's,
// the stack's marks (ownership.go), and the given ones, which tell the
// provider how to await the object.
func objectAnnotations(s *dataflowSpec, await map[string]string) pulumi.StringMapInput {
	return pulumi.All(mapOrEmpty(s.annotations)).ApplyT(func(v []any) map[string]string {
		return merged(asMap(v[0]), ownerMarks(s), await)
	}).(pulumi.StringMapOutput)
}

// podLabels go on the pods: the user's labels, those for pods alone, and
// the selector.
func podLabels(s *dataflowSpec) pulumi.StringMapInput {
	return pulumi.All(mapOrEmpty(s.labels), mapOrEmpty(s.podLabels)).ApplyT(func(v []any) map[string]string {
		return merged(asMap(v[0]), asMap(v[1]), selectorLabels(s))
	}).(pulumi.StringMapOutput)
}

// podAnnotations go on the pods: the user's, those for pods alone, the
// files' checksum, and the env Secret's version when there is one.
func podAnnotations(s *dataflowSpec, envSecretVersion pulumi.StringInput) pulumi.StringMapInput {
	return pulumi.All(mapOrEmpty(s.annotations), stringOr(envSecretVersion, ""), mapOrEmpty(s.podAnnotations)).ApplyT(func(v []any) map[string]string {
		out := merged(asMap(v[0]), asMap(v[2]))
		out[filesChecksumAnnotation] = s.files.checksum()
		if version := v[1].(string); envSecretVersion != nil {
			out[envSecretVersionAnnotation] = version
		}
		return out
	}).(pulumi.StringMapOutput)
}

// merged is a new map of the given maps' entries, a later map's winning.
func merged(ms ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range ms {
		maps.Copy(out, m)
	}
	return out
}

// mapOrEmpty is an empty literal map in place of a missing one.
func mapOrEmpty(m pulumi.StringMapInput) pulumi.StringMapInput {
	if isNil(m) {
		return pulumi.StringMap{}
	}
	return m
}

// optionalMap is nil for a literal empty map, so that the object carries no
// empty field the user did not ask for.
func optionalMap(m pulumi.StringMapInput) pulumi.StringMapInput {
	if isNil(m) {
		return nil
	}
	if known, ok := knownValue(m); ok && len(known.(map[string]string)) == 0 {
		return nil
	}
	return m
}

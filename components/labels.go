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

// filesChecksumAnnotation on the pod template changes whenever the files do,
// which makes the StatefulSet roll its pods onto the new code.
const filesChecksumAnnotation = "bytewax.io/files-checksum"

// selectorLabels pick the dataflow's pods. They are immutable on a
// StatefulSet, so they hold only what never changes: the app and the name.
func selectorLabels(s *dataflowSpec) map[string]string {
	return map[string]string{labelName: "bytewax", labelInstance: s.name}
}

// objectLabels go on every object the component creates.
func objectLabels(s *dataflowSpec) map[string]string {
	labels := maps.Clone(s.labels)
	if labels == nil {
		labels = map[string]string{}
	}
	maps.Copy(labels, selectorLabels(s))
	labels[labelComponent] = "dataflow"
	labels[labelManagedBy] = "pulumi"
	if len(validation.IsValidLabelValue(s.image.Tag)) == 0 {
		labels[labelVersion] = s.image.Tag
	}
	return labels
}

// podLabels go on the pods: the selector and the user's labels.
func podLabels(s *dataflowSpec) map[string]string {
	labels := maps.Clone(s.labels)
	if labels == nil {
		labels = map[string]string{}
	}
	maps.Copy(labels, selectorLabels(s))
	return labels
}

// podAnnotations go on the pods: the user's and the files' checksum.
func podAnnotations(s *dataflowSpec) map[string]string {
	annotations := maps.Clone(s.annotations)
	if annotations == nil {
		annotations = map[string]string{}
	}
	annotations[filesChecksumAnnotation] = s.files.checksum()
	return annotations
}

// optionalStringMap is nil for an empty map, so that the object carries no
// empty field the user did not ask for.
func optionalStringMap(m map[string]string) pulumi.StringMapInput {
	if len(m) == 0 {
		return nil
	}
	return pulumi.ToStringMap(m)
}

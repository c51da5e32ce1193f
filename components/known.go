package components

import (
	"fmt"
	"reflect"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// A Pulumi input is known before registration when it is built from
// literals; an output resolves later. These helpers tell the two apart
// without waiting, so that literal values are checked up front and outputs
// when they resolve.

// knownValue returns the plain value of a literal input: a string, a
// map[string]string or a []string; nil for a missing input. ok is false for
// an output, or a literal that holds one.
func knownValue(in pulumi.Input) (v any, ok bool) {
	switch in := in.(type) {
	case nil:
		return nil, true
	case pulumi.String:
		return string(in), true
	case pulumi.StringMap:
		m := make(map[string]string, len(in))
		for k, e := range in {
			s, ok := e.(pulumi.String)
			if !ok {
				return nil, false
			}
			m[k] = string(s)
		}
		return m, true
	case knownAffinity:
		a := in.value
		return &a, true
	case pulumi.StringArray:
		a := make([]string, len(in))
		for i, e := range in {
			s, ok := e.(pulumi.String)
			if !ok {
				return nil, false
			}
			a[i] = string(s)
		}
		return a, true
	case pulumi.Bool:
		return bool(in), true
	case pulumi.Int:
		return int(in), true
	}
	// pulumi.BoolPtr and pulumi.IntPtr are pointers to unexported types.
	if v := reflect.ValueOf(in); v.Kind() == reflect.Pointer && !v.IsNil() && v.Type().Elem().PkgPath() == reflect.TypeFor[pulumi.Bool]().PkgPath() {
		switch e := v.Elem(); e.Kind() {
		case reflect.Bool:
			return e.Bool(), true
		case reflect.Int:
			return int(e.Int()), true
		}
	}
	return nil, false
}

// asBool is a known or resolved bool input's value; false when missing.
func asBool(v any) bool {
	switch v := v.(type) {
	case bool:
		return v
	case *bool:
		return v != nil && *v
	}
	return false
}

// asInt is a known or resolved int input's value, and whether it is set.
func asInt(v any) (int, bool) {
	switch v := v.(type) {
	case int:
		return v, true
	case *int:
		if v != nil {
			return *v, true
		}
	}
	return 0, false
}

// knownString is knownValue for a string input; a missing input is "".
func knownString(in pulumi.StringInput) (string, bool) {
	if in == nil {
		return "", true
	}
	v, ok := knownValue(in)
	if !ok {
		return "", false
	}
	return v.(string), true
}

// isNil reports whether an input interface holds nothing, including a
// typed nil such as a nil pulumi.StringMap.
func isNil(in pulumi.Input) bool {
	switch in := in.(type) {
	case nil:
		return true
	case pulumi.StringMap:
		return in == nil
	case pulumi.StringArray:
		return in == nil
	}
	return false
}

// stringOr returns in, or def when in is missing.
func stringOr(in pulumi.StringInput, def string) pulumi.StringInput {
	if in == nil {
		return pulumi.String(def)
	}
	return in
}

// nilPointer reports whether an input is a typed nil pointer, such as a nil
// *pulumi.String, which counts as missing.
func nilPointer(in pulumi.Input) bool {
	if in == nil {
		return false
	}
	v := reflect.ValueOf(in)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// outputStateType is the state every Output type embeds.
var outputStateType = reflect.TypeFor[*pulumi.OutputState]()

// zeroOutput reports whether an input is the zero value of an Output type,
// such as pulumi.StringOutput{}: it has no state and would never resolve.
func zeroOutput(in pulumi.Input) bool {
	if in == nil {
		return false
	}
	v := reflect.ValueOf(in)
	if v.Kind() != reflect.Struct {
		return false
	}
	for i := range v.NumField() {
		if f := v.Field(i); f.Type() == outputStateType {
			return f.IsNil()
		}
	}
	return false
}

// inputFixer turns typed nil pointers into missing inputs and reports
// zero outputs, so that neither reaches the SDK, which panics on both.
type inputFixer struct{ p *problems }

// usable reports whether an input can be used, recording an empty output
// as a problem; a typed nil pointer is not usable and counts as missing.
func (f inputFixer) usable(field string, in pulumi.Input) bool {
	switch {
	case in == nil, nilPointer(in):
		return false
	case zeroOutput(in):
		f.p.add(field, nil, "is an empty output (the zero value of an Output type), not one a resource or config returned")
		return false
	}
	return true
}

// element reports an element of a literal map or array that is no value.
func (f inputFixer) element(field string, e pulumi.StringInput) {
	if e == nil || nilPointer(e) || zeroOutput(e) {
		f.p.add(field, nil, "must be a value, not a nil input or an empty output")
	}
}

func (f inputFixer) str(field string, in pulumi.StringInput) pulumi.StringInput {
	if !f.usable(field, in) {
		return nil
	}
	return in
}

func (f inputFixer) boolPtr(field string, in pulumi.BoolPtrInput) pulumi.BoolPtrInput {
	if !f.usable(field, in) {
		return nil
	}
	return in
}

func (f inputFixer) intPtr(field string, in pulumi.IntPtrInput) pulumi.IntPtrInput {
	if !f.usable(field, in) {
		return nil
	}
	return in
}

func (f inputFixer) strMap(field string, in pulumi.StringMapInput) pulumi.StringMapInput {
	if !f.usable(field, in) {
		return nil
	}
	if m, ok := in.(pulumi.StringMap); ok {
		for k, e := range m {
			f.element(field+"."+k, e)
		}
	}
	return in
}

func (f inputFixer) strArray(field string, in pulumi.StringArrayInput) pulumi.StringArrayInput {
	if !f.usable(field, in) {
		return nil
	}
	if a, ok := in.(pulumi.StringArray); ok {
		for i, e := range a {
			f.element(fmt.Sprintf("%s[%d]", field, i), e)
		}
	}
	return in
}

// fixInputs returns a copy of args whose inputs the SDK can take.
func fixInputs(p *problems, args *BytewaxDataflowArgs) *BytewaxDataflowArgs {
	f := inputFixer{p}
	out := *args
	out.Namespace = f.str("Namespace", args.Namespace)
	image := func(field string, img *ImageArgs) *ImageArgs {
		if img == nil {
			return nil
		}
		return &ImageArgs{
			Repository: f.str(field+".Repository", img.Repository),
			Tag:        f.str(field+".Tag", img.Tag),
			Digest:     f.str(field+".Digest", img.Digest),
			PullPolicy: f.str(field+".PullPolicy", img.PullPolicy),
		}
	}
	out.Image = image("Image", args.Image)
	out.InitImage = image("InitImage", args.InitImage)
	out.ImagePullSecrets = f.strArray("ImagePullSecrets", args.ImagePullSecrets)
	if rc := args.RegistryCredentials; rc != nil {
		out.RegistryCredentials = &RegistryCredentialsArgs{
			SecretName:       f.str("RegistryCredentials.SecretName", rc.SecretName),
			DockerConfigJSON: f.str("RegistryCredentials.DockerConfigJSON", rc.DockerConfigJSON),
		}
	}
	keyRef := func(field string, ref *KeyRefArgs) *KeyRefArgs {
		if ref == nil {
			return nil
		}
		return &KeyRefArgs{Name: f.str(field+".Name", ref.Name), Key: f.str(field+".Key", ref.Key), Optional: f.boolPtr(field+".Optional", ref.Optional)}
	}
	out.Env = make([]EnvVarArgs, len(args.Env))
	for i, e := range args.Env {
		field := fmt.Sprintf("Env[%d]", i)
		e.Value = f.str(field+".Value", e.Value)
		if src := e.ValueFrom; src != nil {
			copied := *src
			copied.SecretKeyRef = keyRef(field+".ValueFrom.SecretKeyRef", src.SecretKeyRef)
			copied.ConfigMapKeyRef = keyRef(field+".ValueFrom.ConfigMapKeyRef", src.ConfigMapKeyRef)
			if fr := src.FieldRef; fr != nil {
				copied.FieldRef = &FieldRefArgs{FieldPath: f.str(field+".ValueFrom.FieldRef.FieldPath", fr.FieldPath)}
			}
			if rr := src.ResourceFieldRef; rr != nil {
				copied.ResourceFieldRef = &ResourceFieldRefArgs{
					Resource: f.str(field+".ValueFrom.ResourceFieldRef.Resource", rr.Resource),
					Divisor:  f.str(field+".ValueFrom.ResourceFieldRef.Divisor", rr.Divisor),
				}
			}
			e.ValueFrom = &copied
		}
		out.Env[i] = e
	}
	out.EnvFrom = make([]EnvFromSourceArgs, len(args.EnvFrom))
	for i, e := range args.EnvFrom {
		field := fmt.Sprintf("EnvFrom[%d]", i)
		e.Prefix = f.str(field+".Prefix", e.Prefix)
		if e.SecretRef != nil {
			e.SecretRef = &ObjectRefArgs{Name: f.str(field+".SecretRef.Name", e.SecretRef.Name), Optional: f.boolPtr(field+".SecretRef.Optional", e.SecretRef.Optional)}
		}
		if e.ConfigMapRef != nil {
			e.ConfigMapRef = &ObjectRefArgs{Name: f.str(field+".ConfigMapRef.Name", e.ConfigMapRef.Name), Optional: f.boolPtr(field+".ConfigMapRef.Optional", e.ConfigMapRef.Optional)}
		}
		out.EnvFrom[i] = e
	}
	if r := args.Resources; r != nil {
		out.Resources = &ResourcesArgs{
			Requests: f.strMap("Resources.Requests", r.Requests),
			Limits:   f.strMap("Resources.Limits", r.Limits),
		}
	}
	out.Volumes = make([]VolumeArgs, len(args.Volumes))
	for i, vol := range args.Volumes {
		field := fmt.Sprintf("Volumes[%d]", i)
		if vol.Secret != nil {
			vol.Secret = &SecretVolumeArgs{SecretName: f.str(field+".Secret.SecretName", vol.Secret.SecretName), Optional: f.boolPtr(field+".Secret.Optional", vol.Secret.Optional)}
		}
		if vol.ConfigMap != nil {
			vol.ConfigMap = &ConfigMapVolumeArgs{Name: f.str(field+".ConfigMap.Name", vol.ConfigMap.Name), Optional: f.boolPtr(field+".ConfigMap.Optional", vol.ConfigMap.Optional)}
		}
		vol.ReadOnly = f.boolPtr(field+".ReadOnly", vol.ReadOnly)
		if ed := vol.EmptyDir; ed != nil {
			vol.EmptyDir = &EmptyDirVolumeArgs{Medium: f.str(field+".EmptyDir.Medium", ed.Medium), SizeLimit: f.str(field+".EmptyDir.SizeLimit", ed.SizeLimit)}
		}
		out.Volumes[i] = vol
	}
	out.Tolerations = make([]TolerationArgs, len(args.Tolerations))
	for i, t := range args.Tolerations {
		field := fmt.Sprintf("Tolerations[%d]", i)
		out.Tolerations[i] = TolerationArgs{
			Key:               f.str(field+".Key", t.Key),
			Operator:          f.str(field+".Operator", t.Operator),
			Value:             f.str(field+".Value", t.Value),
			Effect:            f.str(field+".Effect", t.Effect),
			TolerationSeconds: f.intPtr(field+".TolerationSeconds", t.TolerationSeconds),
		}
	}
	if np := args.NetworkPolicy; np != nil {
		copied := *np
		copied.APIFrom = make([]NetworkPeerArgs, len(np.APIFrom))
		for i, peer := range np.APIFrom {
			field := fmt.Sprintf("NetworkPolicy.APIFrom[%d]", i)
			copied.APIFrom[i] = NetworkPeerArgs{
				NamespaceLabels: f.strMap(field+".NamespaceLabels", peer.NamespaceLabels),
				PodLabels:       f.strMap(field+".PodLabels", peer.PodLabels),
			}
		}
		out.NetworkPolicy = &copied
	}
	if pm := args.PodMonitor; pm != nil {
		out.PodMonitor = &PodMonitorArgs{Interval: f.str("PodMonitor.Interval", pm.Interval), Labels: f.strMap("PodMonitor.Labels", pm.Labels)}
	}
	out.Labels = f.strMap("Labels", args.Labels)
	out.PodLabels = f.strMap("PodLabels", args.PodLabels)
	out.PodAnnotations = f.strMap("PodAnnotations", args.PodAnnotations)
	out.OTLPEndpoint = f.str("OTLPEndpoint", args.OTLPEndpoint)
	out.NodeSelector = f.strMap("NodeSelector", args.NodeSelector)
	if nilPointer(args.Affinity) {
		out.Affinity = nil
	} else if zeroOutput(args.Affinity) {
		p.add("Affinity", nil, "is an empty output (the zero value of an Output type), not one a resource or config returned")
		out.Affinity = nil
	}
	out.PriorityClassName = f.str("PriorityClassName", args.PriorityClassName)
	out.Annotations = f.strMap("Annotations", args.Annotations)
	if r := args.Recovery; r != nil {
		copied := *r
		copied.StorageClassName = f.str("Recovery.StorageClassName", r.StorageClassName)
		out.Recovery = &copied
	}
	if sa := args.ServiceAccount; sa != nil {
		out.ServiceAccount = &ServiceAccountArgs{Name: f.str("ServiceAccount.Name", sa.Name), Existing: sa.Existing}
	}
	return &out
}

// omitEmpty passes a string input through to an object, leaving out an
// empty literal, as the API server does: a field written "" would show in
// every diff of an object that never had it.
func omitEmpty(in pulumi.StringInput) pulumi.StringPtrInput {
	if in == nil || nilPointer(in) {
		return nil
	}
	if v, known := knownString(in); known {
		if v == "" {
			return nil
		}
		return pulumi.String(v)
	}
	return in.ToStringOutput().ApplyT(func(v string) *string {
		if v == "" {
			return nil
		}
		return &v
	}).(pulumi.StringPtrOutput)
}

// omitFalse passes a flag through to an object, leaving out false, which
// is every flag's default.
func omitFalse(in pulumi.BoolPtrInput) pulumi.BoolPtrInput {
	if in == nil || nilPointer(in) {
		return nil
	}
	if v, known := knownValue(in); known {
		if !asBool(v) {
			return nil
		}
		return pulumi.Bool(true)
	}
	return in.ToBoolPtrOutput().ApplyT(func(v *bool) *bool {
		if v == nil || !*v {
			return nil
		}
		return v
	}).(pulumi.BoolPtrOutput)
}

// orEmptyDefault passes a string input through to an object, with def in
// place of a missing or empty value.
func orEmptyDefault(in pulumi.StringInput, def string) pulumi.StringInput {
	if in == nil || nilPointer(in) {
		return pulumi.String(def)
	}
	if v, known := knownString(in); known {
		return pulumi.String(orDefault(v, def))
	}
	return in.ToStringOutput().ApplyT(func(v string) string { return orDefault(v, def) }).(pulumi.StringOutput)
}

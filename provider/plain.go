package provider

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pulumi-bytewax/pulumi-bytewax/components"
)

// checkingPlainInputs refuses, before the inputs are decoded, a plain
// property (one the schema marks plain: it must be known when the program
// runs) that is unknown, secret or the output of another resource, naming
// it. Decoded, such a value fails with a message about Go types.
func checkingPlainInputs(construct func(context.Context, p.ConstructRequest) (p.ConstructResponse, error)) func(context.Context, p.ConstructRequest) (p.ConstructResponse, error) {
	return func(ctx context.Context, req p.ConstructRequest) (p.ConstructResponse, error) {
		var problems []string
		for name, value := range req.Inputs.AllStable {
			if f, ok := fieldTagged(reflect.TypeFor[components.BytewaxDataflowArgs](), name); ok {
				problems = append(problems, plainProblems(name, value, f.Type)...)
			}
		}
		if len(problems) > 0 {
			return p.ConstructResponse{}, fmt.Errorf("invalid BytewaxDataflow arguments for %q:\n  %s", req.Urn.Name(), strings.Join(problems, "\n  "))
		}
		return construct(ctx, req)
	}
}

// plainProblems walks a value along the Go type it decodes into, down to
// the Pulumi inputs, which take any value.
func plainProblems(path string, v property.Value, t reflect.Type) []string {
	if t.Implements(reflect.TypeFor[pulumi.Input]()) {
		return nil
	}
	switch {
	case v.IsComputed():
		return []string{path + ": must be known when the program runs (it is plain: it decides which objects are made, or is read as the program runs), not the output of a resource still to be made"}
	case v.Secret():
		return []string{path + ": must not be secret as a whole (it is plain, and shows in the objects); make the values inside it secret instead"}
	case len(v.Dependencies()) > 0:
		return []string{path + ": must be known when the program runs (it is plain), not another resource's output"}
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var out []string
	switch {
	case v.IsArray() && t.Kind() == reflect.Slice:
		for i, e := range v.AsArray().All {
			out = append(out, plainProblems(fmt.Sprintf("%s[%d]", path, i), e, t.Elem())...)
		}
	case v.IsMap() && t.Kind() == reflect.Map:
		for k, e := range v.AsMap().AllStable {
			out = append(out, plainProblems(path+"."+k, e, t.Elem())...)
		}
	case v.IsMap() && t.Kind() == reflect.Struct:
		for k, e := range v.AsMap().AllStable {
			if f, ok := fieldTagged(t, k); ok {
				out = append(out, plainProblems(path+"."+k, e, f.Type)...)
			}
		}
	}
	return out
}

// fieldTagged finds the field of struct t with the pulumi name.
func fieldTagged(t reflect.Type, name string) (reflect.StructField, bool) {
	for _, f := range reflect.VisibleFields(t) {
		if tag, _, _ := strings.Cut(f.Tag.Get("pulumi"), ","); tag == name && f.IsExported() {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

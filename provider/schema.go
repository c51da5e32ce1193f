package provider

import (
	"context"
	_ "embed" // descriptions.json
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	p "github.com/pulumi/pulumi-go-provider"
	pschema "github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pulumi-bytewax/pulumi-bytewax/components"
	"github.com/pulumi-bytewax/pulumi-bytewax/provider/internal/describe"
)

//go:generate go run ./cmd/gen-descriptions

// descriptionsJSON holds the doc comments of package components, written
// by cmd/gen-descriptions (a test fails when they differ from the source).
//
//go:embed descriptions.json
var descriptionsJSON []byte

// typePrefix starts the tokens of the package's own types.
const typePrefix = Name + ":index:"

// finishingSchema serves the schema infer derives, finished by
// finishSchema.
func finishingSchema(derive func(context.Context, p.GetSchemaRequest) (p.GetSchemaResponse, error)) func(context.Context, p.GetSchemaRequest) (p.GetSchemaResponse, error) {
	return func(ctx context.Context, req p.GetSchemaRequest) (p.GetSchemaResponse, error) {
		resp, err := derive(ctx, req)
		if err != nil {
			return resp, err
		}
		resp.Schema, err = finishSchema(resp.Schema)
		return resp, err
	}
}

// finishSchema adds the Go doc comments as descriptions, and names the
// types as SDKs name their inputs: Image, whose TypeScript and Python
// input type is ImageArgs, rather than ImageArgs, which would be
// ImageArgsArgs.
func finishSchema(raw string) (string, error) {
	var spec pschema.PackageSpec
	if err := json.Unmarshal([]byte(raw), &spec); err != nil {
		return "", err
	}
	var docs map[string]describe.Type
	if err := json.Unmarshal(descriptionsJSON, &docs); err != nil {
		return "", fmt.Errorf("descriptions.json: %w", err)
	}
	goTypes := structTypes(reflect.TypeFor[components.BytewaxDataflowArgs](), map[string]reflect.Type{})
	describeAll := func(props map[string]pschema.PropertySpec, goType string) {
		for name, prop := range props {
			prop.Description = docs[goType].Properties[name]
			retarget(&prop.TypeSpec)
			if t, ok := goTypes[goType]; ok {
				if f, ok := fieldTagged(t, name); ok {
					markPlain(&prop.TypeSpec, f.Type)
				}
			}
			props[name] = prop
		}
	}

	types := map[string]pschema.ComplexTypeSpec{}
	for token, t := range spec.Types {
		goType := strings.TrimPrefix(token, typePrefix)
		t.Description = docs[goType].Description
		describeAll(t.Properties, goType)
		types[schemaToken(token)] = t
	}
	spec.Types = types
	for token, r := range spec.Resources {
		goType := strings.TrimPrefix(token, typePrefix)
		r.Description = docs[goType].Description + "\n\n" + filesElsewhere
		describeAll(r.InputProperties, goType+"Args")
		describeAll(r.Properties, goType)
		spec.Resources[token] = r
	}
	out, err := json.Marshal(spec)
	return string(out), err
}

// structTypes collects the struct types t holds, at every depth, by name.
func structTypes(t reflect.Type, found map[string]reflect.Type) map[string]reflect.Type {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || found[t.Name()] != nil || t.PkgPath() != reflect.TypeFor[components.BytewaxDataflowArgs]().PkgPath() {
		return found
	}
	found[t.Name()] = t
	for _, f := range reflect.VisibleFields(t) {
		structTypes(f.Type, found)
	}
	return found
}

// markPlain marks a property plain where the Go type it decodes into takes
// a plain value rather than a Pulumi input, at every depth: a plain list
// of objects (env) has plain items, whose own fields say the rest, while
// an input map (labels) takes an output for each value. Such a value must
// be known when the program runs, and the SDKs type it so. infer marks
// only the resource's own plain scalars, and an input map's values plain.
func markPlain(spec *pschema.TypeSpec, t reflect.Type) {
	if t.Implements(reflect.TypeFor[pulumi.Input]()) {
		spec.Plain = false
		for _, inner := range []*pschema.TypeSpec{spec.Items, spec.AdditionalProperties} {
			if inner != nil {
				inner.Plain = false
			}
		}
		return
	}
	spec.Plain = true
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case spec.Items != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array):
		markPlain(spec.Items, t.Elem())
	case spec.AdditionalProperties != nil && t.Kind() == reflect.Map:
		markPlain(spec.AdditionalProperties, t.Elem())
	}
}

// filesElsewhere says how programs in other languages give what a Go
// program may pass as an fs.FS, which cannot cross languages.
const filesElsewhere = "The dataflow's files are read from `directory`, relative to the program's folder (where its Pulumi.yaml is). Go programs, which use the Go package github.com/pulumi-bytewax/pulumi-bytewax/components instead of an SDK, may also pass the files as an fs.FS (such as an embed.FS), which no other language can."

// schemaToken drops the Args suffix of the package's own type tokens.
func schemaToken(token string) string {
	if strings.HasPrefix(token, typePrefix) {
		return strings.TrimSuffix(token, "Args")
	}
	return token
}

// retarget points a reference to one of the package's types at its new
// token, at every depth.
func retarget(t *pschema.TypeSpec) {
	if t == nil {
		return
	}
	if rest, ok := strings.CutPrefix(t.Ref, "#/types/"); ok {
		t.Ref = "#/types/" + schemaToken(rest)
	}
	retarget(t.Items)
	retarget(t.AdditionalProperties)
	for i := range t.OneOf {
		retarget(&t.OneOf[i])
	}
}

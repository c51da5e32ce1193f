// Package configdoc generates docs/configuration.md, the reference of every
// stack config key, and checks that it, Pulumi.yaml and the program agree.
//
// Each key's type, default and description come from its declaration in
// Pulumi.yaml, which takes only the fields the Pulumi CLI accepts. The
// groups the keys come in, the text around them and the fields of the keys
// whose values are lists or objects of fields come from the layout file,
// docs/configuration.groups.yaml. Which keys exist, and which fields a
// list or object has, come from the program itself (stack.ReadKeys).
package configdoc

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/pulumi-bytewax/pulumi-bytewax/internal/stack"
)

// The files, relative to the project's root.
const (
	ProjectFile = "Pulumi.yaml"
	LayoutFile  = "docs/configuration.groups.yaml"
	OutputFile  = "docs/configuration.md"
)

// pulumiFields are the fields the Pulumi CLI accepts in a config
// declaration of Pulumi.yaml.
var pulumiFields = []string{"type", "default", "description", "secret", "items"}

// Declaration is a config key as Pulumi.yaml declares it.
type Declaration struct {
	Name        string
	Type        string
	ItemsType   string
	Description string
	Secret      bool
	// Default is the declared default, nil when there is none.
	Default *yaml.Node
	// Unknown are the declaration's fields the Pulumi CLI would reject.
	Unknown []string
	// Short: declared as a bare value, without type or description.
	Short bool
}

// ReadProject reads the config declarations of Pulumi.yaml in root, in
// the file's order.
func ReadProject(root string) ([]Declaration, error) {
	raw, err := os.ReadFile(filepath.Join(root, ProjectFile))
	if err != nil {
		return nil, err
	}
	return parseProject(raw)
}

func parseProject(raw []byte) ([]Declaration, error) {
	var doc struct {
		Config yaml.Node `yaml:"config"`
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", ProjectFile, err)
	}
	if doc.Config.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s: config must be a mapping of keys", ProjectFile)
	}
	var out []Declaration
	for i := 0; i+1 < len(doc.Config.Content); i += 2 {
		name := strings.TrimPrefix(doc.Config.Content[i].Value, stack.Namespace+":")
		body := doc.Config.Content[i+1]
		d := Declaration{Name: name}
		if body.Kind != yaml.MappingNode {
			d.Short, d.Default = true, body
			out = append(out, d)
			continue
		}
		for j := 0; j+1 < len(body.Content); j += 2 {
			field, value := body.Content[j].Value, body.Content[j+1]
			switch field {
			case "type":
				d.Type = value.Value
			case "description":
				d.Description = value.Value
			case "default":
				d.Default = value
			case "secret":
				d.Secret = value.Value == "true"
			case "items":
				var items struct {
					Type string `yaml:"type"`
				}
				if err := value.Decode(&items); err != nil {
					return nil, fmt.Errorf("%s: %s.items: %w", ProjectFile, name, err)
				}
				d.ItemsType = items.Type
			}
			if !slices.Contains(pulumiFields, field) {
				d.Unknown = append(d.Unknown, field)
			}
		}
		out = append(out, d)
	}
	return out, nil
}

// Layout is the layout file: the reference's text, its groups of keys and
// the fields of the list and object keys.
type Layout struct {
	Title  string  `yaml:"title"`
	Intro  string  `yaml:"intro"`
	Groups []Group `yaml:"groups"`
	// Fields document, for each key whose value is a list or object of
	// fields, each of its fields by path (nested fields as "a.b").
	Fields map[string]FieldDocs `yaml:"fields"`
}

// Group is a section of the reference.
type Group struct {
	Name  string   `yaml:"name"`
	About string   `yaml:"about"`
	Keys  []string `yaml:"keys"`
}

// FieldDoc documents one field of a list or object key.
type FieldDoc struct {
	Path        string
	Description string
}

// FieldDocs are a key's documented fields, in the layout file's order.
type FieldDocs []FieldDoc

// UnmarshalYAML reads a mapping of field paths to descriptions, keeping
// its order.
func (f *FieldDocs) UnmarshalYAML(node *yaml.Node) error {
	if node.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: fields must be a mapping of field paths to descriptions", node.Line)
	}
	for i := 0; i+1 < len(node.Content); i += 2 {
		*f = append(*f, FieldDoc{Path: node.Content[i].Value, Description: node.Content[i+1].Value})
	}
	return nil
}

// ReadLayout reads the layout file in root.
func ReadLayout(root string) (*Layout, error) {
	raw, err := os.ReadFile(filepath.Join(root, LayoutFile))
	if err != nil {
		return nil, err
	}
	var l Layout
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&l); err != nil {
		return nil, fmt.Errorf("%s: %w", LayoutFile, err)
	}
	return &l, nil
}

// Program is what the program reads: each key with the type a list or
// object key is read into (nil for text, numbers and booleans), and the
// keys that may hold secrets.
type Program struct {
	Keys       map[string]reflect.Type
	SecretKeys []string
}

// ReadProgram asks the program what it reads.
func ReadProgram() Program {
	return Program{Keys: stack.ReadKeys(), SecretKeys: stack.SecretKeys()}
}

// Field is a field of a list or object key as the program reads it.
type Field struct {
	Path string
	Type string
}

// stackPackage is the program's package: fields of its own types are
// listed down to their leaves; other packages' types (a pod's affinity)
// are listed by their top-level fields alone.
var stackPackage = reflect.TypeOf(stack.Config{}).PkgPath()

// Fields are the fields of the entries of a list or object key, or nil
// when its value has no fixed fields (text, a list of text, a map).
func Fields(t reflect.Type) []Field {
	t = deref(t)
	if t != nil && t.Kind() == reflect.Slice {
		t = deref(t.Elem())
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	var out []Field
	var walk func(t reflect.Type, prefix string)
	walk = func(t reflect.Type, prefix string) {
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			path := prefix + fieldName(f)
			ft := deref(f.Type)
			out = append(out, Field{Path: path, Type: typeName(ft)})
			if ft.Kind() == reflect.Struct && (ft.Name() == "" || ft.PkgPath() == stackPackage) {
				walk(ft, path+".")
			}
		}
	}
	walk(t, "")
	return out
}

// fieldName is a field's name in config: its JSON name, else its Pulumi
// name, else its Go name with a lower-case first letter, as encoding/json
// matches it.
func fieldName(f reflect.StructField) string {
	for _, tag := range []string{"json", "pulumi"} {
		if name, _, _ := strings.Cut(f.Tag.Get(tag), ","); name != "" && name != "-" {
			return name
		}
	}
	return strings.ToLower(f.Name[:1]) + f.Name[1:]
}

func deref(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// typeName names a Go type as the config's types do.
func typeName(t reflect.Type) string {
	switch t = deref(t); t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Bool:
		return "boolean"
	case reflect.Slice, reflect.Array:
		return "array of " + plural(typeName(t.Elem()))
	case reflect.Map:
		return "object of " + plural(typeName(t.Elem()))
	}
	return "object"
}

func plural(name string) string {
	if strings.Contains(name, " of ") {
		return name
	}
	return name + "s"
}

// configType is the Pulumi.yaml type a key read into t must declare, and
// its items' type for an array; "" when t is nil (any scalar type).
func configType(t reflect.Type) (typ, items string) {
	t = deref(t)
	switch {
	case t == nil:
		return "", ""
	case t.Kind() == reflect.Slice:
		if elem := deref(t.Elem()); elem.Kind() == reflect.String {
			return "array", "string"
		}
		return "array", "object"
	}
	return "object", ""
}

// Check lists every disagreement between Pulumi.yaml's declarations, the
// layout file and what the program reads; none when they agree.
func Check(decls []Declaration, layout *Layout, prog Program) []string {
	var problems []string
	add := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(format, a...)) }

	declared := map[string]Declaration{}
	for _, d := range decls {
		declared[d.Name] = d
		switch {
		case d.Short:
			add("%s: %s declares it as a bare value; declare its type, default and description", d.Name, ProjectFile)
			continue
		case d.Type == "":
			add("%s: %s declares no type", d.Name, ProjectFile)
		case d.Description == "":
			add("%s: %s declares no description", d.Name, ProjectFile)
		}
		if len(d.Unknown) > 0 {
			add("%s: %s declares %s, which the Pulumi CLI rejects: a declaration takes only %s; describe fields in %s",
				d.Name, ProjectFile, strings.Join(d.Unknown, ", "), strings.Join(pulumiFields, ", "), LayoutFile)
		}
		if d.Secret && !slices.Contains(prog.SecretKeys, d.Name) {
			add("%s: %s marks it secret, but the program refuses a secret value for it", d.Name, ProjectFile)
		}
	}

	grouped := map[string][]string{}
	for _, g := range layout.Groups {
		if g.Name == "" {
			add("%s: a group has no name", LayoutFile)
		}
		for _, k := range g.Keys {
			grouped[k] = append(grouped[k], g.Name)
		}
	}
	for _, name := range sortedNames(declared) {
		switch groups := grouped[name]; {
		case len(groups) == 0:
			add("%s: declared in %s but in no group of %s", name, ProjectFile, LayoutFile)
		case len(groups) > 1:
			add("%s: in more than one group of %s (%s)", name, LayoutFile, strings.Join(groups, ", "))
		}
	}
	for _, name := range sortedNames(grouped) {
		if _, ok := declared[name]; !ok {
			add("%s: in group %s of %s but not declared in %s", name, grouped[name][0], LayoutFile, ProjectFile)
		}
	}

	for _, name := range sortedNames(declared) {
		t, read := prog.Keys[name]
		if !read {
			add("%s: declared in %s but never read by the program", name, ProjectFile)
			continue
		}
		d := declared[name]
		wantType, wantItems := configType(t)
		switch {
		case d.Short || d.Type == "":
		case wantType == "" && !slices.Contains([]string{"string", "integer", "boolean"}, d.Type):
			add("%s: %s declares type %s, but the program reads it as text, a number or a boolean", name, ProjectFile, d.Type)
		case wantType != "" && d.Type != wantType:
			add("%s: %s declares type %s, but the program reads it as %s", name, ProjectFile, d.Type, typeName(t))
		case wantItems != "" && d.ItemsType != wantItems:
			add("%s: %s declares items of type %q, but the program reads %s", name, ProjectFile, d.ItemsType, typeName(t))
		}
	}
	for _, name := range sortedNames(prog.Keys) {
		if _, ok := declared[name]; !ok {
			add("%s: read by the program but not declared in %s", name, ProjectFile)
		}
	}

	for _, name := range sortedNames(prog.Keys) {
		fields := Fields(prog.Keys[name])
		docs, documented := layout.Fields[name]
		if len(fields) == 0 {
			if documented {
				add("%s: %s documents its fields, but the program reads it without fixed fields", name, LayoutFile)
			}
			continue
		}
		if !documented {
			add("%s: its fields (%s) are not documented under fields in %s", name, strings.Join(paths(fields), ", "), LayoutFile)
			continue
		}
		have := map[string]bool{}
		for _, doc := range docs {
			if have[doc.Path] {
				add("%s.%s: documented twice in %s", name, doc.Path, LayoutFile)
			}
			have[doc.Path] = true
			if !slices.Contains(paths(fields), doc.Path) {
				add("%s.%s: documented in %s but not a field the program reads", name, doc.Path, LayoutFile)
			}
			if strings.TrimSpace(doc.Description) == "" {
				add("%s.%s: has no description in %s", name, doc.Path, LayoutFile)
			}
		}
		for _, f := range fields {
			if !have[f.Path] {
				add("%s.%s: read by the program but not documented in %s", name, f.Path, LayoutFile)
			}
		}
	}
	for _, name := range sortedNames(layout.Fields) {
		if _, ok := prog.Keys[name]; !ok {
			add("%s: %s documents its fields, but the program reads no such key", name, LayoutFile)
		}
	}
	return problems
}

func paths(fields []Field) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = f.Path
	}
	return out
}

func sortedNames[V any](m map[string]V) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// GenerateFrom generates the reference of the project in root.
func GenerateFrom(root string) ([]byte, error) {
	decls, err := ReadProject(root)
	if err != nil {
		return nil, err
	}
	layout, err := ReadLayout(root)
	if err != nil {
		return nil, err
	}
	return Generate(decls, layout, ReadProgram())
}

// Generate writes the reference, refusing when Pulumi.yaml, the layout
// file and the program disagree.
func Generate(decls []Declaration, layout *Layout, prog Program) ([]byte, error) {
	if problems := Check(decls, layout, prog); len(problems) > 0 {
		return nil, fmt.Errorf("%s, %s and the program disagree:\n  %s", ProjectFile, LayoutFile, strings.Join(problems, "\n  "))
	}
	declared := map[string]Declaration{}
	for _, d := range decls {
		declared[d.Name] = d
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", layout.Title)
	fmt.Fprintf(&b, "<!-- Generated by `make docs` (go run ./cmd/configdoc) from %s and %s; edit those, not this file. -->\n\n", ProjectFile, LayoutFile)
	if intro := strings.TrimSpace(layout.Intro); intro != "" {
		b.WriteString(intro + "\n\n")
	}
	links := make([]string, len(layout.Groups))
	for i, g := range layout.Groups {
		links[i] = fmt.Sprintf("[%s](#%s)", g.Name, anchor(g.Name))
	}
	fmt.Fprintf(&b, "The keys by group: %s.\n", strings.Join(links, " · "))
	for _, g := range layout.Groups {
		fmt.Fprintf(&b, "\n## %s\n\n", g.Name)
		if about := strings.TrimSpace(g.About); about != "" {
			b.WriteString(about + "\n\n")
		}
		b.WriteString("| Key | Type | Default | Description |\n|---|---|---|---|\n")
		var withFields []string
		for _, name := range g.Keys {
			d := declared[name]
			key := "`" + name + "`"
			if _, ok := layout.Fields[name]; ok {
				withFields = append(withFields, name)
				key = "[" + key + "](#" + anchor(fieldsHeading(name)) + ")"
			}
			typ := d.Type
			if d.ItemsType != "" {
				typ += " of " + plural(d.ItemsType)
			}
			if slices.Contains(prog.SecretKeys, name) {
				typ += ", may be secret"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", key, typ, defaultCell(d.Default), cell(d.Description))
		}
		for _, name := range withFields {
			fields := map[string]Field{}
			for _, f := range Fields(prog.Keys[name]) {
				fields[f.Path] = f
			}
			fmt.Fprintf(&b, "\n### %s\n\n", fieldsHeading(name))
			b.WriteString("| Field | Type | Description |\n|---|---|---|\n")
			for _, doc := range layout.Fields[name] {
				fmt.Fprintf(&b, "| `%s` | %s | %s |\n", doc.Path, fields[doc.Path].Type, cell(doc.Description))
			}
		}
	}
	return []byte(b.String()), nil
}

// fieldsHeading is the heading of a key's table of fields.
func fieldsHeading(name string) string { return "`" + name + "` fields" }

// anchor is the id GitHub gives a heading.
func anchor(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case r == ' ' || r == '-':
			b.WriteRune('-')
		case r == '_' || ('a' <= r && r <= 'z') || ('0' <= r && r <= '9'):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// defaultCell shows a declared default as YAML's flow style writes it.
func defaultCell(node *yaml.Node) string {
	if node == nil {
		return "required"
	}
	return "`" + strings.ReplaceAll(flow(node), "|", `\|`) + "`"
}

func flow(node *yaml.Node) string {
	switch node.Kind {
	case yaml.ScalarNode:
		if node.Value == "" {
			return `""`
		}
		return node.Value
	case yaml.SequenceNode:
		items := make([]string, len(node.Content))
		for i, c := range node.Content {
			items[i] = flow(c)
		}
		return "[" + strings.Join(items, ", ") + "]"
	case yaml.MappingNode:
		var pairs []string
		for i := 0; i+1 < len(node.Content); i += 2 {
			pairs = append(pairs, flow(node.Content[i])+": "+flow(node.Content[i+1]))
		}
		return "{" + strings.Join(pairs, ", ") + "}"
	case yaml.AliasNode:
		return flow(node.Alias)
	}
	return node.Value
}

// cell is text for a table cell: on one line, with the characters
// Markdown would take as markup escaped outside code spans.
func cell(text string) string {
	text = strings.Join(strings.Fields(text), " ")
	parts := strings.Split(text, "`")
	for i, part := range parts {
		if i%2 == 1 {
			parts[i] = strings.ReplaceAll(part, "|", `\|`)
			continue
		}
		parts[i] = strings.NewReplacer(`\`, `\\`, "|", `\|`, "*", `\*`, "<", "&lt;", ">", "&gt;").Replace(part)
	}
	return strings.Join(parts, "`")
}

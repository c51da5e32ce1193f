// Package describe reads the descriptions of the component's args and
// outputs from the doc comments of package components, so that the schema
// says what the Go API says, written once.
package describe

import (
	"fmt"
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"io/fs"
	"reflect"
	"regexp"
	"strconv"
	"strings"
)

// Type is one Go type's description and its fields', keyed by their
// pulumi names.
type Type struct {
	Description string            `json:"description"`
	Properties  map[string]string `json:"properties"`
}

// FromSource reads the struct types of the Go package in dir that have
// fields tagged `pulumi`, keyed by type name.
func FromSource(dir string) (map[string]Type, error) {
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, dir, func(fi fs.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	if len(pkgs) != 1 {
		return nil, fmt.Errorf("%s: want one package, found %d", dir, len(pkgs))
	}
	var files []*ast.File
	for _, pkg := range pkgs {
		for _, f := range pkg.Files {
			files = append(files, f)
		}
	}
	p, err := doc.NewFromFiles(fset, files, "components")
	if err != nil {
		return nil, err
	}
	types := map[string]Type{}
	goNames := map[string]map[string]string{}
	for _, t := range p.Types {
		for _, spec := range t.Decl.Specs {
			ts, ok := spec.(*ast.TypeSpec)
			if !ok {
				continue
			}
			st, ok := ts.Type.(*ast.StructType)
			if !ok {
				continue
			}
			props, names := fields(fset, st)
			if len(props) == 0 {
				continue
			}
			types[ts.Name.Name] = Type{Description: clean(t.Doc), Properties: props}
			goNames[ts.Name.Name] = names
		}
	}
	// The comments name fields as Go spells them; other languages know
	// them by their property names. A type's own fields are renamed, and
	// in the args' types, the args'; the later fields of a path such as
	// NetworkPolicy.APIFrom by any type's names.
	all := map[string]string{}
	for _, names := range goNames {
		for goName, prop := range names {
			all[goName] = prop
		}
	}
	for name, t := range types {
		rename := map[string]string{}
		if name != "BytewaxDataflow" {
			for goName, prop := range goNames["BytewaxDataflowArgs"] {
				rename[goName] = prop
			}
		}
		for goName, prop := range goNames[name] {
			rename[goName] = prop
		}
		t.Description = renamed(t.Description, rename, all)
		for prop, text := range t.Properties {
			t.Properties[prop] = renamed(text, rename, all)
		}
	}
	return types, nil
}

var identifier = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*`)

// kinds are Kubernetes kinds that are also field names: in prose they name
// the object (the dataflow's NetworkPolicy), and are kept but at the start
// of a field's comment, which by Go's convention names the field.
var kinds = map[string]bool{
	"Namespace": true, "NetworkPolicy": true, "PodMonitor": true, "ServiceAccount": true,
	"ConfigMap": true, "Secret": true, "StatefulSet": true, "Service": true, "Job": true,
}

// renamed replaces the Go field names in text: a single name found in
// rename, and a path (Recovery.Partitions) whose first name is, its later
// names from all. A name before a parenthesis is a method, and kept.
func renamed(text string, rename, all map[string]string) string {
	var b strings.Builder
	last := 0
	for _, at := range identifier.FindAllStringIndex(text, -1) {
		word := text[at[0]:at[1]]
		if at[1] < len(text) && text[at[1]] == '(' {
			continue
		}
		parts := strings.Split(word, ".")
		first, ok := rename[parts[0]]
		if !ok || len(parts) == 1 && kinds[word] && at[0] > 0 {
			continue
		}
		parts[0] = first
		for i := 1; i < len(parts); i++ {
			if prop, ok := all[parts[i]]; ok {
				parts[i] = prop
			}
		}
		b.WriteString(text[last:at[0]])
		b.WriteString(strings.Join(parts, "."))
		last = at[1]
	}
	b.WriteString(text[last:])
	return b.String()
}

// fields maps each tagged field's pulumi name to its doc comment. A field
// without a comment of its own, declared on the line after one that has
// one, shares it: Go groups such fields under one comment.
func fields(fset *token.FileSet, st *ast.StructType) (props, goNames map[string]string) {
	props, goNames = map[string]string{}, map[string]string{}
	var lastDoc string
	lastLine := -1
	for _, f := range st.Fields.List {
		line := fset.Position(f.Pos()).Line
		text := ""
		if f.Doc != nil {
			text = clean(f.Doc.Text())
		} else if line == lastLine+1 {
			text = lastDoc
		}
		lastDoc, lastLine = text, fset.Position(f.End()).Line
		if f.Tag == nil {
			continue
		}
		raw, err := strconv.Unquote(f.Tag.Value)
		if err != nil {
			continue
		}
		name, _, _ := strings.Cut(reflect.StructTag(raw).Get("pulumi"), ",")
		if name == "" {
			continue
		}
		props[name] = text
		for _, n := range f.Names {
			goNames[n.Name] = name
		}
	}
	return props, goNames
}

// clean joins a comment's lines into paragraphs.
func clean(text string) string {
	paragraphs := strings.Split(strings.TrimSpace(text), "\n\n")
	for i, p := range paragraphs {
		paragraphs[i] = strings.Join(strings.Fields(p), " ")
	}
	return strings.Join(paragraphs, "\n\n")
}

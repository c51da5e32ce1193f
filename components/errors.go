package components

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"
)

// FieldError reports one invalid field of BytewaxDataflowArgs.
type FieldError struct {
	// Field is the path of the field in BytewaxDataflowArgs, such as
	// "Processes", "Image.PullPolicy" or "Env[2].Name".
	Field string
	// Value is the offending value, as given.
	Value any
	// Allowed says what the field accepts, or what to do instead.
	Allowed string
}

// Error says which field is wrong, what it accepts, and what it got.
func (e *FieldError) Error() string {
	return fmt.Sprintf("%s: %s (got %s)", e.Field, e.Allowed, formatValue(e.Value))
}

func formatValue(v any) string {
	switch v := v.(type) {
	case string:
		return fmt.Sprintf("%q", v)
	case nil:
		return "nothing"
	case secretValue:
		return "a secret value, not shown"
	default:
		return fmt.Sprintf("%v", v)
	}
}

// ValidationError lists every problem found in BytewaxDataflowArgs. Values
// known up front are checked before any resource is registered, and
// NewBytewaxDataflow returns the error; outputs are checked when they
// resolve, and the error then fails the deployment before any child is sent
// to the cluster.
type ValidationError struct {
	// Resource is the component's resource name.
	Resource string
	// Errors, in the order of the fields.
	Errors []*FieldError
	// Resolved is true for the checks of values that were outputs.
	Resolved bool
}

// Error lists every problem, one per line.
func (e *ValidationError) Error() string {
	lines := make([]string, len(e.Errors))
	for i, fe := range e.Errors {
		lines[i] = "  " + fe.Error()
	}
	what := "invalid BytewaxDataflow arguments"
	if e.Resource != "" {
		what += fmt.Sprintf(" for %q", e.Resource)
	}
	if e.Resolved {
		what += " (values that were outputs, checked as they resolved)"
	}
	return what + ":\n" + strings.Join(lines, "\n")
}

// Unwrap returns each *FieldError, so that errors.As finds them.
func (e *ValidationError) Unwrap() []error {
	errs := make([]error, len(e.Errors))
	for i, fe := range e.Errors {
		errs[i] = fe
	}
	return errs
}

// ValidationErrors are the problems of several dataflows, one
// *ValidationError each, as ValidateAll returns them.
type ValidationErrors []*ValidationError

// Error lists each dataflow's problems.
func (e ValidationErrors) Error() string {
	lines := make([]string, len(e))
	for i, v := range e {
		lines[i] = v.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns each *ValidationError.
func (e ValidationErrors) Unwrap() []error {
	errs := make([]error, len(e))
	for i, v := range e {
		errs[i] = v
	}
	return errs
}

// RenameFields rewrites each error's Field with rename, so that a program
// reading stack config can name its config keys instead of Go fields.
func (e *ValidationError) RenameFields(rename func(field string) string) {
	for _, fe := range e.Errors {
		fe.Field = rename(fe.Field)
	}
}

// secretValue stands for a value that must not appear in an error.
type secretValue struct{}

// problems collects FieldErrors while validating.
type problems struct{ errs []*FieldError }

func (p *problems) add(field string, value any, allowed string, args ...any) {
	p.errs = append(p.errs, &FieldError{Field: field, Value: value, Allowed: fmt.Sprintf(allowed, args...)})
}

// addAll records each message a k8s.io/apimachinery validation returned.
func (p *problems) addAll(field string, value any, msgs []string) {
	for _, m := range msgs {
		p.add(field, value, "%s", m)
	}
}

// ok reports whether nothing was found.
func (p *problems) ok() bool { return len(p.errs) == 0 }

// propertyPath turns a FieldError's Field, a path of Go field names such
// as "Recovery.Partitions" or "Env[2].ValueFrom", into the path of the
// package schema's property names, "recovery.partitions" or
// "env[2].valueFrom", for programs in other languages. Map keys are kept as
// they are; the fields of Kubernetes types (Affinity) are camel-cased as
// Kubernetes spells them.
func propertyPath(field string) string {
	t := reflect.TypeFor[BytewaxDataflowArgs]()
	var out strings.Builder
	rest := field
	for rest != "" {
		end := strings.IndexAny(rest, ".[")
		if end < 0 {
			end = len(rest)
		}
		name := rest[:end]
		rest = rest[end:]
		prop, isMap := lowerFirst(name), false
		if t != nil {
			if f, ok := t.FieldByName(name); ok {
				if tag, _, _ := strings.Cut(f.Tag.Get("pulumi"), ","); tag != "" {
					prop = tag
				}
				t = f.Type
				isMap = t.Kind() == reflect.Map || strings.HasSuffix(t.Name(), "MapInput")
			} else {
				t = nil
			}
		}
		out.WriteString(prop)
		for strings.HasPrefix(rest, "[") {
			i := strings.Index(rest, "]")
			if i < 0 {
				i = len(rest) - 1
			}
			out.WriteString(rest[:i+1])
			rest = rest[i+1:]
			if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
				t = t.Elem()
			}
		}
		for t != nil && t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t != nil && t.Kind() != reflect.Struct {
			t = nil
		}
		if strings.HasPrefix(rest, ".") {
			out.WriteString(".")
			rest = rest[1:]
			if isMap {
				out.WriteString(rest)
				break
			}
		}
	}
	return out.String()
}

// goName matches a Go identifier path in a message, such as
// AllowExternalDirectory or Recovery.Existing.
var goName = regexp.MustCompile(`\b[A-Z][A-Za-z0-9]*(\.[A-Z][A-Za-z0-9]*)*`)

// schemaWords renames, in a message, the args' fields (and the outputs')
// that it names as Go spells them, so that a program in another language
// reads its own property names: "set allowExternalDirectory", "pass
// recovery.existing". A name followed by a parenthesis is a Go method, and
// kept.
func schemaWords(text string) string {
	args, outputs := reflect.TypeFor[BytewaxDataflowArgs](), reflect.TypeFor[BytewaxDataflow]()
	var b strings.Builder
	last := 0
	for _, at := range goName.FindAllStringIndex(text, -1) {
		word := text[at[0]:at[1]]
		if at[1] < len(text) && text[at[1]] == '(' {
			continue
		}
		first, _, _ := strings.Cut(word, ".")
		renamed := ""
		if _, ok := args.FieldByName(first); ok {
			renamed = propertyPath(word)
		} else if f, ok := outputs.FieldByName(first); ok && !strings.Contains(word, ".") {
			renamed, _, _ = strings.Cut(f.Tag.Get("pulumi"), ",")
		}
		if renamed == "" {
			continue
		}
		b.WriteString(text[last:at[0]])
		b.WriteString(renamed)
		last = at[1]
	}
	b.WriteString(text[last:])
	return b.String()
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

package stack

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// configSource is one level of config: the stack's top-level keys in the
// project's namespace, or, later, the fields of an entry of a list of
// dataflows. Values are as the engine hands them to programs: text, with
// lists and objects as JSON.
type configSource interface {
	// get returns a key's value, and whether it is set.
	get(key string) (string, bool)
	// secret reports whether a key's value is a secret.
	secret(key string) bool
	// fullKey names a key in messages, such as "bytewax:processes".
	fullKey(key string) string
}

// contextSource reads the stack's config through the Pulumi context.
type contextSource struct{ ctx *pulumi.Context }

func (c contextSource) get(key string) (string, bool) { return c.ctx.GetConfig(Namespace + ":" + key) }
func (c contextSource) secret(key string) bool        { return c.ctx.IsConfigSecret(Namespace + ":" + key) }
func (c contextSource) fullKey(key string) string     { return Namespace + ":" + key }

// report collects config problems, each naming its key, for one error.
type report struct{ lines []string }

func (r *report) add(key, format string, a ...any) {
	r.lines = append(r.lines, key+": "+fmt.Sprintf(format, a...))
}

// dedupe drops repeated problems, keeping the first of each.
func (r *report) dedupe() {
	seen := map[string]bool{}
	lines := r.lines[:0]
	for _, line := range r.lines {
		if !seen[line] {
			seen[line] = true
			lines = append(lines, line)
		}
	}
	r.lines = lines
}

func (r *report) err(stackName string) error {
	if len(r.lines) == 0 {
		return nil
	}
	return &ConfigError{Stack: stackName, Problems: r.lines}
}

// ConfigError lists every problem of a stack's config, the component's
// checks included, each naming its config key.
type ConfigError struct {
	// Stack is the stack's name.
	Stack string
	// Problems, one per line, each starting with its key.
	Problems []string
}

// Error lists every problem, one per line.
func (e *ConfigError) Error() string {
	return fmt.Sprintf("invalid config of stack %q:\n  %s", e.Stack, strings.Join(e.Problems, "\n  "))
}

// reader reads typed values from a config source, recording every
// problem in the report instead of stopping at the first.
type reader struct {
	src    configSource
	report *report
	// refused are keys already reported, read as unset so that one bad
	// value gives one problem.
	refused map[string]bool
}

func (r *reader) fail(key, format string, a ...any) {
	r.report.add(r.src.fullKey(key), format, a...)
}

// shown is a value as an error quotes it: never a secret one.
func (r *reader) shown(key, v string, quote bool) string {
	switch {
	case r.src.secret(key):
		return "a secret value, not shown"
	case quote:
		return strconv.Quote(v)
	}
	return v
}

// value returns a key's text, and false when it is unset or null: the
// engine hands a null the program as an empty value.
func (r *reader) value(key string) (string, bool) {
	v, ok := r.src.get(key)
	if !ok || v == "" || r.refused[key] {
		return "", false
	}
	return v, true
}

// string returns a key's text, "" when unset.
func (r *reader) string(key string) string {
	v, _ := r.value(key)
	return v
}

// stringInput is a key's text as a literal input, nil when unset, so that
// the component applies its default.
func (r *reader) stringInput(key string) pulumi.StringInput {
	if v, ok := r.value(key); ok {
		return pulumi.String(v)
	}
	return nil
}

// int reads a decimal whole number of at most max: "010" is ten, never
// eight, and "1e3" or "2.0" are not whole numbers.
func (r *reader) int(key string, max int64) *int {
	v, ok := r.value(key)
	if !ok {
		return nil
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	var numErr *strconv.NumError
	switch {
	case errors.As(err, &numErr) && errors.Is(numErr.Err, strconv.ErrRange), err == nil && n > max:
		r.fail(key, "must be at most %d (got %s)", max, r.shown(key, v, false))
		return nil
	case err != nil:
		r.fail(key, "must be a whole number, written in decimal (got %s)", r.shown(key, v, true))
		return nil
	}
	i := int(n)
	return &i
}

// bool reads true or false, and nothing else.
func (r *reader) bool(key string) *bool {
	v, ok := r.value(key)
	if !ok {
		return nil
	}
	switch v {
	case "true":
		b := true
		return &b
	case "false":
		b := false
		return &b
	}
	r.fail(key, "must be true or false (got %s)", r.shown(key, v, true))
	return nil
}

// decode reads a list or object into out, refusing fields out does not
// have, and reports a mismatch as shape.
func (r *reader) decode(key, shape string, out any) bool {
	r.observe(key, out)
	v, ok := r.value(key)
	if !ok || v == "null" {
		return false
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(v)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(out); err != nil {
		r.fail(key, "must be %s (%s)", shape, jsonError(err, r.src.secret(key)))
		return false
	}
	return true
}

// decodeObserver is a source told what each list or object key is read
// into, as ReadKeys's is.
type decodeObserver interface{ decoding(key string, out any) }

// observe tells a source that watches the reading what a list or object
// key is read into; sources that do not watch are not told.
func (r *reader) observe(key string, out any) {
	if o, ok := r.src.(decodeObserver); ok {
		o.decoding(key, out)
	}
}

// jsonError says what is wrong with a config value, without quoting a
// secret one.
func jsonError(err error, secret bool) string {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		where := typeErr.Field
		if where == "" {
			return fmt.Sprintf("got a %s", typeErr.Value)
		}
		return fmt.Sprintf("%s is a %s", where, typeErr.Value)
	case errors.As(err, &syntaxErr):
		return "not valid JSON"
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "unknown field " + strings.TrimPrefix(err.Error(), "json: unknown field ")
	}
	if secret {
		return "could not be read"
	}
	return err.Error()
}

// scalar is a config value that YAML may have written as a string, a
// number or a boolean (cpu: 1, value: true); it keeps its text as written.
type scalar string

// UnmarshalJSON takes a string, a number or a boolean.
func (s *scalar) UnmarshalJSON(raw []byte) error {
	var str string
	if err := json.Unmarshal(raw, &str); err == nil {
		*s = scalar(str)
		return nil
	}
	var num json.Number
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&num); err == nil {
		*s = scalar(num.String())
		return nil
	}
	var b bool
	if err := json.Unmarshal(raw, &b); err == nil {
		*s = scalar(strconv.FormatBool(b))
		return nil
	}
	return &json.UnmarshalTypeError{Value: "list or object", Type: nil}
}

// scalarMap is a map of scalars as a literal input; nil when empty.
func scalarMap(m map[string]scalar) pulumi.StringMapInput {
	if len(m) == 0 {
		return nil
	}
	out := pulumi.StringMap{}
	for k, v := range m {
		out[k] = pulumi.String(string(v))
	}
	return out
}

// maxInt32 bounds counts that Kubernetes stores as 32-bit integers.
const maxInt32 = math.MaxInt32

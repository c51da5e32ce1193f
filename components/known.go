package components

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

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
	}
	return nil, false
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

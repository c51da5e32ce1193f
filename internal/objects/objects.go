// Package objects turns the inputs a program registers for a Kubernetes
// resource into the plain object the provider would apply.
package objects

import "github.com/pulumi/pulumi/sdk/v3/go/common/resource"

// FromInputs returns the inputs as plain Go values, with every secret,
// however deeply nested, replaced by its value.
func FromInputs(inputs resource.PropertyMap) map[string]any {
	return inputs.MapRepl(nil, revealSecrets)
}

func revealSecrets(v resource.PropertyValue) (any, bool) {
	if v.IsSecret() {
		return v.SecretValue().Element.MapRepl(nil, revealSecrets), true
	}
	return nil, false
}

// Masked returns the inputs as plain Go values, with every value inside a
// secret replaced by mask: a secret object keeps its keys.
func Masked(inputs resource.PropertyMap, mask string) map[string]any {
	var maskAll func(v resource.PropertyValue) (any, bool)
	maskAll = func(v resource.PropertyValue) (any, bool) {
		switch {
		case v.IsSecret():
			return v.SecretValue().Element.MapRepl(nil, maskAll), true
		case v.IsObject(), v.IsArray():
			return nil, false
		}
		return mask, true
	}
	var mapper func(v resource.PropertyValue) (any, bool)
	mapper = func(v resource.PropertyValue) (any, bool) {
		if v.IsSecret() {
			return v.SecretValue().Element.MapRepl(nil, maskAll), true
		}
		return nil, false
	}
	return inputs.MapRepl(nil, mapper)
}

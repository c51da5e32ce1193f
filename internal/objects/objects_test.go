package objects

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
)

func TestFromInputsRevealsNestedSecrets(t *testing.T) {
	inputs := resource.NewPropertyMapFromMap(map[string]any{
		"kind": "Secret",
		"stringData": resource.MakeSecret(resource.NewObjectProperty(resource.PropertyMap{
			"token": resource.MakeSecret(resource.NewStringProperty("s3cr3t")),
		})),
		"list": []any{"a", resource.MakeSecret(resource.NewNumberProperty(2))},
	})
	assert.Equal(t, map[string]any{
		"kind":       "Secret",
		"stringData": map[string]any{"token": "s3cr3t"},
		"list":       []any{"a", 2.0},
	}, FromInputs(inputs))
}

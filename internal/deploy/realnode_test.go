package deploy

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

var testImages = map[string]string{
	"bytewax": "localhost/pulumi-bytewax/bytewax:0.21.1-python3.11-debian-bookworm",
	"init":    "localhost/pulumi-bytewax/busybox:debian-bookworm",
	"pause":   "localhost/pulumi-bytewax/pause:1",
}

func TestWithRealNode(t *testing.T) {
	ours := map[string]any{"key": RealNodeLabel, "operator": "Equal", "value": "true", "effect": "NoSchedule"}
	tests := []struct {
		name            string
		file            string
		wantTolerations []any
		wantSelector    map[string]any
		kept            map[string]any
	}{
		{
			name:            "a stack without scheduling keys",
			file:            "config:\n  bytewax:name: my-dataflow\n",
			wantTolerations: []any{ours},
			wantSelector:    map[string]any{RealNodeLabel: "true"},
			kept:            map[string]any{"bytewax:name": "my-dataflow"},
		},
		{
			name: "the stack's own tolerations and selector are kept",
			file: "config:\n  bytewax:tolerations:\n    - key: dedicated\n      operator: Exists\n" +
				"  bytewax:nodeSelector:\n    pool: streams\n",
			wantTolerations: []any{map[string]any{"key": "dedicated", "operator": "Exists"}, ours},
			wantSelector:    map[string]any{"pool": "streams", RealNodeLabel: "true"},
		},
		{
			name:            "secrets and the salt are kept as they are",
			file:            "encryptionsalt: v1:abc\nconfig:\n  bytewax:secretEnv:\n    - name: TOKEN\n      value:\n        secure: v1:xyz\n",
			wantTolerations: []any{ours},
			wantSelector:    map[string]any{RealNodeLabel: "true"},
			kept: map[string]any{"bytewax:secretEnv": []any{map[string]any{
				"name": "TOKEN", "value": map[string]any{"secure": "v1:xyz"},
			}}},
		},
		{
			name:            "an empty file",
			file:            "",
			wantTolerations: []any{ours},
			wantSelector:    map[string]any{RealNodeLabel: "true"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := WithRealNode([]byte(tt.file), testImages)
			require.NoError(t, err)
			var file map[string]any
			require.NoError(t, yaml.Unmarshal(out, &file))
			config := file["config"].(map[string]any)
			assert.Equal(t, "localhost/pulumi-bytewax/bytewax", config["bytewax:imageRepository"])
			assert.Equal(t, "0.21.1-python3.11-debian-bookworm", config["bytewax:imageTag"])
			assert.Equal(t, "localhost/pulumi-bytewax/busybox", config["bytewax:initImageRepository"])
			assert.Equal(t, "debian-bookworm", config["bytewax:initImageTag"])
			assert.Equal(t, "IfNotPresent", config["bytewax:imagePullPolicy"])
			assert.Equal(t, "IfNotPresent", config["bytewax:initImagePullPolicy"])
			assert.Equal(t, tt.wantTolerations, config["bytewax:tolerations"])
			assert.Equal(t, tt.wantSelector, config["bytewax:nodeSelector"])
			for k, v := range tt.kept {
				assert.Equal(t, v, config[k], k)
			}
			if tt.name == "secrets and the salt are kept as they are" {
				assert.Equal(t, "v1:abc", file["encryptionsalt"])
			}
		})
	}
}

func TestRealNodeConfigFile(t *testing.T) {
	dir := t.TempDir()
	_, err := RealNodeConfigFile(dir, "dev")
	require.ErrorContains(t, err, "is it running?", "without the node's image list")

	require.NoError(t, os.MkdirAll(filepath.Join(dir, ".cluster", "node"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, ".cluster", "node", "images"),
		[]byte("pause.tar localhost/pulumi-bytewax/pause:1\n"), 0o644))
	_, err = RealNodeConfigFile(dir, "dev")
	require.ErrorContains(t, err, "no bytewax image")

	require.NoError(t, os.WriteFile(filepath.Join(dir, ".cluster", "node", "images"), []byte(
		"pause.tar "+testImages["pause"]+"\ninit.tar "+testImages["init"]+"\nbytewax.tar "+testImages["bytewax"]+"\n"), 0o644))
	stackFile := "config:\n  bytewax:processes: \"3\"\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.dev.yaml"), []byte(stackFile), 0o644))
	path, err := RealNodeConfigFile(dir, "dev")
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(dir, ".cluster", "node", "Pulumi.dev.yaml"), path)
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Contains(t, string(raw), "localhost/pulumi-bytewax/bytewax")
	assert.Contains(t, string(raw), `bytewax:processes: "3"`)
	own, err := os.ReadFile(filepath.Join(dir, "Pulumi.dev.yaml"))
	require.NoError(t, err)
	assert.Equal(t, stackFile, string(own), "the stack's own file is left as it is")
}

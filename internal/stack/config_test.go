package stack

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	pt "github.com/pulumi-bytewax/pulumi-bytewax/internal/pulumitest"
)

// projectRoot is the folder of Pulumi.yaml.
var projectRoot, _ = filepath.Abs("../..")

type projectFile struct {
	Config map[string]struct {
		Type    string `yaml:"type"`
		Default any    `yaml:"default"`
		Secret  bool   `yaml:"secret"`
	} `yaml:"config"`
}

func readYAML(t *testing.T, file string, out any) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(projectRoot, file))
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(raw, out))
}

// configText renders a config value as the engine hands it to a program:
// scalars as text, lists and objects as JSON.
func configText(t *testing.T, v any) string {
	switch v.(type) {
	case []any, map[string]any:
		raw, err := json.Marshal(v)
		require.NoError(t, err)
		return string(raw)
	default:
		return fmt.Sprint(v)
	}
}

// stackConfig is the config the engine gives the program for a stack: the
// defaults of Pulumi.yaml, then Pulumi.<stack>.yaml, then overrides (keys
// without the project prefix).
func stackConfig(t *testing.T, stack string, overrides map[string]any) map[string]string {
	t.Helper()
	var project projectFile
	readYAML(t, "Pulumi.yaml", &project)
	cfg := map[string]string{}
	for key, decl := range project.Config {
		if decl.Default != nil {
			cfg[Namespace+":"+key] = configText(t, decl.Default)
		}
	}
	if stack != "" {
		var stackFile struct {
			Config map[string]any `yaml:"config"`
		}
		readYAML(t, "Pulumi."+stack+".yaml", &stackFile)
		for key, v := range stackFile.Config {
			cfg[key] = configText(t, v)
		}
	}
	for key, v := range overrides {
		cfg[Namespace+":"+key] = configText(t, v)
	}
	return cfg
}

// runStack runs Program under mocks with the given config, as the engine
// would from the project's folder.
func runStack(t *testing.T, cfg map[string]string) (pt.Deployment, error) {
	t.Helper()
	raw, err := json.Marshal(cfg)
	require.NoError(t, err)
	t.Setenv(pulumi.EnvConfig, string(raw))
	t.Setenv(pulumi.EnvPulumiRootDirectory, projectRoot)
	return pt.Run(t, Program)
}

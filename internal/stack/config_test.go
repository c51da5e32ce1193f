package stack

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	pt "github.com/pulumi-bytewax/pulumi-bytewax/internal/pulumitest"
)

// projectRoot is the folder of Pulumi.yaml.
var projectRoot, _ = filepath.Abs("../..")

type projectFile struct {
	Config map[string]struct {
		Type    string `yaml:"type"`
		Default any    `yaml:"default"`
	} `yaml:"config"`
}

func readProjectYAML(t *testing.T, file string, out any) {
	t.Helper()
	require.NoError(t, readYAML(filepath.Join(projectRoot, file), out))
}

// stackConfig is the config the engine gives the program for a stack.
func stackConfig(t *testing.T, stack string, overrides map[string]any) map[string]string {
	t.Helper()
	cfg, err := ProjectConfig(projectRoot, stack, overrides)
	require.NoError(t, err)
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

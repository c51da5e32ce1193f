package stack

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	pt "github.com/pulumi-bytewax/pulumi-bytewax/components/bytewaxtest"
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
func stackConfig(t *testing.T, stack string, overrides map[string]any) *Config {
	t.Helper()
	cfg, err := ProjectConfig(projectRoot, stack, overrides)
	require.NoError(t, err)
	return cfg
}

// runStack runs Program under mocks with the config of a stack, as the
// engine would from the project's folder.
func runStack(t *testing.T, stack string, cfg *Config, opts ...pt.Option) (pt.Deployment, error) {
	t.Helper()
	return pt.Run(t, Program, append([]pt.Option{pt.WithConfig(cfg.Values, cfg.Secrets...), pt.WithRootDirectory(projectRoot), pt.WithStack(stack)}, opts...)...)
}

// deployStack runs a stack file of the project with overrides, failing the
// test on an error.
func deployStack(t *testing.T, stack string, overrides map[string]any) pt.Deployment {
	t.Helper()
	d, err := runStack(t, stack, stackConfig(t, stack, overrides))
	require.NoError(t, err)
	return d
}

// projectWithStack copies the project's Pulumi.yaml and dataflows into a
// temporary folder, with a stack file of the given content, and returns
// the folder.
func projectWithStack(t *testing.T, stack, content string) string {
	t.Helper()
	root := t.TempDir()
	raw, err := os.ReadFile(filepath.Join(projectRoot, "Pulumi.yaml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(root, "Pulumi.yaml"), raw, 0o644))
	require.NoError(t, os.CopyFS(filepath.Join(root, "dataflows"), os.DirFS(filepath.Join(projectRoot, "dataflows"))))
	require.NoError(t, os.WriteFile(filepath.Join(root, "Pulumi."+stack+".yaml"), []byte(content), 0o644))
	return root
}

package stack

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"gopkg.in/yaml.v3"

	"github.com/pulumi-bytewax/pulumi-bytewax/internal/objects"
)

// ProjectConfig is the config the engine hands the program for a stack: the
// defaults declared in Pulumi.yaml, then the values of Pulumi.<stack>.yaml
// (encrypted values are left out), then overrides, keyed "bytewax:<key>".
// Lists and objects are JSON, as the engine passes them.
func ProjectConfig(root, stackName string, overrides map[string]any) (map[string]string, error) {
	var project struct {
		Config map[string]struct {
			Default any `yaml:"default"`
		} `yaml:"config"`
	}
	if err := readYAML(filepath.Join(root, "Pulumi.yaml"), &project); err != nil {
		return nil, err
	}
	cfg := map[string]string{}
	for key, decl := range project.Config {
		if decl.Default != nil {
			cfg[Namespace+":"+key] = configText(decl.Default)
		}
	}
	if stackName != "" {
		var stackFile struct {
			Config map[string]any `yaml:"config"`
		}
		if err := readYAML(filepath.Join(root, "Pulumi."+stackName+".yaml"), &stackFile); err != nil {
			return nil, err
		}
		for key, v := range stackFile.Config {
			if m, ok := v.(map[string]any); ok && m["secure"] != nil {
				continue
			}
			cfg[key] = configText(v)
		}
	}
	for key, v := range overrides {
		cfg[Namespace+":"+key] = configText(v)
	}
	return cfg, nil
}

func readYAML(path string, out any) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := yaml.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func configText(v any) string {
	switch v.(type) {
	case []any, map[string]any:
		raw, _ := json.Marshal(v)
		return string(raw)
	default:
		return fmt.Sprint(v)
	}
}

// Render runs Program with the given config without deploying anything and
// returns the Kubernetes objects it would apply, in a stable order. Secret
// values are rendered in clear: keep the output private. It sets the
// process's environment while it runs, so calls must not overlap.
func Render(root string, config map[string]string) ([]map[string]any, error) {
	raw, err := json.Marshal(config)
	if err != nil {
		return nil, err
	}
	// The SDK reads a program's config and root folder from the environment.
	for k, v := range map[string]string{pulumi.EnvConfig: string(raw), pulumi.EnvPulumiRootDirectory: root} {
		old, had := os.LookupEnv(k)
		if err := os.Setenv(k, v); err != nil {
			return nil, err
		}
		defer func() {
			if had {
				os.Setenv(k, old)
			} else {
				os.Unsetenv(k)
			}
		}()
	}
	rec := &renderMocks{}
	if err := pulumi.RunErr(Program, pulumi.WithMocks("bytewax", "render", rec)); err != nil {
		return nil, err
	}
	sort.SliceStable(rec.objects, func(i, j int) bool { return kindOrder(rec.objects[i]) < kindOrder(rec.objects[j]) })
	return rec.objects, nil
}

// RenderList renders a stack of the project in root, with its config and
// overrides, as a v1 List that kubectl applies.
func RenderList(root, stackName string, overrides map[string]any) ([]byte, error) {
	cfg, err := ProjectConfig(root, stackName, overrides)
	if err != nil {
		return nil, err
	}
	objects, err := Render(root, cfg)
	if err != nil {
		return nil, err
	}
	return json.MarshalIndent(map[string]any{"apiVersion": "v1", "kind": "List", "items": objects}, "", "  ")
}

// applyOrder puts objects before those that refer to them.
var applyOrder = []string{"Namespace", "Secret", "ServiceAccount", "ConfigMap", "Service", "StatefulSet"}

func kindOrder(obj map[string]any) int {
	return slices.Index(applyOrder, fmt.Sprint(obj["kind"]))
}

type renderMocks struct {
	mu      sync.Mutex
	objects []map[string]any
}

// NewResource records the resource and echoes its inputs as its state.
func (m *renderMocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	if strings.HasPrefix(args.TypeToken, "kubernetes:") {
		plain := objects.FromInputs(args.Inputs)
		m.mu.Lock()
		m.objects = append(m.objects, plain)
		m.mu.Unlock()
	}
	return args.Name + "-id", args.Inputs, nil
}

// Call answers every function call with its arguments.
func (m *renderMocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return args.Args, nil
}

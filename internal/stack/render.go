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

// Config is the config the engine hands the program for a stack.
type Config struct {
	// Values are keyed "bytewax:<key>"; lists and objects are JSON.
	Values map[string]string
	// Secrets are the keys whose values are secret.
	Secrets []string
}

// maskedSecret stands for a secret value of the stack file, which cannot be
// decrypted without the stack's secrets provider. Keys whose value must
// parse have a placeholder of the right shape; the objects show it masked.
const maskedSecret = "[secret]"

// structuredKeys hold lists or objects: a placeholder for one encrypted as
// a whole would render a different object than up deploys.
var structuredKeys = map[string]bool{
	Namespace + ":secretEnv": true, Namespace + ":env": true, Namespace + ":envFrom": true,
	Namespace + ":" + dataflowsKey: true,
}

var secretPlaceholders = map[string]string{
	Namespace + ":registryDockerConfigJson": `{"auths":{}}`,
}

// ProjectConfig is the config the engine hands the program for a stack: the
// defaults declared in Pulumi.yaml, then the values of Pulumi.<stack>.yaml,
// then overrides, keyed "bytewax:<key>". As `pulumi up` reads them, a key
// without a namespace is the project's, a null is an empty value, and a
// secret (encrypted values, or an object holding one) is marked as such;
// its value is masked, since no secrets provider is at hand.
func ProjectConfig(root, stackName string, overrides map[string]any) (*Config, error) {
	var project struct {
		Config map[string]struct {
			Default any `yaml:"default"`
		} `yaml:"config"`
	}
	if err := readYAML(filepath.Join(root, "Pulumi.yaml"), &project); err != nil {
		return nil, err
	}
	cfg := &Config{Values: map[string]string{}}
	for key, decl := range project.Config {
		if decl.Default != nil {
			cfg.Values[Namespace+":"+strings.TrimPrefix(key, Namespace+":")] = configText(decl.Default)
		}
	}
	secret := map[string]bool{}
	if stackName != "" {
		var stackFile struct {
			Config map[string]any `yaml:"config"`
		}
		if err := readYAML(filepath.Join(root, "Pulumi."+stackName+".yaml"), &stackFile); err != nil {
			return nil, err
		}
		for key, v := range stackFile.Config {
			if !strings.Contains(key, ":") {
				key = Namespace + ":" + key
			}
			masked, hasSecret := maskSecrets(v)
			if whole, ok := v.(map[string]any); ok && hasSecret && len(whole) == 1 && whole["secure"] != nil && structuredKeys[key] {
				return nil, fmt.Errorf("%s is encrypted as a whole, so what it holds cannot be rendered without the stack's secrets provider; set its entries one by one with `pulumi config set --secret --path`", key)
			}
			if hasSecret {
				secret[key] = true
				if placeholder, ok := secretPlaceholders[key]; ok {
					masked = placeholder
				}
				if entries, ok := masked.(map[string]any); ok && key == Namespace+":"+dataflowsKey {
					maskEntries(entries)
				}
			}
			cfg.Values[key] = configText(masked)
		}
	}
	for key, v := range overrides {
		cfg.Values[Namespace+":"+key] = configText(v)
		delete(secret, Namespace+":"+key)
	}
	for key := range secret {
		cfg.Secrets = append(cfg.Secrets, key)
	}
	sort.Strings(cfg.Secrets)
	return cfg, nil
}

// maskEntries gives each dataflow entry's masked keys the placeholder of
// the top-level key, so that a rendered entry passes the same checks.
func maskEntries(entries map[string]any) {
	for _, entry := range entries {
		fields, ok := entry.(map[string]any)
		if !ok {
			continue
		}
		for k, v := range fields {
			if placeholder, ok := secretPlaceholders[Namespace+":"+k]; ok && v == maskedSecret {
				fields[k] = placeholder
			}
		}
	}
}

// maskSecrets replaces every encrypted value ({secure: ...}) with
// maskedSecret, and reports whether there was one.
func maskSecrets(v any) (any, bool) {
	switch v := v.(type) {
	case map[string]any:
		if _, ok := v["secure"]; ok && len(v) == 1 {
			return maskedSecret, true
		}
		out, found := map[string]any{}, false
		for k, e := range v {
			masked, ok := maskSecrets(e)
			out[k], found = masked, found || ok
		}
		return out, found
	case []any:
		out, found := make([]any, len(v)), false
		for i, e := range v {
			masked, ok := maskSecrets(e)
			out[i], found = masked, found || ok
		}
		return out, found
	}
	return v, false
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
	case nil:
		return ""
	case []any, map[string]any:
		raw, _ := json.Marshal(v)
		return string(raw)
	default:
		return fmt.Sprint(v)
	}
}

// Render runs Program with the given config, as for the stack stackName,
// without deploying anything, and returns the Kubernetes objects it would
// apply, in a stable order. Secret values are masked.
func Render(root, stackName string, cfg *Config) ([]map[string]any, error) {
	rec := &renderMocks{}
	withConfig := func(info *pulumi.RunInfo) {
		info.Config = cfg.Values
		info.ConfigSecretKeys = cfg.Secrets
		info.RootDirectory = root
	}
	if stackName == "" {
		stackName = "render"
	}
	if err := pulumi.RunErr(Program, pulumi.WithMocks(Namespace, stackName, rec), withConfig); err != nil {
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
	objects, err := Render(root, stackName, cfg)
	if err != nil {
		return nil, err
	}
	return json.MarshalIndent(map[string]any{"apiVersion": "v1", "kind": "List", "items": objects}, "", "  ")
}

// applyOrder puts objects before those that refer to them.
var applyOrder = []string{"Namespace", "Secret", "ServiceAccount", "ConfigMap", "Service", "NetworkPolicy", "PodDisruptionBudget", "StatefulSet", "PodMonitor"}

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
		plain := objects.Masked(args.Inputs, maskedSecret)
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

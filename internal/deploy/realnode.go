package deploy

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

// RealNodeLabel is the label and taint of the local cluster's real node
// (scripts/node.sh): pods that select the label and tolerate the taint run
// there, as real containers.
const RealNodeLabel = "pulumi-bytewax.local/real-node"

// realNodeDir is where scripts/node.sh keeps the node's files.
func realNodeDir(projectDir string) string { return filepath.Join(projectDir, ".cluster", "node") }

// RealNodeImages are the images the real node imported, by role ("bytewax",
// "init", "pause"), as scripts/node.sh lists them.
func RealNodeImages(projectDir string) (map[string]string, error) {
	raw, err := os.ReadFile(filepath.Join(realNodeDir(projectDir), "images"))
	if err != nil {
		return nil, fmt.Errorf("the real node's images: %w (is it running? BYTEWAX_REAL_NODE=1 scripts/cluster.sh up)", err)
	}
	images := map[string]string{}
	for line := range strings.SplitSeq(strings.TrimSpace(string(raw)), "\n") {
		file, name, ok := strings.Cut(line, " ")
		if !ok {
			return nil, fmt.Errorf("the real node's images: a line without a name: %q", line)
		}
		images[strings.TrimSuffix(file, ".tar")] = name
	}
	for _, role := range []string{"bytewax", "init"} {
		if images[role] == "" {
			return nil, fmt.Errorf("the real node's images: no %s image", role)
		}
	}
	return images, nil
}

// RealNodeSettings are the stack config values, under the project's
// namespace, that run a stack's pods on the real node: its local images,
// pulled only when absent (they are imported, and there is no registry), its
// toleration added to the stack's and its label added to the stack's node
// selector. config is the stack's own config.
func RealNodeSettings(config map[string]any, images map[string]string) map[string]any {
	repo, tag, _ := strings.Cut(images["bytewax"], ":")
	initRepo, initTag, _ := strings.Cut(images["init"], ":")
	tolerations, _ := config[ProjectName+":tolerations"].([]any)
	tolerations = append(append([]any{}, tolerations...), map[string]any{
		"key": RealNodeLabel, "operator": "Equal", "value": "true", "effect": "NoSchedule",
	})
	selector := map[string]any{}
	if own, ok := config[ProjectName+":nodeSelector"].(map[string]any); ok {
		maps.Copy(selector, own)
	}
	selector[RealNodeLabel] = "true"
	return map[string]any{
		ProjectName + ":imageRepository":     repo,
		ProjectName + ":imageTag":            tag,
		ProjectName + ":imagePullPolicy":     "IfNotPresent",
		ProjectName + ":initImageRepository": initRepo,
		ProjectName + ":initImageTag":        initTag,
		ProjectName + ":initImagePullPolicy": "IfNotPresent",
		ProjectName + ":tolerations":         tolerations,
		ProjectName + ":nodeSelector":        selector,
	}
}

// WithRealNode rewrites a stack config file's content with RealNodeSettings.
func WithRealNode(stackFile []byte, images map[string]string) ([]byte, error) {
	var file map[string]any
	if err := yaml.Unmarshal(stackFile, &file); err != nil {
		return nil, err
	}
	if file == nil {
		file = map[string]any{}
	}
	config, _ := file["config"].(map[string]any)
	if config == nil {
		config = map[string]any{}
	}
	maps.Copy(config, RealNodeSettings(config, images))
	file["config"] = config
	return yaml.Marshal(file)
}

// RealNodeConfigFile writes a copy of Pulumi.<stack>.yaml with
// RealNodeSettings under the real node's folder, and returns its path, for
// the --config-file of up and preview: the stack's own file is left as it is.
func RealNodeConfigFile(projectDir, stackName string) (string, error) {
	images, err := RealNodeImages(projectDir)
	if err != nil {
		return "", err
	}
	raw, err := os.ReadFile(filepath.Join(projectDir, "Pulumi."+stackName+".yaml"))
	if err != nil {
		return "", err
	}
	content, err := WithRealNode(raw, images)
	if err != nil {
		return "", fmt.Errorf("Pulumi.%s.yaml: %w", stackName, err)
	}
	path := filepath.Join(realNodeDir(projectDir), "Pulumi."+stackName+".yaml")
	return path, os.WriteFile(path, content, 0o644)
}

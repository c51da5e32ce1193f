package stack

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"

	"github.com/agext/levenshtein"
)

// replacedKeys are keys of earlier versions, and what to do instead.
var replacedKeys = map[string]string{
	"existingNamespace": "was replaced by createNamespace, which is false by default: remove existingNamespace, and set createNamespace: true only for a namespace this stack is to create and delete",
}

// declaredKeys are the config keys Pulumi.yaml declares.
func declaredKeys(root string) (map[string]bool, error) {
	var project struct {
		Config map[string]any `yaml:"config"`
	}
	if err := readYAML(filepath.Join(root, "Pulumi.yaml"), &project); err != nil {
		return nil, err
	}
	keys := map[string]bool{}
	for k := range project.Config {
		keys[strings.TrimPrefix(k, Namespace+":")] = true
	}
	return keys, nil
}

// checkUnknownKeys reports keys of the project's namespace in the stack's
// config file that the project does not declare, with the nearest declared
// key. The Go SDK cannot list a stack's keys, so the file is read; keys set
// elsewhere (an ESC environment, --config) are not seen.
func checkUnknownKeys(rep *report, root, stackName string) {
	if root == "" || stackName == "" {
		return
	}
	known, err := declaredKeys(root)
	if err != nil {
		return
	}
	file := "Pulumi." + stackName + ".yaml"
	var stackFile struct {
		Config map[string]any `yaml:"config"`
	}
	if err := readYAML(filepath.Join(root, file), &stackFile); err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			rep.add(file, "%v", err)
		}
		return
	}
	var keys []string
	for k := range stackFile.Config {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, full := range keys {
		ns, key, hasNS := strings.Cut(full, ":")
		if !hasNS {
			key, ns = ns, Namespace
		}
		if ns != Namespace || known[key] {
			continue
		}
		if why, ok := replacedKeys[key]; ok {
			rep.add(Namespace+":"+key, "%s (in %s)", why, file)
			continue
		}
		rep.add(Namespace+":"+key, "is not a key of this project (in %s)%s", file, suggestion(key, known))
	}
}

// suggestion names the declared key nearest to key, when one is near.
func suggestion(key string, known map[string]bool) string {
	best, bestDistance := "", 0
	for k := range known {
		d := levenshtein.Distance(strings.ToLower(key), strings.ToLower(k), nil)
		if best == "" || d < bestDistance || (d == bestDistance && k < best) {
			best, bestDistance = k, d
		}
	}
	if best == "" || bestDistance > max(2, len(key)/3) {
		return "; see the keys in Pulumi.yaml"
	}
	return fmt.Sprintf("; did you mean %s?", best)
}

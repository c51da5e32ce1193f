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

// stackFile is what the stack's config file says, as far as the program
// can tell: the Go SDK cannot list a stack's keys, so the file is read.
type stackFile struct {
	name string
	// keys are the file's keys of the project's namespace, without it.
	keys map[string]bool
	// others are its keys of other namespaces.
	others []string
	// entrySecrets are, for each entry of dataflows, its keys whose values
	// are encrypted.
	entrySecrets map[string]map[string]bool
}

// readStackFile reads Pulumi.<stack>.yaml; nil when there is none.
func readStackFile(rep *report, root, stackName string) *stackFile {
	if root == "" || stackName == "" {
		return nil
	}
	name := "Pulumi." + stackName + ".yaml"
	var content struct {
		Config map[string]any `yaml:"config"`
	}
	if err := readYAML(filepath.Join(root, name), &content); err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			rep.add(name, "%v", err)
		}
		return nil
	}
	f := &stackFile{name: name, keys: map[string]bool{}}
	for full := range content.Config {
		ns, key, hasNS := strings.Cut(full, ":")
		if !hasNS {
			key, ns = ns, Namespace
		}
		if ns == Namespace {
			f.keys[key] = true
			if entries, ok := content.Config[full].(map[string]any); ok && key == dataflowsKey {
				f.entrySecrets = map[string]map[string]bool{}
				for name, entry := range entries {
					f.entrySecrets[name] = map[string]bool{}
					if fields, ok := entry.(map[string]any); ok {
						for k, v := range fields {
							f.entrySecrets[name][k] = containsSecure(v)
						}
					}
				}
			}
		} else {
			f.others = append(f.others, full)
		}
	}
	return f
}

// checkUnknownKeys reports keys of the project's namespace in the stack's
// config file that the project does not declare, with the nearest declared
// key. Keys set elsewhere (an ESC environment, --config) are not seen.
func checkUnknownKeys(rep *report, root string, file *stackFile) {
	if file == nil {
		return
	}
	known, err := declaredKeys(root)
	if err != nil {
		return
	}
	keys := make([]string, 0, len(file.keys))
	for k := range file.keys {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		if known[key] {
			continue
		}
		if why, ok := replacedKeys[key]; ok {
			rep.add(Namespace+":"+key, "%s (in %s)", why, file.name)
			continue
		}
		rep.add(Namespace+":"+key, "is not a key of this project (in %s)%s", file.name, suggestion(key, known))
	}
}

// noteSources says, of each problem whose key the stack file does not set,
// that its value came from elsewhere: Pulumi.yaml's default, an ESC
// environment or --config.
func noteSources(rep *report, file *stackFile) {
	if file == nil {
		return
	}
	for i, line := range rep.lines {
		key, message, ok := strings.Cut(line, ": ")
		path, isOurs := strings.CutPrefix(key, Namespace+":")
		if !ok || !isOurs || strings.Contains(line, "(in "+file.name+")") {
			continue
		}
		top := path
		if end := strings.IndexAny(path, ".[ "); end >= 0 {
			top = path[:end]
		}
		if !file.keys[top] {
			rep.lines[i] = key + " (not set in " + file.name + "): " + message
		}
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

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

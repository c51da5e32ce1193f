package configdoc

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pulumi-bytewax/pulumi-bytewax/components"
)

// root is the project's folder, which holds Pulumi.yaml.
var root, _ = filepath.Abs("../..")

// The checked-in reference is what the generator writes now.
func TestTheReferenceIsUpToDate(t *testing.T) {
	want, err := GenerateFrom(root)
	require.NoError(t, err)
	got, err := os.ReadFile(filepath.Join(root, OutputFile))
	require.NoError(t, err, "generate it with make docs")
	if string(got) == string(want) {
		return
	}
	gotLines, wantLines := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < max(len(gotLines), len(wantLines)); i++ {
		g, w := line(gotLines, i), line(wantLines, i)
		if g != w {
			t.Fatalf("%s is out of date; run make docs. First difference, line %d:\n  file:      %s\n  generated: %s", OutputFile, i+1, g, w)
		}
	}
}

func line(lines []string, i int) string {
	if i < len(lines) {
		return lines[i]
	}
	return "(end of file)"
}

// Pulumi.yaml declares exactly the keys the program reads, each in one
// group of the layout file, and the layout documents exactly the fields
// the program reads of each list or object key.
func TestPulumiYAMLTheLayoutAndTheProgramAgree(t *testing.T) {
	decls, err := ReadProject(root)
	require.NoError(t, err)
	layout, err := ReadLayout(root)
	require.NoError(t, err)
	prog := ReadProgram()
	for _, problem := range Check(decls, layout, prog) {
		t.Error(problem)
	}

	declared := map[string]bool{}
	for _, d := range decls {
		declared[d.Name] = true
	}
	assert.Equal(t, sortedNames(declared), sortedNames(prog.Keys))
	// Keys read only when another is on are found too.
	for _, key := range []string{"recoveryPartitions", "recoveryAccessMode", "batchWait", "podMonitorInterval", "podMonitorLabels", "registrySecretName", "dataflows"} {
		assert.Contains(t, prog.Keys, key)
	}
	assert.NotEmpty(t, Fields(prog.Keys["env"]))
}

// Pulumi.yaml's description of exclude names every pattern the component
// leaves out by default.
func TestExcludeNamesTheDefaultExclusions(t *testing.T) {
	decls, err := ReadProject(root)
	require.NoError(t, err)
	var exclude *Declaration
	for i := range decls {
		if decls[i].Name == "exclude" {
			exclude = &decls[i]
		}
	}
	require.NotNil(t, exclude)
	for _, pattern := range components.DefaultExclude {
		assert.Contains(t, exclude.Description, "`"+pattern+"`", "exclude's description must name the default exclusion %s", pattern)
	}
}

type testEntry struct {
	Name   string `json:"name"`
	Nested *struct {
		Size int `json:"size"`
	} `json:"nested"`
	Limits map[string]string `json:"limits"`
}

// The check finds each way the three sources can disagree.
func TestCheckFindsEachDisagreement(t *testing.T) {
	project := []byte(`
config:
  count:
    type: integer
    default: 1
    description: A count.
  items:
    type: array
    items:
      type: object
    default: []
    description: Some items.
`)
	prog := Program{Keys: map[string]reflect.Type{"count": nil, "items": reflect.TypeOf([]testEntry{})}}
	layout := func() *Layout {
		return &Layout{
			Groups: []Group{{Name: "All", Keys: []string{"count", "items"}}},
			Fields: map[string]FieldDocs{"items": {
				{"name", "Its name."}, {"nested", "Nested."}, {"nested.size", "Its size."}, {"limits", "Limits."},
			}},
		}
	}
	decls, err := parseProject(project)
	require.NoError(t, err)
	require.Empty(t, Check(decls, layout(), prog), "the sources agree")
	doc, err := Generate(decls, layout(), prog)
	require.NoError(t, err)
	assert.Contains(t, string(doc), "| `nested.size` | integer | Its size. |")
	assert.Contains(t, string(doc), "| `limits` | object of strings | Limits. |")
	assert.Contains(t, string(doc), "| [`items`](#items-fields) | array of objects | `[]` | Some items. |")

	for name, c := range map[string]struct {
		project string
		layout  func(*Layout)
		prog    func(*Program)
		want    string
	}{
		"a key in no group": {
			layout: func(l *Layout) { l.Groups[0].Keys = []string{"items"} },
			want:   "count: declared in Pulumi.yaml but in no group",
		},
		"a key in two groups": {
			layout: func(l *Layout) { l.Groups = append(l.Groups, Group{Name: "Again", Keys: []string{"count"}}) },
			want:   "count: in more than one group",
		},
		"a group key not declared": {
			layout: func(l *Layout) { l.Groups[0].Keys = append(l.Groups[0].Keys, "size") },
			want:   "size: in group All of docs/configuration.groups.yaml but not declared in Pulumi.yaml",
		},
		"a declared key the program does not read": {
			prog: func(p *Program) { delete(p.Keys, "count") },
			want: "count: declared in Pulumi.yaml but never read by the program",
		},
		"a key the program reads but Pulumi.yaml does not declare": {
			prog: func(p *Program) { p.Keys["extra"] = nil },
			want: "extra: read by the program but not declared in Pulumi.yaml",
		},
		"a field the Pulumi CLI rejects": {
			project: strings.Replace(string(project), "description: A count.", "description: A count.\n    group: numbers", 1),
			want:    "count: Pulumi.yaml declares group, which the Pulumi CLI rejects",
		},
		"a type the program does not read": {
			project: strings.Replace(string(project), "type: integer", "type: array", 1),
			want:    "count: Pulumi.yaml declares type array, but the program reads it as text",
		},
		"a field left undocumented": {
			layout: func(l *Layout) { l.Fields["items"] = l.Fields["items"][:3] },
			want:   "items.limits: read by the program but not documented",
		},
		"a documented field the program does not read": {
			layout: func(l *Layout) { l.Fields["items"] = append(l.Fields["items"], FieldDoc{"color", "Its color."}) },
			want:   "items.color: documented in docs/configuration.groups.yaml but not a field the program reads",
		},
		"a secret the program refuses": {
			project: strings.Replace(string(project), "description: A count.", "description: A count.\n    secret: true", 1),
			want:    "count: Pulumi.yaml marks it secret, but the program refuses a secret value for it",
		},
	} {
		t.Run(name, func(t *testing.T) {
			raw := string(project)
			if c.project != "" {
				raw = c.project
			}
			decls, err := parseProject([]byte(raw))
			require.NoError(t, err)
			l := layout()
			if c.layout != nil {
				c.layout(l)
			}
			p := Program{Keys: map[string]reflect.Type{}}
			for k, v := range prog.Keys {
				p.Keys[k] = v
			}
			if c.prog != nil {
				c.prog(&p)
			}
			problems := Check(decls, l, p)
			assert.NotEmpty(t, problems)
			assert.Contains(t, strings.Join(problems, "\n"), c.want)
			_, err = Generate(decls, l, p)
			assert.ErrorContains(t, err, c.want, "nothing is generated from sources that disagree")
		})
	}
}

func TestCellsEscapeMarkdownOutsideCode(t *testing.T) {
	assert.Equal(t, "`**/*.pyc` or \\*.pyc, &lt;name&gt;, a \\| b, `a \\| b`", cell("`**/*.pyc` or *.pyc,\n <name>, a | b, `a | b`"))
	assert.Equal(t, "items-fields", anchor("`items` fields"))
	assert.Equal(t, "environment-and-secrets", anchor("Environment and secrets"))
}

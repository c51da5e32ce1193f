package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"

	"github.com/pulumi-bytewax/pulumi-bytewax/internal/stack"
)

const yamlSection = "## Pulumi YAML against Go"

// yamlRows times a no-op `up` of examples/yaml, run by the pulumi CLI
// through the YAML language host and the bytewax plugin, interleaved with a
// no-op `up` of the stack program deploying the same two dataflows, and of
// the program of one ConfigMap (the floor). All three are `pulumi up --yes
// --skip-preview`, which is what the Automation API runs.
func yamlRows(root, work string) ([]measurement, error) {
	floor := measurement{name: "floor: pulumi up of a program of one ConfigMap, nothing changed"}
	goNoop := measurement{name: "Go stack program, the YAML example's two dataflows: pulumi up, nothing changed", baseline: floor.name}
	yamlAuto := measurement{name: "the YAML example, by the Automation API: pulumi up, nothing changed", baseline: goNoop.name}
	yamlNoop := measurement{name: "the YAML example, by the pulumi CLI: pulumi up, nothing changed", baseline: yamlAuto.name}

	install := exec.Command(filepath.Join(root, "scripts", "plugin.sh"))
	if out, err := install.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("installing the plugin: %v\n%s", err, out)
	}
	example := filepath.Join(work, "yaml")
	if err := os.CopyFS(example, os.DirFS(filepath.Join(root, "examples", "yaml"))); err != nil {
		return nil, err
	}
	if err := os.CopyFS(filepath.Join(work, "dataflows", "yaml"), os.DirFS(filepath.Join(example, "dataflows"))); err != nil {
		return nil, err
	}
	cli := func(args ...string) error {
		cmd := exec.Command("pulumi", append(args, "--non-interactive")...)
		cmd.Dir = example
		cmd.Env = append(os.Environ(), "PULUMI_BACKEND_URL=file://"+filepath.Join(example, ".pulumi-state"), "PULUMI_CONFIG_PASSPHRASE=")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("pulumi %s: %v\n%s", strings.Join(args, " "), err, out.String())
		}
		return nil
	}
	if err := os.MkdirAll(filepath.Join(example, ".pulumi-state"), 0o755); err != nil {
		return nil, err
	}
	for _, args := range [][]string{
		{"stack", "init", "bench"},
		{"config", "set", "namespace", "bench-yaml"},
		{"config", "set", "--secret", "apiToken", "bench-token"},
		{"up", "--yes", "--skip-preview"},
	} {
		if err := cli(args...); err != nil {
			return nil, err
		}
	}
	defer func() { _ = cli("destroy", "--yes", "--skip-preview") }()
	yamlStack, err := auto.SelectStackLocalSource(ctx, "bench", example, auto.EnvVars(map[string]string{
		"PULUMI_BACKEND_URL": "file://" + filepath.Join(example, ".pulumi-state"), "PULUMI_CONFIG_PASSPHRASE": "",
	}))
	if err != nil {
		return nil, err
	}

	// The example's settings as stack config.
	same := `config:
  bytewax:namespace: bench-yaml-go
  bytewax:directory: dataflows/yaml
  bytewax:createNamespace: true
  bytewax:dataflows:
    counter:
      processes: 2
      pythonFile: counter.py:flow
      resources:
        requests: {cpu: 250m, memory: 512Mi, ephemeral-storage: 1Gi}
        limits: {memory: 2Gi, ephemeral-storage: 2Gi}
    doubler:
      pythonFile: doubler.py:flow
`
	if err := os.WriteFile(filepath.Join(work, "Pulumi.yaml-go.yaml"), []byte(same), 0o644); err != nil {
		return nil, err
	}
	goStack, err := openStack(work, "yaml-go", stack.ProgramIn(work), nil)
	if err != nil {
		return nil, err
	}
	if err := goStack.SetConfigWithOptions(ctx, "bytewax:secretEnv.API_TOKEN", auto.ConfigValue{Value: "bench-token", Secret: true}, &auto.ConfigOptions{Path: true}); err != nil {
		return nil, err
	}
	if _, err := goStack.Up(ctx); err != nil {
		return nil, err
	}
	defer func() { _, _ = goStack.Destroy(ctx) }()
	floorProgram, err := openStack(work, "yaml-floor", configMapProgram, nil)
	if err != nil {
		return nil, err
	}
	if _, err := floorProgram.Up(ctx); err != nil {
		return nil, err
	}
	defer func() { _, _ = floorProgram.Destroy(ctx) }()

	for i := range *runs {
		log("no-op up of YAML and Go, run %d", i+1)
		d, err := timed(func() error { _, err := floorProgram.Up(ctx); return err })
		if err != nil {
			return nil, err
		}
		floor.samples = append(floor.samples, d)
		d, err = timed(func() error { _, err := goStack.Up(ctx); return err })
		if err != nil {
			return nil, err
		}
		goNoop.samples = append(goNoop.samples, d)
		d, err = timed(func() error { _, err := yamlStack.Up(ctx); return err })
		if err != nil {
			return nil, err
		}
		yamlAuto.samples = append(yamlAuto.samples, d)
		d, err = timed(func() error { return cli("up", "--yes", "--skip-preview") })
		if err != nil {
			return nil, err
		}
		yamlNoop.samples = append(yamlNoop.samples, d)
	}
	return []measurement{floor, goNoop, yamlAuto, yamlNoop}, nil
}

// writeYAMLSection replaces the YAML section of the report in file, or
// adds it at the end.
func writeYAMLSection(file string, rows []measurement) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n", yamlSection)
	fmt.Fprintf(&b, "A no-op `up` of `examples/yaml` (its YAML language host and the bytewax plugin), interleaved with the stack\n")
	fmt.Fprintf(&b, "program deploying the same two dataflows (`dataflows` in stack config), served by the benchmark's own process,\n")
	fmt.Fprintf(&b, "and the program of one ConfigMap. Both programs run by the Automation API, which calls the CLI several\n")
	fmt.Fprintf(&b, "times per `up`, compare like for like; the last row is the YAML example by one `pulumi up --yes --skip-preview`.\n")
	fmt.Fprintf(&b, "Medians of %d runs (`go run ./scripts/bench -only yaml`). A Go program run by plain `pulumi up` is also built\n", *runs)
	fmt.Fprintf(&b, "by the Go language host first, which is not measured here: that host is not available on this machine.\n\n")
	b.WriteString(table(rows))
	section := b.String()

	old, err := os.ReadFile(file)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	text := string(old)
	if start := strings.Index(text, yamlSection); start >= 0 {
		end := len(text)
		if next := strings.Index(text[start+len(yamlSection):], "\n## "); next >= 0 {
			end = start + len(yamlSection) + next + 1
		}
		text = text[:start] + section + "\n" + text[end:]
	} else {
		text = strings.TrimRight(text, "\n") + "\n\n" + section
	}
	return os.WriteFile(file, []byte(strings.TrimRight(text, "\n")+"\n"), 0o644)
}

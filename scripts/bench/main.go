// Command bench measures deployments on the local cluster, side by side
// with a baseline, and Go benchmarks of the component, and writes the table
// to BENCHMARKS.md. Run it with scripts/bench.sh, which provides the tools
// and the cluster.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pulumi-bytewax/pulumi-bytewax/components"
	"github.com/pulumi-bytewax/pulumi-bytewax/internal/deploy"
	"github.com/pulumi-bytewax/pulumi-bytewax/internal/stack"
)

var (
	runs     = flag.Int("runs", 3, "runs of each measurement; the table gives medians")
	out      = flag.String("out", "BENCHMARKS.md", "file to write")
	repoRoot = flag.String("root", ".", "the repository")
	only     = flag.String("only", "", `"yaml": only the no-op up of the YAML example against the Go stack program, written to its section of the file`)
	ctx      = context.Background()
)

// measurement is one row of the table.
type measurement struct {
	name, baseline string
	samples        []time.Duration
}

func (m measurement) median() time.Duration {
	s := append([]time.Duration(nil), m.samples...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func main() {
	flag.Parse()
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "bench: %v\n", err)
		os.Exit(1)
	}
}

func run() error {
	root, err := filepath.Abs(*repoRoot)
	if err != nil {
		return err
	}
	if err := clearLeftovers(); err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "bytewax-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	if err := deploy.CopyProject(root, work); err != nil {
		return err
	}
	file := *out
	if !filepath.IsAbs(file) {
		file = filepath.Join(root, file)
	}
	switch *only {
	case "":
	case "yaml":
		rows, err := yamlRows(root, work)
		if err != nil {
			return err
		}
		return writeYAMLSection(file, rows)
	default:
		return fmt.Errorf("-only takes yaml, not %q", *only)
	}

	cmNoop := measurement{name: "floor: pulumi up of a program of one ConfigMap, nothing changed"}
	upFloor := measurement{name: "floor: kubectl apply --server-side + rollout status, dev stack's objects"}
	upFresh := measurement{name: "pulumi up of the dev stack, fresh, to all pods Ready", baseline: upFloor.name}
	noop := measurement{name: "pulumi up of the dev stack, nothing changed", baseline: cmNoop.name}
	edit := measurement{name: "edit the Python file, up to all pods on the new revision", baseline: upFresh.name}
	realFresh := measurement{name: "real node: pulumi up of the dev stack, fresh, to first output from every process", baseline: upFresh.name}
	realEdit := measurement{name: "real node: edit the Python file, up to the new code's first output from every process", baseline: edit.name}
	one := measurement{name: "pulumi up of 1 dataflow (own program), fresh, to all Ready"}
	twenty := measurement{name: "pulumi up of 20 dataflows in one stack, fresh, to all Ready", baseline: one.name}

	dev, err := openStack(work, "dev", traced(stack.ProgramIn(work)), map[string]string{"namespace": "bench-dev"})
	if err != nil {
		return err
	}
	floorProgram, err := openStack(work, "configmap", traced(configMapProgram), nil)
	if err != nil {
		return err
	}
	onNode, err := openRealStack(root, work)
	if err != nil {
		return err
	}
	if _, err := floorProgram.Up(ctx); err != nil {
		return err
	}
	floorFile := filepath.Join(work, "floor.json")
	if err := writeFloorObjects(work, floorFile); err != nil {
		return err
	}
	for i := range *runs {
		log("fresh up, run %d", i+1)
		d, err := timed(func() error { return applyFloor(floorFile) })
		if err != nil {
			return err
		}
		upFloor.samples = append(upFloor.samples, d)
		if err := kubectl("delete", "namespace", "bench-floor", "--wait=true"); err != nil {
			return err
		}
		d, err = timed(func() error { return up(dev, "bench-dev", "my-dataflow") })
		if err != nil {
			return err
		}
		upFresh.samples = append(upFresh.samples, d)
		d, err = timed(func() error { return upToOutput(onNode, "<dance>") })
		if err != nil {
			return err
		}
		realFresh.samples = append(realFresh.samples, d)
		if i < *runs-1 {
			if _, err := dev.Destroy(ctx); err != nil {
				return err
			}
			if _, err := onNode.Destroy(ctx); err != nil {
				return err
			}
		}
	}
	for i := range *runs {
		log("no-op up and edit, run %d", i+1)
		d, err := timed(func() error { _, err := floorProgram.Up(ctx); return err })
		if err != nil {
			return err
		}
		cmNoop.samples = append(cmNoop.samples, d)
		// Only the up, as for the floor: nothing changed, so there is no
		// rollout to wait for.
		d, err = timed(func() error { _, err := dev.Up(ctx); return err })
		if err != nil {
			return err
		}
		noop.samples = append(noop.samples, d)
		if err := appendLine(work, fmt.Sprintf("# edit %d", i)); err != nil {
			return err
		}
		d, err = timed(func() error { return up(dev, "bench-dev", "my-dataflow") })
		if err != nil {
			return err
		}
		edit.samples = append(edit.samples, d)
		marker := fmt.Sprintf("<edit-%d>", i)
		if err := setRealMarker(work, marker); err != nil {
			return err
		}
		d, err = timed(func() error { return upToOutput(onNode, marker) })
		if err != nil {
			return err
		}
		realEdit.samples = append(realEdit.samples, d)
	}
	if _, err := onNode.Destroy(ctx); err != nil {
		return err
	}

	// Where the time of each kind of `up` goes, from one traced run each.
	log("traced runs")
	var breakdowns []breakdown
	for _, b := range []struct {
		what  string
		s     auto.Stack
		setUp func() error
	}{
		{"a no-op `up` of the program of one ConfigMap", floorProgram, nil},
		{"a no-op `up` of the dev stack", dev, nil},
		{"an `up` of the dev stack after an edit of the Python file", dev, func() error { return appendLine(work, "# traced edit") }},
		{"a fresh `up` of the dev stack", dev, func() error { _, err := dev.Destroy(ctx); return err }},
	} {
		if b.setUp != nil {
			if err := b.setUp(); err != nil {
				return err
			}
		}
		tr := newTrace()
		active = tr
		tr.started = time.Now()
		_, err := b.s.Up(ctx, tr.options()...)
		tr.done = time.Now()
		active = nil
		if err != nil {
			return err
		}
		breakdowns = append(breakdowns, breakdown{b.what, tr.report()})
	}
	if _, err := dev.Destroy(ctx); err != nil {
		return err
	}
	if _, err := floorProgram.Destroy(ctx); err != nil {
		return err
	}

	for i := range *runs {
		for _, m := range []struct {
			n   int
			row *measurement
		}{{1, &one}, {20, &twenty}} {
			log("%d dataflows, run %d", m.n, i+1)
			s, err := openStack(work, fmt.Sprintf("multi-%d", m.n), manyDataflows(filepath.Join(work, "dataflows", "basic"), m.n), nil)
			if err != nil {
				return err
			}
			d, err := timed(func() error {
				if _, err := s.Up(ctx); err != nil {
					return err
				}
				return kubectl("-n", fmt.Sprintf("bench-multi-%d", m.n), "rollout", "status", "statefulset", "--timeout=5m")
			})
			if err != nil {
				return err
			}
			m.row.samples = append(m.row.samples, d)
			if _, err := s.Destroy(ctx); err != nil {
				return err
			}
		}
	}

	log("go benchmarks")
	goBench := exec.Command("go", "test", "-run", "^$", "-bench", "BenchmarkNewBytewaxDataflow", "-benchmem", "-count", fmt.Sprint(*runs), "./components/")
	goBench.Dir = root
	benchOut, err := goBench.CombinedOutput()
	if err != nil {
		return fmt.Errorf("go test -bench: %v\n%s", err, benchOut)
	}
	if err := writeReport(file, []measurement{upFloor, upFresh, realFresh, edit, realEdit, cmNoop, noop, one, twenty}, breakdowns, string(benchOut)); err != nil {
		return err
	}
	yaml, err := yamlRows(root, work)
	if err != nil {
		return err
	}
	return writeYAMLSection(file, yaml)
}

// The real node's stack: the dev stack's settings on the local cluster's
// real node (scripts/node.sh), with a copy of the dataflow of its own, whose
// edits change what it prints.
const (
	realNamespace = "bench-real"
	realDir       = "dataflows/basic-real"
)

func openRealStack(root, work string) (auto.Stack, error) {
	images, err := deploy.RealNodeImages(root)
	if err != nil {
		return auto.Stack{}, err
	}
	raw, err := os.ReadFile(filepath.Join(work, "Pulumi.dev.yaml"))
	if err != nil {
		return auto.Stack{}, err
	}
	if raw, err = deploy.WithRealNode(raw, images); err != nil {
		return auto.Stack{}, err
	}
	if err := os.WriteFile(filepath.Join(work, "Pulumi.real.yaml"), raw, 0o644); err != nil {
		return auto.Stack{}, err
	}
	if err := os.CopyFS(filepath.Join(work, realDir), os.DirFS(filepath.Join(work, "dataflows", "basic"))); err != nil {
		return auto.Stack{}, err
	}
	return openStack(work, "real", stack.ProgramIn(work), map[string]string{"namespace": realNamespace, "directory": realDir})
}

// setRealMarker edits the real node's dataflow to print marker before each
// number instead of what it printed.
func setRealMarker(work, marker string) error {
	file := filepath.Join(work, realDir, "basic.py")
	code, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	edited := regexp.MustCompile(`return f"<[^>]*>\{x\}`).ReplaceAllString(string(code), `return f"`+marker+`{x}`)
	if edited == string(code) {
		return fmt.Errorf("%s: no output line to mark", file)
	}
	return os.WriteFile(file, []byte(edited), 0o644)
}

// upToOutput deploys the real node's stack and waits until the current
// container of every process has printed marker: the cluster formed and
// runs the code that prints it.
func upToOutput(s auto.Stack, marker string) error {
	if _, err := s.Up(ctx); err != nil {
		return err
	}
	deadline := time.Now().Add(3 * time.Minute)
	for {
		printed := 0
		for i := range 3 {
			out, err := exec.Command("kubectl", "-n", realNamespace, "logs", fmt.Sprintf("my-dataflow-%d", i), "-c", "process").Output()
			if err == nil && strings.Contains(string(out), marker) {
				printed++
			}
		}
		if printed == 3 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no %s from every process of %s after 3 minutes", marker, realNamespace)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// appendLine edits the dev stack's Python file.
func appendLine(work, line string) error {
	f, err := os.OpenFile(filepath.Join(work, "dataflows", "basic", "basic.py"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = fmt.Fprintln(f, line)
	return err
}

// active is the trace of the `up` under way, if it is traced.
var active *trace

// traced runs a program under the active trace, if any.
func traced(p pulumi.RunFunc) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		if tr := active; tr != nil {
			return tr.program(p)(ctx)
		}
		return p(ctx)
	}
}

// configMapProgram declares a single ConfigMap: the floor any Kubernetes
// program pays for an `up`, with the same engine and provider.
func configMapProgram(ctx *pulumi.Context) error {
	_, err := corev1.NewConfigMap(ctx, "floor", &corev1.ConfigMapArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String("bench-floor"), Namespace: pulumi.String("default")},
		Data:     pulumi.StringMap{"key": pulumi.String("value")},
	})
	return err
}

type breakdown struct{ what, table string }

func log(format string, a ...any) { fmt.Fprintf(os.Stderr, "bench: "+format+"\n", a...) }

func timed(f func() error) (time.Duration, error) {
	start := time.Now()
	err := f()
	return time.Since(start), err
}

// clearLeftovers deletes the namespaces an interrupted run left behind,
// whose pods would hold the nodes' capacity and keep this run's from
// scheduling. Every namespace the benchmark uses is named bench-*.
func clearLeftovers() error {
	out, err := exec.Command("kubectl", "get", "namespaces", "-o", "name").Output()
	if err != nil {
		return fmt.Errorf("listing namespaces: %w", err)
	}
	for _, ns := range strings.Fields(string(out)) {
		if strings.HasPrefix(ns, "namespace/bench-") {
			log("deleting %s, left by an interrupted run", ns)
			if err := kubectl("delete", ns, "--wait=true"); err != nil {
				return err
			}
		}
	}
	return nil
}

func kubectl(args ...string) error {
	cmd := exec.Command("kubectl", args...)
	cmd.Stderr = os.Stderr
	return cmd.Run()
}

func openStack(work, name string, program pulumi.RunFunc, config map[string]string) (auto.Stack, error) {
	s, err := deploy.Open(ctx, deploy.Options{
		ProjectDir: work, Stack: name, Program: program,
		BackendURL: "file://" + filepath.Join(work, ".pulumi-state"),
	})
	if err != nil {
		return s, err
	}
	for k, v := range config {
		if err := s.SetConfig(ctx, "bytewax:"+k, auto.ConfigValue{Value: v}); err != nil {
			return s, err
		}
	}
	return s, nil
}

// up deploys and waits until the rollout is complete.
func up(s auto.Stack, namespace, name string) error {
	if _, err := s.Up(ctx); err != nil {
		return err
	}
	return kubectl("-n", namespace, "rollout", "status", "statefulset/"+name, "--timeout=5m")
}

// writeFloorObjects renders the dev stack's objects for kubectl.
func writeFloorObjects(work, file string) error {
	list, err := stack.RenderList(work, "dev", map[string]any{"namespace": "bench-floor"})
	if err != nil {
		return err
	}
	return os.WriteFile(file, list, 0o644)
}

func applyFloor(file string) error {
	if err := kubectl("apply", "--server-side", "-f", file); err != nil {
		return err
	}
	return kubectl("-n", "bench-floor", "rollout", "status", "statefulset/my-dataflow", "--timeout=5m")
}

// manyDataflows is a program of n dataflows of 3 processes sharing a
// namespace that the first one creates.
func manyDataflows(dir string, n int) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		var namespace pulumi.StringInput = pulumi.String(fmt.Sprintf("bench-multi-%d", n))
		for i := range n {
			args := &components.BytewaxDataflowArgs{
				Name:          fmt.Sprintf("flow-%d", i),
				Namespace:     namespace,
				Processes:     pulumi.IntRef(3),
				BaseDirectory: dir,
				PythonFile:    "basic.py",
			}
			// The first dataflow creates the namespace; the others take it
			// from its output, which makes them wait for it.
			args.CreateNamespace = i == 0
			d, err := components.NewBytewaxDataflow(ctx, args.Name, args)
			if err != nil {
				return err
			}
			namespace = d.NamespaceName
		}
		return nil
	}
}

// Bytewax's Helm chart on the same local cluster: `helm install --wait` and `helm
// upgrade --wait` of the chart (0.8.x) with the dev stack's values. The
// benchmark does not fetch the chart, so these are not rerun.
const helmInstall, helmUpgrade = 2.6, 2.9

// table renders rows, each with its ratio to its baseline row.
func table(rows []measurement) string {
	byName := map[string]measurement{}
	for _, r := range rows {
		byName[r.name] = r
	}
	var b strings.Builder
	fmt.Fprintf(&b, "| measurement | median | samples | ratio to baseline |\n|---|---|---|---|\n")
	for _, r := range rows {
		var samples []string
		for _, s := range r.samples {
			samples = append(samples, fmt.Sprintf("%.1f s", s.Seconds()))
		}
		ratio := "baseline"
		if r.baseline != "" {
			ratio = fmt.Sprintf("%.2f× %s", r.median().Seconds()/byName[r.baseline].median().Seconds(), shortName(r.baseline))
		}
		fmt.Fprintf(&b, "| %s | %.1f s | %s | %s |\n", r.name, r.median().Seconds(), strings.Join(samples, ", "), ratio)
	}
	return b.String()
}

func writeReport(file string, rows []measurement, breakdowns []breakdown, goBench string) error {
	byName := map[string]measurement{}
	for _, r := range rows {
		byName[r.name] = r
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# Benchmarks\n\n")
	fmt.Fprintf(&b, "Measured by `make bench` (`scripts/bench.sh`, which runs `go run ./scripts/bench -runs %d`) on the\n", *runs)
	fmt.Fprintf(&b, "project's local cluster: kwok nodes, where pods are Ready without containers (control-plane and\n")
	fmt.Fprintf(&b, "tooling times), and, for the rows marked \"real node\", its real node, where real Bytewax processes\n")
	fmt.Fprintf(&b, "run (docs/real-node.md), timed to their own output. Medians of %d runs; each ratio compares two rows measured\n", *runs)
	fmt.Fprintf(&b, "in the same run, interleaved, since the machine is noisy. Last run: %s.\n\n", time.Now().UTC().Format("2006-01-02"))
	b.WriteString(table(rows))
	fmt.Fprintf(&b, "\n## Against Bytewax's Helm chart\n\n")
	fmt.Fprintf(&b, "Bytewax's Helm chart took %.1f s for `helm install --wait` and %.1f s for `helm upgrade --wait` on\n", helmInstall, helmUpgrade)
	fmt.Fprintf(&b, "the same local cluster on a 2-core VM, measured once (the benchmark does not fetch the chart). A fresh `up` of the\n")
	fmt.Fprintf(&b, "dev stack to all pods Ready took %.2f× `helm install --wait`; a code edit rolled to every pod, all\n",
		byName["pulumi up of the dev stack, fresh, to all pods Ready"].median().Seconds()/helmInstall)
	fmt.Fprintf(&b, "processes restarted together, %.2f× `helm upgrade --wait` (after which the chart's pods still run the old code).\n",
		byName["edit the Python file, up to all pods on the new revision"].median().Seconds()/helmUpgrade)
	fmt.Fprintf(&b, "\n## Where the time goes\n\n")
	fmt.Fprintf(&b, "One traced run of each kind, in the same session: seconds from the call to `up`, from the program's own\n")
	fmt.Fprintf(&b, "clock and the engine's event stream (a step runs from its pre event to its outputs event; steps not on a\n")
	fmt.Fprintf(&b, "row's critical path overlap).\n")
	for _, bd := range breakdowns {
		fmt.Fprintf(&b, "\n### %s\n\n%s", bd.what, bd.table)
	}
	fmt.Fprintf(&b, "\n## The component under Pulumi mocks\n\n")
	fmt.Fprintf(&b, "`go test -run '^$' -bench BenchmarkNewBytewaxDataflow -benchmem -count %d ./components/`: one\n", *runs)
	fmt.Fprintf(&b, "program declaring 1, 100 and 1000 dataflows (validation, file packing and every child).\n\n```\n%s```\n", goBench)
	return os.WriteFile(file, []byte(b.String()), 0o644)
}

func shortName(name string) string {
	if i := strings.Index(name, ","); i > 0 {
		return "(" + name[:i] + ")"
	}
	return "(" + name + ")"
}

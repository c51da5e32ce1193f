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
	"sort"
	"strings"
	"time"

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
	work, err := os.MkdirTemp("", "bytewax-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	if err := deploy.CopyProject(root, work); err != nil {
		return err
	}

	upFloor := measurement{name: "floor: kubectl apply --server-side + rollout status, dev stack's objects"}
	upFresh := measurement{name: "pulumi up of the dev stack, fresh, to all pods Ready", baseline: upFloor.name}
	noop := measurement{name: "pulumi up, nothing changed", baseline: upFresh.name}
	edit := measurement{name: "edit the Python file, up to all pods on the new revision", baseline: upFresh.name}
	one := measurement{name: "pulumi up of 1 dataflow (own program), fresh, to all Ready"}
	twenty := measurement{name: "pulumi up of 20 dataflows in one stack, fresh, to all Ready", baseline: one.name}

	dev, err := openStack(work, "dev", nil, map[string]string{"namespace": "bench-dev"})
	if err != nil {
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
		if i < *runs-1 {
			if _, err := dev.Destroy(ctx); err != nil {
				return err
			}
		}
	}
	for i := range *runs {
		log("no-op up and edit, run %d", i+1)
		d, err := timed(func() error { return up(dev, "bench-dev", "my-dataflow") })
		if err != nil {
			return err
		}
		noop.samples = append(noop.samples, d)
		f, err := os.OpenFile(filepath.Join(work, "dataflows", "basic", "basic.py"), os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		fmt.Fprintf(f, "# edit %d\n", i)
		f.Close()
		d, err = timed(func() error { return up(dev, "bench-dev", "my-dataflow") })
		if err != nil {
			return err
		}
		edit.samples = append(edit.samples, d)
	}
	if _, err := dev.Destroy(ctx); err != nil {
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
	return writeReport(filepath.Join(root, *out), []measurement{upFloor, upFresh, noop, edit, one, twenty}, string(benchOut))
}

func log(format string, a ...any) { fmt.Fprintf(os.Stderr, "bench: "+format+"\n", a...) }

func timed(f func() error) (time.Duration, error) {
	start := time.Now()
	err := f()
	return time.Since(start), err
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

func writeReport(file string, rows []measurement, goBench string) error {
	byName := map[string]measurement{}
	for _, r := range rows {
		byName[r.name] = r
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# Benchmarks\n\n")
	fmt.Fprintf(&b, "Measured by `make bench` (`scripts/bench.sh`, which runs `go run ./scripts/bench -runs %d`) on the\n", *runs)
	fmt.Fprintf(&b, "project's local cluster (kwok nodes, so pods are Ready without containers: these are\n")
	fmt.Fprintf(&b, "control-plane and tooling times). Medians of %d runs; each ratio compares two rows measured\n", *runs)
	fmt.Fprintf(&b, "in the same run, interleaved, since the machine is noisy. Last run: %s.\n\n", time.Now().UTC().Format("2006-01-02"))
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

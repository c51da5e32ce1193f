package components_test

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing/fstest"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/pulumi-bytewax/pulumi-bytewax/components"
	"github.com/pulumi-bytewax/pulumi-bytewax/components/bytewaxtest"
)

// flows stands for the dataflow files a library would embed with
// //go:embed; an embed.FS is used the same way.
var flows = fstest.MapFS{
	"orders.py":   {Data: []byte("from bytewax.dataflow import Dataflow\nflow = Dataflow('orders')\n")},
	"payments.py": {Data: []byte("from bytewax.dataflow import Dataflow\nflow = Dataflow('payments')\n")},
}

// A namespace your program creates is passed as an output: every child of
// the dataflow then waits for it, without DependsOn. Marked with the
// stack's annotations and checked first, it is never one that exists and
// is not the stack's (under mocks, as here, the check reads no cluster).
func Example_namespaceCreatedByTheProgram() {
	d, err := bytewaxtest.Record(func(ctx *pulumi.Context) error {
		if err := components.CheckNamespaceCreated(ctx, "streams"); err != nil {
			return err
		}
		ns, err := corev1.NewNamespace(ctx, "streams", &corev1.NamespaceArgs{
			Metadata: &metav1.ObjectMetaArgs{
				Name:        pulumi.String("streams"),
				Annotations: pulumi.ToStringMap(components.OwnerAnnotations(ctx)),
			},
		})
		if err != nil {
			return err
		}
		_, err = components.NewBytewaxDataflow(ctx, "orders", &components.BytewaxDataflowArgs{
			Namespace:  ns.Metadata.Name().Elem(),
			Processes:  pulumi.IntRef(2),
			FS:         flows,
			PythonFile: "orders.py:flow",
		})
		return err
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	var lines []string
	for _, r := range d.Resources {
		if r.Type == bytewaxtest.Namespace || !strings.HasPrefix(r.Type, "kubernetes:") {
			continue
		}
		waits := false
		for _, dep := range r.Dependencies {
			waits = waits || strings.HasSuffix(dep, "kubernetes:core/v1:Namespace::streams")
		}
		meta := r.Plain()["metadata"].(map[string]any)
		lines = append(lines, fmt.Sprintf("%s %s/%s waits for the namespace: %t", strings.TrimPrefix(r.Type, "kubernetes:"), meta["namespace"], meta["name"], waits))
	}
	sort.Strings(lines)
	fmt.Println(strings.Join(lines, "\n"))
	// Output:
	// apps/v1:StatefulSet streams/orders waits for the namespace: true
	// core/v1:ConfigMap streams/orders waits for the namespace: true
	// core/v1:Service streams/orders waits for the namespace: true
	// core/v1:ServiceAccount streams/orders-bytewax waits for the namespace: true
	// networking.k8s.io/v1:NetworkPolicy streams/orders waits for the namespace: true
	// policy/v1:PodDisruptionBudget streams/orders waits for the namespace: true
}

// A secret value, such as one from config.RequireSecret, goes into a
// Secret the component owns; the StatefulSet only refers to it.
func Example_secretEnvValue() {
	d, err := bytewaxtest.Record(func(ctx *pulumi.Context) error {
		_, err := components.NewBytewaxDataflow(ctx, "orders", &components.BytewaxDataflowArgs{
			Namespace:       pulumi.String("streams"),
			CreateNamespace: true,
			FS:              flows,
			PythonFile:      "orders.py",
			Env: []components.EnvVarArgs{
				{Name: "RUST_LOG", Value: pulumi.String("warn")},
				{Name: "KAFKA_PASSWORD", Value: config.RequireSecret(ctx, "bytewax:kafkaPassword")},
			},
		})
		return err
	}, bytewaxtest.WithConfig(map[string]string{"bytewax:kafkaPassword": "hunter2"}, "bytewax:kafkaPassword"))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range d.OfType(bytewaxtest.Secret) {
		fmt.Printf("Secret %s: stringData is a Pulumi secret: %t\n", r.Name, r.IsSecret("stringData"))
	}
	for _, r := range d.OfType(bytewaxtest.StatefulSet) {
		pod := r.Plain()["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)
		env := pod["containers"].([]any)[0].(map[string]any)["env"].([]any)
		for _, e := range env[:2] {
			fmt.Println(e)
		}
	}
	// Output:
	// Secret orders-env: stringData is a Pulumi secret: true
	// map[name:RUST_LOG value:warn]
	// map[name:KAFKA_PASSWORD valueFrom:map[secretKeyRef:map[key:KAFKA_PASSWORD name:orders-env]]]
}

// Two dataflows share a namespace and an explicit provider; the second
// takes the namespace from the first's output, so it waits for it.
func Example_twoDataflowsWithAProvider() {
	d, err := bytewaxtest.Record(func(ctx *pulumi.Context) error {
		cluster, err := kubernetes.NewProvider(ctx, "staging", &kubernetes.ProviderArgs{
			Context: pulumi.String("staging"),
		})
		if err != nil {
			return err
		}
		orders, err := components.NewBytewaxDataflow(ctx, "orders", &components.BytewaxDataflowArgs{
			Namespace:       pulumi.String("streams"),
			CreateNamespace: true,
			Processes:       pulumi.IntRef(3),
			FS:              flows,
			PythonFile:      "orders.py",
		}, pulumi.Provider(cluster))
		if err != nil {
			return err
		}
		payments, err := components.NewBytewaxDataflow(ctx, "payments", &components.BytewaxDataflowArgs{
			Namespace:  orders.NamespaceName,
			FS:         flows,
			PythonFile: "payments.py",
		}, pulumi.Provider(cluster))
		if err != nil {
			return err
		}
		ctx.Export("ordersPeers", orders.PeerAddresses)
		ctx.Export("paymentsStatefulSet", payments.StatefulSetName)
		return nil
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	var lines []string
	for _, r := range d.Resources {
		if strings.HasPrefix(r.Type, "kubernetes:") && r.Type != "pulumi:providers:kubernetes" {
			provider, _, _ := strings.Cut(r.Provider[strings.LastIndex(r.Provider, "::")+2:], "-")
			lines = append(lines, fmt.Sprintf("%s %s via provider %s", strings.TrimPrefix(r.Type, "kubernetes:"), r.Name, provider))
		}
	}
	sort.Strings(lines)
	fmt.Println(strings.Join(lines, "\n"))
	// Output:
	// apps/v1:StatefulSet orders via provider staging
	// apps/v1:StatefulSet payments via provider staging
	// core/v1:ConfigMap orders via provider staging
	// core/v1:ConfigMap payments via provider staging
	// core/v1:Namespace orders via provider staging
	// core/v1:Service orders via provider staging
	// core/v1:Service payments via provider staging
	// core/v1:ServiceAccount orders via provider staging
	// core/v1:ServiceAccount payments via provider staging
	// networking.k8s.io/v1:NetworkPolicy orders via provider staging
	// networking.k8s.io/v1:NetworkPolicy payments via provider staging
	// policy/v1:PodDisruptionBudget orders via provider staging
	// policy/v1:PodDisruptionBudget payments via provider staging
}

// A stateful dataflow keeps its state on a claim per process. Passing the
// last deployment's record as Existing refuses a change Bytewax could not
// resume from before anything is registered.
func Example_recovery() {
	last := &components.RecoveryState{Partitions: 6, Holders: 3, Layout: components.RecoveryClaimPerProcess}
	for _, processes := range []int{3, 2} {
		d, err := bytewaxtest.Record(func(ctx *pulumi.Context) error {
			_, err := components.NewBytewaxDataflow(ctx, "orders", &components.BytewaxDataflowArgs{
				Namespace:  pulumi.String("streams"),
				Processes:  pulumi.IntRef(processes),
				FS:         flows,
				PythonFile: "orders.py:flow",
				Recovery:   &components.RecoveryArgs{Partitions: 6, Existing: last},
			})
			return err
		})
		var invalid *components.ValidationError
		if errors.As(err, &invalid) {
			fmt.Printf("%d processes refused: %s %s\n", processes, invalid.Errors[0].Field, strings.SplitN(invalid.Errors[0].Allowed, ":", 2)[0])
			continue
		} else if err != nil {
			fmt.Println(err)
			return
		}
		for _, r := range d.OfType(bytewaxtest.StatefulSet) {
			claim := r.Plain()["spec"].(map[string]any)["volumeClaimTemplates"].([]any)[0].(map[string]any)
			fmt.Printf("%d processes, each with a claim: %v %v\n", processes, claim["metadata"].(map[string]any)["name"], claim["spec"].(map[string]any)["accessModes"])
		}
	}
	// Output:
	// 3 processes, each with a claim: recovery [ReadWriteOnce]
	// 2 processes refused: Processes must be at least 3 while recovery keeps partitions on the volumes of processes 0 to 2
}

// A dataflow that ends runs as an Indexed Job, once per Run.
func Example_batch() {
	d, err := bytewaxtest.Record(func(ctx *pulumi.Context) error {
		_, err := components.NewBytewaxDataflow(ctx, "nightly", &components.BytewaxDataflowArgs{
			Namespace:  pulumi.String("streams"),
			Processes:  pulumi.IntRef(2),
			FS:         flows,
			PythonFile: "orders.py:flow",
			Batch:      &components.BatchArgs{Run: "2026-11-26", Wait: true},
		})
		return err
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range d.OfType("kubernetes:batch/v1:Job") {
		job := r.Plain()
		spec := job["spec"].(map[string]any)
		fmt.Println(job["metadata"].(map[string]any)["name"], spec["completionMode"], spec["completions"], "retries per process:", spec["backoffLimitPerIndex"])
	}
	// Output:
	// nightly-2026-11-26 Indexed 2 retries per process: 1
}

// ValidateAll checks every dataflow of a program before any is registered,
// and reports each invalid one with all its problems.
func ExampleValidateAll() {
	_, err := bytewaxtest.Record(func(ctx *pulumi.Context) error {
		err := components.ValidateAll(ctx, map[string]*components.BytewaxDataflowArgs{
			"orders":   {Processes: pulumi.IntRef(0), FS: flows, PythonFile: "orders.py"},
			"payments": {FS: flows, PythonFile: "payments.py", Port: pulumi.IntRef(70000)},
		})
		var all components.ValidationErrors
		if errors.As(err, &all) {
			for _, invalid := range all {
				for _, fe := range invalid.Errors {
					fmt.Printf("%s: %s\n", invalid.Resource, fe.Field)
				}
			}
		}
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// orders: Processes
	// payments: Port
}

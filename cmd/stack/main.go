// Command stack runs the project's Pulumi program through the Automation
// API, for machines with the pulumi CLI but no Go language host:
//
//	go run ./cmd/stack [-stack dev] up|preview|refresh|destroy|outputs|render|status
//	go run ./cmd/stack [-stack dev] output NAME
//	go run ./cmd/stack [-stack dev] logs [-f] DATAFLOW
//
// status shows each dataflow of the stack on the cluster: processes ready
// and desired, the revision they run, whether a rollout is in progress, its
// claims and its latest warnings. logs prints the logs of every process of
// one dataflow, each line prefixed with its pod; -f follows them. Both read
// the cluster with kubectl, in the current kube context.
//
// With -real-node, up, preview and refresh put the stack's pods on the local
// cluster's real node (scripts/node.sh), through a copy of the stack's
// config file with the node's images, toleration and selector added.
//
// render prints the Kubernetes objects the stack would deploy, as a v1 List
// for kubectl, without the pulumi CLI or a cluster (secret config is left
// out).
//
// It behaves as the same `pulumi` command run in the project folder: the
// stack's config comes from Pulumi.<stack>.yaml, state from the backend the
// user is logged in to or, by default, a file backend in .pulumi-state.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"

	"github.com/pulumi-bytewax/pulumi-bytewax/internal/deploy"
	"github.com/pulumi-bytewax/pulumi-bytewax/internal/stack"
)

func main() {
	stackName := flag.String("stack", "dev", "stack to operate on")
	dir := flag.String("dir", ".", "project folder (holds Pulumi.yaml)")
	expectNoChanges := flag.Bool("expect-no-changes", false, "preview and up: fail if anything would change")
	remove := flag.Bool("remove", false, "destroy: remove the stack and its config as well")
	realNode := flag.Bool("real-node", false, "up, preview and refresh: run the pods on the local cluster's real node")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: stack [flags] up|preview|refresh|destroy|outputs|render|status\n       stack [flags] output NAME\n       stack [flags] logs [-f] DATAFLOW\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	args := flag.Args()
	// logs takes its own flag after the operation: logs [-f] DATAFLOW.
	logsFlags := flag.NewFlagSet("logs", flag.ExitOnError)
	follow := logsFlags.Bool("f", false, "follow the logs")
	if len(args) > 0 && args[0] == "logs" {
		_ = logsFlags.Parse(args[1:])
		args = append([]string{"logs"}, logsFlags.Args()...)
	}
	named := len(args) > 0 && (args[0] == "output" || args[0] == "logs")
	if named != (len(args) == 2) || len(args) < 1 || len(args) > 2 {
		flag.Usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, args, *stackName, *dir, *expectNoChanges, *remove, *follow, *realNode); err != nil {
		fmt.Fprintf(os.Stderr, "stack %s: %v\n", args[0], err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stackName, dir string, expectNoChanges, remove, follow, realNode bool) error {
	op := args[0]
	if op == "render" {
		return render(dir, stackName)
	}
	var configFile string
	if realNode {
		var err error
		if configFile, err = deploy.RealNodeConfigFile(dir, stackName); err != nil {
			return err
		}
	}
	s, err := deploy.Open(ctx, deploy.Options{ProjectDir: dir, Stack: stackName})
	if err != nil {
		return err
	}
	switch op {
	case "up":
		opts := []optup.Option{optup.ProgressStreams(os.Stdout), optup.ErrorProgressStreams(os.Stderr)}
		if expectNoChanges {
			opts = append(opts, optup.ExpectNoChanges())
		}
		if configFile != "" {
			opts = append(opts, optup.ConfigFile(configFile))
		}
		// The engine's summary lists the outputs; `outputs` prints them as JSON.
		_, err := s.Up(ctx, opts...)
		return err
	case "preview":
		opts := []optpreview.Option{optpreview.ProgressStreams(os.Stdout), optpreview.ErrorProgressStreams(os.Stderr)}
		if expectNoChanges {
			opts = append(opts, optpreview.ExpectNoChanges())
		}
		if configFile != "" {
			opts = append(opts, optpreview.ConfigFile(configFile))
		}
		_, err := s.Preview(ctx, opts...)
		return err
	case "refresh":
		opts := []optrefresh.Option{optrefresh.ProgressStreams(os.Stdout), optrefresh.ErrorProgressStreams(os.Stderr)}
		if configFile != "" {
			opts = append(opts, optrefresh.ConfigFile(configFile))
		}
		_, err := s.Refresh(ctx, opts...)
		return err
	case "destroy":
		if _, err := s.Destroy(ctx, optdestroy.ProgressStreams(os.Stdout), optdestroy.ErrorProgressStreams(os.Stderr)); err != nil {
			return err
		}
		if remove {
			return s.Workspace().RemoveStack(ctx, stackName)
		}
		return nil
	case "outputs":
		return printOutputs(ctx, s)
	case "output":
		return printOutput(ctx, s, args[1])
	case "status":
		return showStatus(ctx, s)
	case "logs":
		return showLogs(ctx, s, args[1], follow)
	default:
		return fmt.Errorf("unknown operation %q; use up, preview, refresh, destroy, outputs, output, render, status or logs", op)
	}
}

func printOutputs(ctx context.Context, s auto.Stack) error {
	outs, err := s.Outputs(ctx)
	if err != nil {
		return err
	}
	plain := map[string]any{}
	for k, v := range outs {
		if v.Secret {
			plain[k] = "[secret]"
		} else {
			plain[k] = v.Value
		}
	}
	raw, err := json.MarshalIndent(plain, "", "  ")
	if err != nil {
		return err
	}
	fmt.Printf("Outputs:\n%s\n", raw)
	return nil
}

// printOutput prints one output as `pulumi stack output NAME` does: a
// string as it is, anything else as JSON; a secret is refused.
func printOutput(ctx context.Context, s auto.Stack, name string) error {
	outs, err := s.Outputs(ctx)
	if err != nil {
		return err
	}
	out, ok := outs[name]
	switch {
	case !ok:
		return fmt.Errorf("the stack has no output %q", name)
	case out.Secret:
		return fmt.Errorf("output %q is a secret; read it with `pulumi stack output --show-secrets %s`", name, name)
	default:
		if text, isString := out.Value.(string); isString {
			fmt.Println(text)
			return nil
		}
		raw, err := json.Marshal(out.Value)
		if err != nil {
			return err
		}
		fmt.Println(string(raw))
	}
	return nil
}

func render(dir, stackName string) error {
	root, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	list, err := stack.RenderList(root, stackName, nil)
	if err != nil {
		return err
	}
	fmt.Println(string(list))
	return nil
}

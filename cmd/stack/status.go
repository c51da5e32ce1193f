package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"

	"github.com/pulumi-bytewax/pulumi-bytewax/internal/status"
)

// kubectl runs kubectl in the current kube context, its errors carrying
// what it printed.
func kubectl(ctx context.Context) status.Kubectl {
	return func(args ...string) ([]byte, error) {
		var stderr bytes.Buffer
		cmd := exec.CommandContext(ctx, "kubectl", args...)
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("kubectl %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
		}
		return out, nil
	}
}

// dataflowsOf lists the stack's dataflows from its outputs.
func dataflowsOf(ctx context.Context, s auto.Stack) ([]status.Dataflow, error) {
	outs, err := s.Outputs(ctx)
	if err != nil {
		return nil, err
	}
	plain := map[string]any{}
	for k, v := range outs {
		plain[k] = v.Value
	}
	return status.FromOutputs(plain)
}

func showStatus(ctx context.Context, s auto.Stack) error {
	dataflows, err := dataflowsOf(ctx, s)
	if err != nil {
		return err
	}
	reports, err := status.Collect(kubectl(ctx), dataflows)
	if err != nil {
		return err
	}
	return status.Print(os.Stdout, reports, time.Now())
}

// showLogs prints the logs of every process of one dataflow, each line
// prefixed with its pod, as `kubectl logs` does for a label selector.
func showLogs(ctx context.Context, s auto.Stack, name string, follow bool) error {
	dataflows, err := dataflowsOf(ctx, s)
	if err != nil {
		return err
	}
	var names []string
	for _, df := range dataflows {
		names = append(names, df.Name)
		if df.Name != name {
			continue
		}
		pods, err := status.Collect(kubectl(ctx), []status.Dataflow{df})
		if err != nil {
			return err
		}
		args := status.LogsArgs(df, len(pods[0].Pods), follow)
		cmd := exec.CommandContext(ctx, "kubectl", args...)
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		return cmd.Run()
	}
	return fmt.Errorf("the stack has no dataflow %q; it has %s", name, strings.Join(quoted(names), ", "))
}

func quoted(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = strconv.Quote(n)
	}
	return out
}

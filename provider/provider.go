// Package provider serves the BytewaxDataflow component of package
// components to Pulumi programs in any language, as the resource plugin
// pulumi-resource-bytewax. It adds no logic of its own: the schema is
// derived from the component's Go types, and each Construct call builds the
// component as a Go program would.
package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pulumi-bytewax/pulumi-bytewax/components"
)

// Name is the Pulumi package the plugin serves: its resources' tokens
// start with "bytewax:".
const Name = "bytewax"

// New returns the provider.
func New() (p.Provider, error) {
	prov, err := infer.NewProviderBuilder().
		WithDisplayName("Bytewax").
		WithDescription("Bytewax dataflows on Kubernetes: the files, a headless Service, a StatefulSet of peers (or an Indexed Job for a batch), and what they need, from one resource.").
		WithKeywords("bytewax", "kubernetes", "stream processing", "category/utility", "kind/component").
		WithLicense("Apache-2.0").
		WithRepository("https://github.com/pulumi-bytewax/pulumi-bytewax").
		WithPublisher("pulumi-bytewax").
		// The Go package's types are the package's index module, as the
		// component's own token says (bytewax:index:BytewaxDataflow).
		WithModuleMap(map[tokens.ModuleName]tokens.ModuleName{"components": "index"}).
		WithLanguageMap(sdkSettings).
		WithComponents(infer.ComponentF(construct)).
		Build()
	if err != nil {
		return prov, err
	}
	prov.GetSchema = finishingSchema(prov.GetSchema)
	prov.Construct = checkingPlainInputs(prov.Construct)
	return prov, nil
}

// sdkSettings are the schema's language sections, which name the SDKs
// generated from it (cmd/gen-sdk) and what they depend on.
var sdkSettings = map[string]any{
	"nodejs": map[string]any{
		"packageName":          "@pulumi-bytewax/bytewax",
		"packageDescription":   "Bytewax dataflows on Kubernetes, as one Pulumi component.",
		"respectSchemaVersion": true,
		"dependencies": map[string]string{
			"@pulumi/pulumi":     "^3.142.0",
			"@pulumi/kubernetes": "^4.25.0",
		},
	},
	"python": map[string]any{
		"packageName":          "pulumi_bytewax",
		"respectSchemaVersion": true,
		"requires": map[string]string{
			"pulumi":            ">=3.142.0,<4.0.0",
			"pulumi-kubernetes": ">=4.25.0,<5.0.0",
		},
		"pyproject": map[string]any{"enabled": true},
	},
}

// runs groups the Construct calls of one deployment, so that the checks
// that span dataflows see all of them. The engine starts a plugin per
// deployment; a preview and an update are kept apart all the same.
var runs struct {
	sync.Mutex
	of map[bool]*components.Run
}

func runFor(dryRun bool) *components.Run {
	runs.Lock()
	defer runs.Unlock()
	if runs.of == nil {
		runs.of = map[bool]*components.Run{}
	}
	if runs.of[dryRun] == nil {
		runs.of[dryRun] = components.NewRun()
	}
	return runs.of[dryRun]
}

// construct builds one dataflow. A context made for a Construct call has
// no project root, so relative paths would have nothing to start from: the
// engine starts the plugin in the program's folder (where Pulumi.yaml is,
// or its main), and BaseDirectory, relative or missing, starts there, as a
// Go program's starts at its project's root.
func construct(ctx *pulumi.Context, name string, args components.BytewaxDataflowArgs, opts ...pulumi.ResourceOption) (*components.BytewaxDataflow, error) {
	runFor(ctx.DryRun()).Join(ctx)
	if !filepath.IsAbs(args.BaseDirectory) {
		program, err := os.Getwd()
		if err != nil {
			return nil, fmt.Errorf("finding the program's folder: %w", err)
		}
		// As Directory does, a relative BaseDirectory stays inside the
		// folder it starts at, unless the program allows otherwise.
		if args.BaseDirectory != "" && !filepath.IsLocal(args.BaseDirectory) && !args.AllowExternalDirectory {
			return nil, fmt.Errorf("invalid BytewaxDataflow arguments for %q:\n  baseDirectory: must lie inside the program's folder %s when relative; give an absolute path, or set allowExternalDirectory (got %q)", name, program, args.BaseDirectory)
		}
		args.BaseDirectory = filepath.Join(program, args.BaseDirectory)
	}
	return components.NewBytewaxDataflow(ctx, name, &args, opts...)
}

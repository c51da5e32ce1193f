// Command gen-sdk generates the bytewax package's TypeScript and Python
// SDKs, and writes its schema, from what the plugin serves, with Pulumi's
// own code generators (`pulumi package gen-sdk` asks each language's host
// to generate, and those hosts are not always at hand). Go programs use
// package components instead.
//
// Usage, from provider/: go run ./cmd/gen-sdk [-out ../sdk]
//
// The schema refers to the Kubernetes package's types, which the pulumi CLI
// reads from its plugin (kubernetes 4.25.0, which scripts/tools.sh
// installs): run it with the tools on PATH, as make sdk does.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/blang/semver"
	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/integration"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	pschema "github.com/pulumi/pulumi/pkg/v3/codegen/schema"

	"github.com/pulumi-bytewax/pulumi-bytewax/components"
	"github.com/pulumi-bytewax/pulumi-bytewax/provider"
)

// tool is the name the SDKs' generated-code headers give.
const tool = "pulumi-bytewax gen-sdk"

func main() {
	out := flag.String("out", filepath.Join("..", "sdk"), "folder to write schema.json, nodejs/ and python/ into")
	flag.Parse()
	if err := generate(*out); err != nil {
		fmt.Fprintf(os.Stderr, "gen-sdk: %v\n", err)
		os.Exit(1)
	}
}

func generate(out string) error {
	ctx := context.Background()
	prov, err := provider.New()
	if err != nil {
		return err
	}
	// Served as the engine would ask for it, with the plugin's name and
	// version in the request's context.
	server, err := integration.NewServer(ctx, provider.Name, semver.MustParse(components.Version), integration.WithProvider(prov))
	if err != nil {
		return err
	}
	resp, err := server.GetSchema(p.GetSchemaRequest{})
	if err != nil {
		return err
	}
	var pretty json.RawMessage = []byte(resp.Schema)
	indented, err := json.MarshalIndent(pretty, "", "  ")
	if err != nil {
		return err
	}
	if err := write(out, map[string][]byte{"schema.json": append(indented, '\n')}); err != nil {
		return err
	}

	loader, err := kubernetesLoader()
	if err != nil {
		return err
	}

	// Each generator annotates the package it is given: bind one each.
	bind := func() (*pschema.Package, error) {
		var spec pschema.PackageSpec
		if err := json.Unmarshal([]byte(resp.Schema), &spec); err != nil {
			return nil, err
		}
		pkg, diags, err := pschema.BindSpec(spec, loader, pschema.ValidationOptions{})
		if err != nil {
			return nil, err
		}
		if diags.HasErrors() {
			return nil, diags
		}
		return pkg, nil
	}
	pkg, err := bind()
	if err != nil {
		return err
	}
	files, err := nodejs.GeneratePackage(tool, pkg, nil, nil, false, loader)
	if err != nil {
		return fmt.Errorf("the TypeScript SDK: %w", err)
	}
	if err := replace(filepath.Join(out, "nodejs"), files); err != nil {
		return err
	}
	if pkg, err = bind(); err != nil {
		return err
	}
	if files, err = python.GeneratePackage(tool, pkg, nil, loader); err != nil {
		return fmt.Errorf("the Python SDK: %w", err)
	}
	// pyproject.toml names a README beside it, which the generator writes
	// into the package's folder alone.
	files["README.md"] = files["pulumi_bytewax/README.md"]
	return replace(filepath.Join(out, "python"), files)
}

// kubernetesVersion is the Kubernetes package whose types the schema
// refers to (affinity), as go.mod pins its SDK.
var kubernetesVersion = semver.MustParse("4.25.0")

// kubernetesLoader serves the Kubernetes package's schema, as its plugin
// gives it to `pulumi package get-schema`, to the binder and generators.
func kubernetesLoader() (pschema.ReferenceLoader, error) {
	cmd := exec.Command("pulumi", "package", "get-schema", "kubernetes@"+kubernetesVersion.String())
	cmd.Stderr = os.Stderr
	raw, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("the Kubernetes package's schema (pulumi package get-schema): %w", err)
	}
	var spec pschema.PartialPackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return nil, err
	}
	languages := map[string]pschema.Language{"nodejs": nodejs.Importer, "python": python.Importer}
	k8s, err := pschema.ImportPartialSpec(spec, languages, noLoader{})
	if err != nil {
		return nil, err
	}
	return pschema.NewCachedLoaderWithEntries(noLoader{}, map[string]pschema.PackageReference{
		"kubernetes:" + kubernetesVersion.String(): k8s,
	}), nil
}

// noLoader loads no package: the schema refers to the Kubernetes package's
// alone.
type noLoader struct{}

func (noLoader) LoadPackage(pkg string, version *semver.Version) (*pschema.Package, error) {
	return nil, fmt.Errorf("package %s %v is not known here", pkg, version)
}

func (l noLoader) LoadPackageV2(_ context.Context, d *pschema.PackageDescriptor) (*pschema.Package, error) {
	return l.LoadPackage(d.Name, d.Version)
}

func (l noLoader) LoadPackageReference(pkg string, version *semver.Version) (pschema.PackageReference, error) {
	return nil, fmt.Errorf("package %s %v is not known here", pkg, version)
}

func (l noLoader) LoadPackageReferenceV2(_ context.Context, d *pschema.PackageDescriptor) (pschema.PackageReference, error) {
	return l.LoadPackageReference(d.Name, d.Version)
}

// built are what building an SDK leaves beside the generated files (see
// .gitignore), which regenerating keeps.
var built = []string{"node_modules", "bin", "package-lock.json", "build", "dist", "venv", "*.egg-info"}

// replace makes dir hold exactly files, but for what a build left there.
func replace(dir string, files map[string][]byte) error {
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	for _, e := range entries {
		keep := false
		for _, pattern := range built {
			if ok, _ := filepath.Match(pattern, e.Name()); ok {
				keep = true
			}
		}
		if !keep {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	return write(dir, files)
}

func write(dir string, files map[string][]byte) error {
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, content, 0o644); err != nil {
			return err
		}
	}
	return nil
}

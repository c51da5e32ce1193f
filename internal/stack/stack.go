// Package stack is the project's Pulumi program: it reads the stack's
// configuration, deploys one BytewaxDataflow and exports its outputs.
// main.go runs it with `pulumi up`; the Automation API runs the very same
// function as an inline program (cmd/stack and the end-to-end tests).
package stack

import (
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/pulumi-bytewax/pulumi-bytewax/components"
)

// Namespace is the config namespace: the project's name in Pulumi.yaml.
const Namespace = "bytewax"

// Program deploys the dataflow the stack's config describes. Relative paths
// are taken from the project's folder, which the engine gives programs run by
// `pulumi up`.
func Program(ctx *pulumi.Context) error {
	return deployDataflow(ctx, ctx.RootDirectory())
}

// ProgramIn is Program for the project in root. The Automation API runs
// inline programs without a project folder, so it must be told.
func ProgramIn(root string) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		if dir := ctx.RootDirectory(); dir != "" {
			root = dir
		}
		return deployDataflow(ctx, root)
	}
}

func deployDataflow(ctx *pulumi.Context, root string) error {
	args, name, err := Args(config.New(ctx, Namespace), root)
	if err != nil {
		return err
	}
	dataflow, err := components.NewBytewaxDataflow(ctx, name, args)
	if err != nil {
		var invalid *components.ValidationError
		if errors.As(err, &invalid) {
			invalid.RenameFields(ConfigKey)
		}
		return err
	}
	ctx.Export("namespace", dataflow.NamespaceName)
	ctx.Export("statefulSet", dataflow.StatefulSetName)
	ctx.Export("service", dataflow.ServiceName)
	ctx.Export("configMap", dataflow.ConfigMapName)
	ctx.Export("serviceAccount", dataflow.ServiceAccountName)
	ctx.Export("peerAddresses", dataflow.PeerAddresses)
	return nil
}

// reader reads config keys, keeping every error for one report.
type reader struct {
	cfg  *config.Config
	errs []string
}

func (r *reader) fail(key, format string, a ...any) {
	r.errs = append(r.errs, fmt.Sprintf("%s:%s: %s", Namespace, key, fmt.Sprintf(format, a...)))
}

func (r *reader) int(key string) *int {
	if r.cfg.Get(key) == "" {
		return nil
	}
	v, err := r.cfg.TryInt(key)
	if err != nil {
		r.fail(key, "must be a whole number (got %q)", r.cfg.Get(key))
		return nil
	}
	return &v
}

func (r *reader) bool(key string) *bool {
	if r.cfg.Get(key) == "" {
		return nil
	}
	v, err := r.cfg.TryBool(key)
	if err != nil {
		r.fail(key, "must be true or false (got %q)", r.cfg.Get(key))
		return nil
	}
	return &v
}

func (r *reader) object(key, shape string, out any) {
	if r.cfg.Get(key) == "" {
		return
	}
	if err := r.cfg.TryObject(key, out); err != nil {
		r.fail(key, "must be %s (got %s)", shape, r.cfg.Get(key))
	}
}

// Args reads the stack config into the component's args and the resource
// name. Relative paths are taken from root, the project's folder.
func Args(cfg *config.Config, root string) (*components.BytewaxDataflowArgs, string, error) {
	r := &reader{cfg: cfg}
	name := cfg.Get("name")
	if name == "" {
		name = "dataflow"
	}
	args := &components.BytewaxDataflowArgs{
		Name:              name,
		Namespace:         cfg.Get("namespace"),
		Processes:         r.int("processes"),
		WorkersPerProcess: r.int("workersPerProcess"),
		Image: components.Image{
			Repository: cfg.Get("imageRepository"),
			Tag:        cfg.Get("imageTag"),
			PullPolicy: cfg.Get("imagePullPolicy"),
		},
		InitImage: components.Image{
			Repository: cfg.Get("initImageRepository"),
			Tag:        cfg.Get("initImageTag"),
			PullPolicy: cfg.Get("initImagePullPolicy"),
		},
		Directory:     cfg.Get("directory"),
		PythonFile:    cfg.Get("pythonFile"),
		KeepAlive:     r.bool("keepAlive"),
		Port:          r.int("port"),
		ClusterDomain: cfg.Get("clusterDomain"),
		ServiceAccount: components.ServiceAccount{
			Name: cfg.Get("serviceAccountName"),
		},
	}
	if existing := r.bool("existingNamespace"); existing != nil {
		args.ExistingNamespace = *existing
	}
	if existing := r.bool("existingServiceAccount"); existing != nil {
		args.ServiceAccount.Existing = *existing
	}
	r.object("files", "a list of paths", &args.Files)
	r.object("imagePullSecrets", "a list of secret names", &args.ImagePullSecrets)
	r.object("env", "a list of {name, value} objects", &args.Env)
	r.object("resources", "an object with requests and limits maps", &args.Resources)
	r.object("labels", "a map of strings", &args.Labels)
	r.object("annotations", "a map of strings", &args.Annotations)
	if cfg.Get("registryDockerConfigJson") != "" {
		docker := cfg.RequireSecret("registryDockerConfigJson")
		args.RegistryCredentials = &components.RegistryCredentials{
			SecretName:       cfg.Get("registrySecretName"),
			DockerConfigJSON: docker,
		}
	}
	if root != "" {
		args.Directory = filepath.Join(root, args.Directory)
	}
	if len(r.errs) > 0 {
		return nil, "", errors.New("invalid stack config:\n  " + strings.Join(r.errs, "\n  "))
	}
	return args, name, nil
}

// configKeys maps the component's fields to the config keys that set them.
var configKeys = map[string]string{
	"Name":                                 "name",
	"Namespace":                            "namespace",
	"Processes":                            "processes",
	"WorkersPerProcess":                    "workersPerProcess",
	"Image.Repository":                     "imageRepository",
	"Image.Tag":                            "imageTag",
	"Image.PullPolicy":                     "imagePullPolicy",
	"InitImage.Repository":                 "initImageRepository",
	"InitImage.Tag":                        "initImageTag",
	"InitImage.PullPolicy":                 "initImagePullPolicy",
	"Directory":                            "directory",
	"Files":                                "files",
	"PythonFile":                           "pythonFile",
	"KeepAlive":                            "keepAlive",
	"Port":                                 "port",
	"ClusterDomain":                        "clusterDomain",
	"ImagePullSecrets":                     "imagePullSecrets",
	"RegistryCredentials.SecretName":       "registrySecretName",
	"RegistryCredentials.DockerConfigJSON": "registryDockerConfigJson",
	"RegistryCredentials":                  "registryDockerConfigJson",
	"Env":                                  "env",
	"Resources":                            "resources",
	"Labels":                               "labels",
	"Annotations":                          "annotations",
	"ServiceAccount.Name":                  "serviceAccountName",
}

// fieldPrefixes are configKeys' fields, longest first, so that "Image.Tag"
// wins over a shorter match.
var fieldPrefixes = func() []string {
	prefixes := make([]string, 0, len(configKeys))
	for p := range configKeys {
		prefixes = append(prefixes, p)
	}
	sort.Slice(prefixes, func(i, j int) bool { return len(prefixes[i]) > len(prefixes[j]) })
	return prefixes
}()

// nestedFields spells the fields inside the env and resources objects as the
// config does.
var nestedFields = strings.NewReplacer(".Name", ".name", ".Value", ".value", ".Requests", ".requests", ".Limits", ".limits")

// ConfigKey names the config key behind a field of the component's args,
// such as "Env[2].Name" → "bytewax:env[2].name".
func ConfigKey(field string) string {
	for _, p := range fieldPrefixes {
		rest, ok := strings.CutPrefix(field, p)
		if !ok || (rest != "" && rest[0] != '.' && rest[0] != '[') {
			continue
		}
		if p == "Env" || p == "Resources" {
			rest = nestedFields.Replace(rest)
		}
		return Namespace + ":" + configKeys[p] + rest
	}
	return field
}

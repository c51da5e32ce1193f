package components

import (
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation"
)

// maxStatefulSetName keeps "<name>-<10-character hash>", the pods'
// controller-revision-hash label, within the 63 characters of a label value.
const maxStatefulSetName = 52

// dataflowSpec is BytewaxDataflowArgs with defaults applied, checked, and
// with the files read: everything the builders need, and nothing they could
// get wrong.
type dataflowSpec struct {
	name                 string
	namespace            string
	createNamespace      bool
	processes            int
	workersPerProcess    int
	image                Image
	initImage            Image
	pythonFile           string // relative to the working directory, ":flow" kept
	files                *dataflowFiles
	keepAlive            bool
	port                 int
	clusterDomain        string
	imagePullSecrets     []string
	registryCredentials  *RegistryCredentials
	env                  []EnvVar
	resources            Resources
	labels               map[string]string
	annotations          map[string]string
	serviceAccountName   string
	createServiceAccount bool
}

// resolve applies the defaults to args and checks all of it, returning every
// problem at once. It is the only place input is validated.
func resolve(resourceName string, args *BytewaxDataflowArgs) (*dataflowSpec, error) {
	if args == nil {
		args = &BytewaxDataflowArgs{}
	}
	var p problems
	s := &dataflowSpec{
		name:                 orDefault(args.Name, resourceName),
		namespace:            orDefault(args.Namespace, DefaultNamespace),
		createNamespace:      !args.ExistingNamespace,
		processes:            intOrDefault(args.Processes, DefaultProcesses),
		workersPerProcess:    intOrDefault(args.WorkersPerProcess, DefaultWorkersPerProcess),
		image:                imageOrDefault(args.Image, DefaultImageRepository, DefaultImageTag),
		initImage:            imageOrDefault(args.InitImage, DefaultInitImageRepo, DefaultInitImageTag),
		pythonFile:           args.PythonFile,
		keepAlive:            DefaultKeepAlive,
		port:                 intOrDefault(args.Port, DefaultPort),
		clusterDomain:        orDefault(args.ClusterDomain, DefaultClusterDomain),
		env:                  args.Env,
		resources:            args.Resources,
		labels:               args.Labels,
		annotations:          args.Annotations,
		createServiceAccount: !args.ServiceAccount.Existing,
	}
	if args.KeepAlive != nil {
		s.keepAlive = *args.KeepAlive
	}
	s.serviceAccountName = orDefault(args.ServiceAccount.Name, s.name+"-bytewax")

	nameField := "Name"
	if args.Name == "" {
		nameField = "Name (defaulted from the resource name)"
	}
	p.addAll(nameField, s.name, validation.IsDNS1035Label(s.name))
	if len(s.name) > maxStatefulSetName {
		p.add(nameField, s.name, "must be at most %d characters, so that the pods' controller-revision-hash label fits in 63", maxStatefulSetName)
	}
	p.addAll("Namespace", s.namespace, validation.IsDNS1123Label(s.namespace))
	atLeastOne(&p, "Processes", s.processes)
	atLeastOne(&p, "WorkersPerProcess", s.workersPerProcess)
	if s.port < 1 || s.port > 65535 {
		p.add("Port", s.port, "must be a port number from 1 to 65535")
	}
	p.addAll("ClusterDomain", s.clusterDomain, validation.IsDNS1123Subdomain(s.clusterDomain))
	checkImage(&p, "Image", s.image)
	checkImage(&p, "InitImage", s.initImage)
	p.addAll("ServiceAccount.Name", s.serviceAccountName, validation.IsDNS1123Subdomain(s.serviceAccountName))

	s.imagePullSecrets = slices.Clone(args.ImagePullSecrets)
	for i, name := range args.ImagePullSecrets {
		p.addAll(fmt.Sprintf("ImagePullSecrets[%d]", i), name, validation.IsDNS1123Subdomain(name))
	}
	if rc := args.RegistryCredentials; rc != nil {
		resolved := *rc
		resolved.SecretName = orDefault(rc.SecretName, s.name+"-registry")
		p.addAll("RegistryCredentials.SecretName", resolved.SecretName, validation.IsDNS1123Subdomain(resolved.SecretName))
		if rc.DockerConfigJSON == nil {
			p.add("RegistryCredentials.DockerConfigJSON", nil, "must hold the registry's docker config.json, as a Pulumi secret")
		}
		if args.ServiceAccount.Existing {
			p.add("RegistryCredentials", "set", "cannot be attached to an existing ServiceAccount; add the secret to that account, or let the component create the account")
		}
		s.registryCredentials = &resolved
		if !slices.Contains(s.imagePullSecrets, resolved.SecretName) {
			s.imagePullSecrets = append(s.imagePullSecrets, resolved.SecretName)
		}
	}

	checkEnv(&p, args.Env)
	checkResources(&p, args.Resources)
	checkLabels(&p, args.Labels)
	for key := range args.Annotations {
		p.addAll("Annotations", key, validation.IsQualifiedName(key))
	}

	s.files = checkFiles(&p, args)

	if err := p.err(); err != nil {
		return nil, err
	}
	return s, nil
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func intOrDefault(v *int, def int) int {
	if v == nil {
		return def
	}
	return *v
}

func imageOrDefault(img Image, repo, tag string) Image {
	if img.Repository == "" && img.Tag == "" {
		img.Repository, img.Tag = repo, tag
	}
	img.Repository = orDefault(img.Repository, repo)
	img.PullPolicy = orDefault(img.PullPolicy, DefaultImagePullPolicy)
	return img
}

func atLeastOne(p *problems, field string, n int) {
	if n < 1 {
		p.add(field, n, "must be a whole number of at least 1")
	}
}

var pullPolicies = []string{"Always", "IfNotPresent", "Never"}

func checkImage(p *problems, field string, img Image) {
	// A registry host may carry a port ("localhost:5000/flow"), but the
	// last part of the repository may not carry a tag or digest.
	last := img.Repository[strings.LastIndex(img.Repository, "/")+1:]
	if img.Repository == "" || strings.ContainsAny(img.Repository, " \t\n@") || strings.Contains(last, ":") {
		p.add(field+".Repository", img.Repository, "must name an image repository, such as %q", DefaultImageRepository)
	}
	if img.Tag == "" || strings.ContainsAny(img.Tag, " \t\n/") {
		p.add(field+".Tag", img.Tag, "must be an image tag, such as %q", DefaultImageTag)
	}
	if !slices.Contains(pullPolicies, img.PullPolicy) {
		p.add(field+".PullPolicy", img.PullPolicy, "must be one of %s", strings.Join(pullPolicies, ", "))
	}
}

// reservedEnv are the variables the component sets itself: overriding one
// would break the cluster's formation in ways that are hard to see.
var reservedEnv = []string{
	"BYTEWAX_PYTHON_FILE_PATH", "BYTEWAX_WORKDIR", "BYTEWAX_WORKERS_PER_PROCESS",
	"BYTEWAX_POD_NAME", "BYTEWAX_REPLICAS", "BYTEWAX_KEEP_CONTAINER_ALIVE",
	"BYTEWAX_HOSTFILE_PATH", "BYTEWAX_STATEFULSET_NAME",
	"BYTEWAX_PROCESS_ID", "BYTEWAX_ADDRESSES",
}

func checkEnv(p *problems, env []EnvVar) {
	seen := map[string]bool{}
	for i, e := range env {
		field := fmt.Sprintf("Env[%d].Name", i)
		p.addAll(field, e.Name, validation.IsEnvVarName(e.Name))
		if slices.Contains(reservedEnv, e.Name) {
			p.add(field, e.Name, "is set by the component and cannot be overridden; reserved: %s", strings.Join(reservedEnv, ", "))
		}
		if seen[e.Name] {
			p.add(field, e.Name, "appears more than once")
		}
		seen[e.Name] = true
	}
}

func checkResources(p *problems, r Resources) {
	for _, group := range []struct {
		field string
		m     map[string]string
	}{{"Resources.Requests", r.Requests}, {"Resources.Limits", r.Limits}} {
		for name, q := range group.m {
			p.addAll(group.field, name, validation.IsQualifiedName(name))
			if _, err := resource.ParseQuantity(q); err != nil {
				p.add(group.field+"."+name, q, "must be a Kubernetes quantity, such as \"500m\" or \"1Gi\"")
			}
		}
	}
}

func checkLabels(p *problems, labels map[string]string) {
	for key, value := range labels {
		p.addAll("Labels", key, validation.IsQualifiedName(key))
		p.addAll("Labels."+key, value, validation.IsValidLabelValue(value))
		if key == labelName || key == labelInstance {
			p.add("Labels", key, "is part of the StatefulSet's selector and is set by the component")
		}
	}
}

// checkFiles checks the file arguments and reads the files.
func checkFiles(p *problems, args *BytewaxDataflowArgs) *dataflowFiles {
	dir := orDefault(args.Directory, ".")
	file, _, _ := strings.Cut(args.PythonFile, ":")
	if args.PythonFile == "" {
		p.add("PythonFile", args.PythonFile, "must name the Python file that defines the dataflow, relative to Directory")
		return nil
	}
	if !filepath.IsLocal(file) {
		p.add("PythonFile", args.PythonFile, "must be a path inside Directory, without \"..\"")
		return nil
	}
	entries := args.Files
	if len(entries) == 0 {
		entries = []string{file}
	}
	ok := true
	for i, e := range entries {
		if !filepath.IsLocal(e) {
			p.add(fmt.Sprintf("Files[%d]", i), e, "must be a path inside Directory, without \"..\"")
			ok = false
		}
	}
	if !ok {
		return nil
	}
	files, err := readEntries(dir, entries)
	if err != nil {
		p.add("Files", entries, "must name files or folders that exist under Directory %q: %v", dir, err)
		return nil
	}
	packed, err := packFiles(files)
	if err != nil {
		p.add("Files", entries, "could not be packed: %v", err)
		return nil
	}
	if !packed.tarball {
		for _, key := range packed.keys() {
			p.addAll("Files", key, validation.IsConfigMapKey(key))
		}
	}
	if !slices.Contains(packed.paths, path.Clean(filepath.ToSlash(file))) {
		p.add("PythonFile", args.PythonFile, "must be one of the shipped files: %s", strings.Join(packed.paths, ", "))
	}
	if size := packed.size(); size > maxConfigMapBytes {
		p.add("Files", entries, "make a ConfigMap of %.2f MiB, over Kubernetes' 1 MiB limit (binary data counts base64-encoded); ship only the code and bake large data into the image or fetch it at run time", float64(size)/(1<<20))
	}
	return packed
}

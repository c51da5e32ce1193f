package components

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/distribution/reference"
	"github.com/opencontainers/go-digest"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/util/validation"
)

// maxStatefulSetName keeps "<name>-<10-character hash>", the pods'
// controller-revision-hash label, within the 63 characters of a label value.
const maxStatefulSetName = 52

// maxProcesses bounds a dataflow's cluster; the peer list grows with it.
const maxProcesses = 10000

// dataflowSpec is BytewaxDataflowArgs with defaults applied, checked, and
// with the files read: everything the builders need, and nothing they could
// get wrong. Inputs are those of the args, or literals for their defaults.
type dataflowSpec struct {
	resource             string
	stack                string // the stack's fully qualified name, its objects' mark
	name                 string
	namespace            pulumi.StringInput
	createNamespace      bool
	processes            int
	workersPerProcess    int
	image                imageSpec
	initImage            imageSpec
	pythonFile           string // relative to the working directory, ":flow" kept
	files                *dataflowFiles
	keepAlive            bool
	port                 int
	dataflowAPI          bool
	dataflowAPIPort      int
	nodeSelector         pulumi.StringMapInput
	tolerations          []TolerationArgs
	topologySpread       string
	topologyKey          string
	priorityClassName    pulumi.StringInput
	affinity             corev1.AffinityPtrInput
	gracePeriod          int
	networkPolicy        bool
	apiFrom              []NetworkPeerArgs
	disruptionBudget     bool
	volumes              []VolumeArgs
	podMonitor           *PodMonitorArgs
	podLabels            pulumi.StringMapInput
	podAnnotations       pulumi.StringMapInput
	otlpEndpoint         pulumi.StringInput
	clusterDomain        string
	imagePullSecrets     pulumi.StringArrayInput
	registry             *registrySpec
	env                  []EnvVarArgs // in order; secret ones have secret set
	secretEnv            []EnvVarArgs // the variables stored in the env Secret
	envFrom              []EnvFromSourceArgs
	resources            *ResourcesArgs
	labels               pulumi.StringMapInput
	annotations          pulumi.StringMapInput
	serviceAccountName   pulumi.StringInput
	createServiceAccount bool
	recovery             *recoverySpec
	batch                *batchSpec
}

// imageSpec is an image with its defaults applied.
type imageSpec struct {
	repository, tag, digest, pullPolicy pulumi.StringInput
}

// registrySpec is the pull secret the component creates.
type registrySpec struct {
	secretName       pulumi.StringInput
	dockerConfigJSON pulumi.StringInput
}

// envSecretName is the Secret holding the variables whose values are
// outputs.
func (s *dataflowSpec) envSecretName() string { return s.name + "-env" }

// isSecretEnv reports whether a variable's value goes through the env
// Secret: a value that is not a literal may be a Pulumi secret.
func isSecretEnv(e EnvVarArgs) bool {
	if e.Value == nil {
		return false
	}
	_, known := knownString(e.Value)
	return !known
}

// validator collects the problems of values known now, and the checks of
// outputs that run when they resolve.
type validator struct {
	problems
	deferred []deferredCheck
	// schemaNames names the fields as the package's schema does, for a
	// dataflow built in a Run (see invalid).
	schemaNames bool
}

// invalid is the ValidationError of the problems found. A dataflow built in
// a Run, which serves programs in other languages, names its fields as the
// package's schema does (recovery.partitions, not Recovery.Partitions).
func (v *validator) invalid(resource string, errs []*FieldError, resolved bool) *ValidationError {
	e := &ValidationError{Resource: resource, Errors: errs, Resolved: resolved}
	if v.schemaNames {
		e.RenameFields(propertyPath)
		for _, fe := range e.Errors {
			fe.Allowed = schemaWords(fe.Allowed)
		}
	}
	return e
}

// deferredCheck checks inputs of which at least one is an output.
type deferredCheck struct {
	inputs []pulumi.Input
	known  []any // the values of the known inputs
	check  func(p *problems, values []any)
}

// when runs check on the values of the inputs: now, when all are known, or
// as they resolve. field names the inputs in the problem an empty output
// makes.
func (v *validator) when(field string, check func(p *problems, values []any), inputs ...pulumi.Input) {
	values := make([]any, len(inputs))
	known := true
	for i, in := range inputs {
		if zeroOutput(in) {
			v.add(field, nil, "is an empty output (the zero value of an Output type), not one a resource or config returned")
			return
		}
		if nilPointer(in) {
			inputs[i] = nil
		}
		val, ok := knownValue(inputs[i])
		values[i] = val
		known = known && ok
	}
	if known {
		check(&v.problems, values)
		return
	}
	v.deferred = append(v.deferred, deferredCheck{inputs: inputs, known: values, check: check})
}

// whenString is when for one string input; a missing input is skipped.
func (v *validator) whenString(field string, in pulumi.StringInput, check func(p *problems, s string)) {
	if in == nil || nilPointer(in) {
		return
	}
	v.when(field, func(p *problems, vals []any) { check(p, asString(vals[0])) }, in)
}

// whenMap is when for one map input; a missing input is skipped.
func (v *validator) whenMap(field string, in pulumi.StringMapInput, check func(p *problems, m map[string]string)) {
	if isNil(in) || nilPointer(in) {
		return
	}
	v.when(field, func(p *problems, vals []any) { check(p, asMap(vals[0])) }, in)
}

// whenStrings is when for string inputs; a missing one is "".
func (v *validator) whenStrings(field string, check func(p *problems, s []string), ins ...pulumi.StringInput) {
	inputs := make([]pulumi.Input, len(ins))
	for i, in := range ins {
		inputs[i] = in
	}
	v.when(field, func(p *problems, vals []any) {
		strs := make([]string, len(vals))
		for i, val := range vals {
			strs[i] = asString(val)
		}
		check(p, strs)
	}, inputs...)
}

func asMap(v any) map[string]string {
	m, _ := v.(map[string]string)
	return m
}

func asString(v any) string {
	s, _ := v.(string)
	return s
}

// gate returns the namespace as the children receive it. With checks of
// outputs pending, it resolves only once all of them pass, and fails the
// deployment with their problems otherwise, so that no child is applied
// with a bad value; it also makes every child depend on those outputs. It
// is secret only if the namespace is, whatever the checked values are, and
// a problem never quotes a secret value.
//
// Each output is awaited once, the namespace included: an output records
// its dependencies once per path to them, so a namespace taken from
// another dataflow's NamespaceName, and awaited twice, would double them
// at every dataflow of such a chain.
func (v *validator) gate(resource string, namespace pulumi.StringInput) pulumi.StringInput {
	if len(v.deferred) == 0 {
		return namespace
	}
	var outputs []pulumi.Output
	index := func(in pulumi.Input) int {
		// An output is awaited as it is (ToOutput would wrap it in a new
		// one, a path of its own); other inputs holding outputs, such
		// as maps, are wrapped.
		o, isOutput := in.(pulumi.Output)
		if !isOutput {
			o = pulumi.ToOutput(in)
		}
		for i, seen := range outputs {
			if seen == o {
				return i
			}
		}
		outputs = append(outputs, o)
		return len(outputs) - 1
	}
	type pending struct {
		check deferredCheck
		// at: each input's index among outputs, -1 for a known value.
		at []int
	}
	var checks []pending
	for _, d := range v.deferred {
		c := pending{check: d, at: make([]int, len(d.inputs))}
		for i, in := range d.inputs {
			c.at[i] = -1
			if _, ok := knownValue(in); !ok {
				c.at[i] = index(in)
			}
		}
		checks = append(checks, c)
	}
	known, nsKnown := knownString(namespace)
	nsAt := -1
	if !nsKnown {
		nsAt = index(namespace)
	}
	all := make([]any, len(outputs))
	for i, o := range outputs {
		all[i] = o
	}
	// The checked values' secrecy is dropped here, and the namespace's
	// own kept below.
	joined := pulumi.Unsecret(pulumi.All(all...)).(pulumi.ArrayOutput)
	return joined.ApplyT(func(values []any) (pulumi.StringOutput, error) {
		var p problems
		for _, c := range checks {
			args := slices.Clone(c.check.known)
			isSecret := false
			for i, at := range c.at {
				if at >= 0 {
					args[i] = values[at]
					// Resolved already, so this does not wait.
					isSecret = isSecret || pulumi.IsSecret(outputs[at])
				}
			}
			before := len(p.errs)
			c.check.check(&p, args)
			if isSecret {
				for _, fe := range p.errs[before:] {
					fe.Value = secretValue{}
				}
			}
		}
		if !p.ok() {
			return pulumi.StringOutput{}, v.invalid(resource, p.errs, true)
		}
		ns := pulumi.String(known).ToStringOutput()
		if nsAt >= 0 {
			ns = pulumi.String(asString(values[nsAt])).ToStringOutput()
			if pulumi.IsSecret(outputs[nsAt]) {
				ns = pulumi.ToSecret(ns).(pulumi.StringOutput)
			}
		}
		return ns, nil
	}).(pulumi.StringOutput)
}

// resolve applies the defaults to args and checks all of it: the values
// known now, at once, returning every problem; the outputs later, through
// the validator's gate. It is the only place input is validated. root is
// the Pulumi project's root folder.
func resolve(root, resourceName string, args *BytewaxDataflowArgs) (*dataflowSpec, *validator) {
	if args == nil {
		args = &BytewaxDataflowArgs{}
	}
	v := &validator{}
	args = fixInputs(&v.problems, args)
	s := &dataflowSpec{
		resource:          resourceName,
		name:              orDefault(args.Name, resourceName),
		namespace:         stringOr(args.Namespace, DefaultNamespace),
		createNamespace:   args.CreateNamespace,
		processes:         intOrDefault(args.Processes, DefaultProcesses),
		workersPerProcess: intOrDefault(args.WorkersPerProcess, DefaultWorkersPerProcess),
		image:             imageOrDefault(args.Image, DefaultImageRepository, DefaultImageTag),
		initImage:         imageOrDefault(args.InitImage, DefaultInitImageRepo, DefaultInitImageTag),
		pythonFile:        args.PythonFile,
		keepAlive:         DefaultKeepAlive,
		port:              intOrDefault(args.Port, DefaultPort),
		dataflowAPI:       args.DataflowAPI == nil || *args.DataflowAPI,
		dataflowAPIPort:   intOrDefault(args.DataflowAPIPort, DefaultDataflowAPIPort),
		nodeSelector:      args.NodeSelector,
		tolerations:       args.Tolerations,
		topologySpread:    orDefault(args.TopologySpread, SpreadSoft),
		topologyKey:       orDefault(args.TopologyKey, DefaultTopologyKey),
		priorityClassName: args.PriorityClassName,
		affinity:          args.Affinity,
		gracePeriod:       intOrDefault(args.TerminationGracePeriodSeconds, DefaultGracePeriod),
		networkPolicy:     args.NetworkPolicy == nil || !args.NetworkPolicy.Disabled,
		volumes:           args.Volumes,
		podLabels:         args.PodLabels,
		podAnnotations:    args.PodAnnotations,
		otlpEndpoint:      args.OTLPEndpoint,
		// Without the dataflow API a crashed dataflow stays Ready, and a
		// budget would then block drains for good.
		disruptionBudget: (args.DisruptionBudget == nil || !args.DisruptionBudget.Disabled) &&
			(args.DataflowAPI == nil || *args.DataflowAPI),
		clusterDomain:        orDefault(args.ClusterDomain, DefaultClusterDomain),
		imagePullSecrets:     args.ImagePullSecrets,
		env:                  args.Env,
		envFrom:              args.EnvFrom,
		resources:            args.Resources,
		labels:               args.Labels,
		annotations:          args.Annotations,
		createServiceAccount: args.ServiceAccount == nil || !args.ServiceAccount.Existing,
	}
	if args.KeepAlive != nil {
		s.keepAlive = *args.KeepAlive
	}

	nameField := "Name"
	if args.Name == "" {
		nameField = "Name (defaulted from the resource name)"
	}
	v.addAll(nameField, s.name, validation.IsDNS1035Label(s.name))
	if len(s.name) > maxStatefulSetName && len(validation.IsDNS1035Label(s.name)) == 0 {
		v.add(nameField, s.name, "must be at most %d characters, so that the pods' controller-revision-hash label fits in 63", maxStatefulSetName)
	}

	v.whenString("Namespace", s.namespace, func(p *problems, ns string) {
		checkNamespace(p, ns, s.createNamespace)
		checkPeerAddress(p, s, ns)
	})
	atLeastOne(&v.problems, "Processes", s.processes)
	if s.processes > maxProcesses {
		v.add("Processes", s.processes, "must be at most %d: every process lists every other in its hostfile", maxProcesses)
	}
	atLeastOne(&v.problems, "WorkersPerProcess", s.workersPerProcess)
	if s.port < 1 || s.port > 65535 {
		v.add("Port", s.port, "must be a port number from 1 to 65535")
	}
	switch {
	case s.dataflowAPIPort < 1 || s.dataflowAPIPort > 65535:
		v.add("DataflowAPIPort", s.dataflowAPIPort, "must be a port number from 1 to 65535")
	case s.dataflowAPI && s.dataflowAPIPort == s.port:
		v.add("DataflowAPIPort", s.dataflowAPIPort, "must differ from Port, which the processes use to reach each other")
	}
	v.addAll("ClusterDomain", s.clusterDomain, validation.IsDNS1123Subdomain(s.clusterDomain))
	checkImage(v, "Image", s.image)
	checkImage(v, "InitImage", s.initImage)

	checkServiceAccount(v, s, args.ServiceAccount)
	checkPullSecrets(v, s.imagePullSecrets)
	checkRegistry(v, s, args)

	checkScheduling(v, s)
	checkNetworkPolicy(v, s, args.NetworkPolicy)
	checkBatch(v, s, args)
	checkRecovery(v, s, args.Recovery)
	checkVolumes(v, s)
	checkPodMonitor(v, s, args.PodMonitor)
	checkEnv(v, s)
	checkEnvFrom(v, s.envFrom)
	checkResources(v, s.resources)
	v.whenMap("Labels", s.labels, checkLabels)
	v.whenMap("Annotations", s.annotations, checkAnnotations)
	v.whenMap("PodLabels", s.podLabels, func(p *problems, m map[string]string) {
		before := len(p.errs)
		checkLabels(p, m)
		renameField(p.errs[before:], "Labels", "PodLabels")
	})
	if !isNil(s.podAnnotations) {
		v.when("PodAnnotations", func(p *problems, vals []any) {
			before := len(p.errs)
			checkAnnotationKeys(p, asMap(vals[0]))
			renameField(p.errs[before:], "Annotations", "PodAnnotations")
			// The pods carry both the objects' annotations and their own.
			checkAnnotationsSize(p, "PodAnnotations", merged(asMap(vals[1]), asMap(vals[0])))
		}, s.podAnnotations, mapOrEmpty(s.annotations))
	}
	if known, ok := knownString(s.otlpEndpoint); ok && known == "" {
		s.otlpEndpoint = nil
	} else if !ok {
		// It may be a secret, such as a URL with a token: it goes through the
		// env Secret like any variable whose value is an output.
		s.secretEnv = append(s.secretEnv, EnvVarArgs{Name: otlpEnvName, Value: s.otlpEndpoint})
	}
	v.whenString("OTLPEndpoint", s.otlpEndpoint, func(p *problems, endpoint string) {
		if u, err := url.Parse(endpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "grpc") || u.Host == "" {
			p.add("OTLPEndpoint", endpoint, "must be a URL such as \"http://otel-collector.monitoring:4317\"")
		}
	})

	s.files = checkFiles(&v.problems, root, args)
	return s, v
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

// imageOrDefault fills in the default image when none is named, the
// default repository and pull policy where they are missing, and the
// default tag for the default repository.
func imageOrDefault(img *ImageArgs, repo, tag string) imageSpec {
	if img == nil {
		img = &ImageArgs{}
	}
	out := imageSpec{repository: img.Repository, tag: img.Tag, digest: img.Digest, pullPolicy: img.PullPolicy}
	// The default repository without a tag or digest is the default image;
	// another repository must say which image it means.
	if givenRepo, known := knownString(out.repository); out.tag == nil && out.digest == nil && known && (givenRepo == "" || givenRepo == repo) {
		out.tag = pulumi.String(tag)
	}
	out.repository = stringOr(out.repository, repo)
	out.pullPolicy = stringOr(out.pullPolicy, DefaultImagePullPolicy)
	return out
}

func atLeastOne(p *problems, field string, n int) {
	if n < 1 {
		p.add(field, n, "must be a whole number of at least 1")
	}
}

// CheckNamespaceCreation returns the problem of creating a namespace that
// belongs to the cluster (default and kube-*), which a program must never
// create, and so never delete: a *FieldError on CreateNamespace. It
// returns nil for any other namespace. Programs that create namespaces
// themselves, such as a stack's for its dataflows, check them with it.
func CheckNamespaceCreation(ns string) error {
	if fe := namespaceCreationProblem(ns); fe != nil {
		return fe
	}
	return nil
}

// namespaceCreationProblem is CheckNamespaceCreation's *FieldError.
func namespaceCreationProblem(ns string) *FieldError {
	if ns != "default" && !strings.HasPrefix(ns, "kube-") {
		return nil
	}
	var p problems
	p.add("CreateNamespace", ns, "cannot create %q: default and kube-* belong to the cluster; deploy into it without CreateNamespace, or name another namespace", ns)
	return p.errs[0]
}

func checkNamespace(p *problems, ns string, create bool) {
	if msgs := validation.IsDNS1123Label(ns); len(msgs) > 0 {
		p.addAll("Namespace", ns, msgs)
		return
	}
	if fe := namespaceCreationProblem(ns); create && fe != nil {
		p.errs = append(p.errs, fe)
	}
}

// checkPeerAddress checks that the last process's DNS name fits the 253
// characters of a domain name.
func checkPeerAddress(p *problems, s *dataflowSpec, ns string) {
	host := strings.Split(peerAddress(s.name, s.name, ns, s.clusterDomain, s.port, strconv.Itoa(s.processes-1)), ":")[0]
	if len(host) > validation.DNS1123SubdomainMaxLength {
		p.add("ClusterDomain", s.clusterDomain, "makes the processes' DNS names, such as %s, longer than %d characters; shorten it, the Name or the Namespace", host, validation.DNS1123SubdomainMaxLength)
	}
}

var pullPolicies = []string{"Always", "IfNotPresent", "Never"}

// anchoredTag is the tag grammar of the distribution reference: a word
// character, then up to 127 word characters, dots and dashes.
var anchoredTag = regexp.MustCompile(`^` + reference.TagRegexp.String() + `$`)

func checkImage(v *validator, field string, img imageSpec) {
	v.whenString(field+".Repository", img.repository, func(p *problems, repo string) {
		named, err := reference.ParseNormalizedNamed(repo)
		if err != nil || !reference.IsNameOnly(named) || repo == "" {
			reason := "without a tag or digest"
			if err != nil {
				reason = err.Error()
			}
			p.add(field+".Repository", repo, "must name an image repository: lowercase path components separated by '/', optionally after a registry host[:port]/, such as %q or \"registry.example.com:5000/team/flow\", %s", DefaultImageRepository, reason)
		}
	})
	v.when(field+".Tag", func(p *problems, vals []any) {
		tag, _ := vals[0].(string)
		dgst, _ := vals[1].(string)
		if tag == "" && dgst == "" {
			p.add(field+".Tag", tag, "must be an image tag, such as %q, unless a Digest pins the image", DefaultImageTag)
		}
		if tag != "" && !anchoredTag.MatchString(tag) {
			p.add(field+".Tag", tag, "must be an image tag: up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'")
		}
		if dgst != "" {
			if _, err := digest.Parse(dgst); err != nil {
				p.add(field+".Digest", dgst, "must be an image digest such as \"sha256:<64 lowercase hex digits>\" (%v)", err)
			}
		}
	}, img.tag, img.digest)
	v.whenString(field+".PullPolicy", img.pullPolicy, func(p *problems, policy string) {
		if !slices.Contains(pullPolicies, policy) {
			p.add(field+".PullPolicy", policy, "must be one of %s", strings.Join(pullPolicies, ", "))
		}
	})
}

func checkServiceAccount(v *validator, s *dataflowSpec, sa *ServiceAccountArgs) {
	if sa == nil || sa.Name == nil {
		if !s.createServiceAccount {
			v.add("ServiceAccount.Name", nil, "must name the existing account the pods run as")
		}
		// Derived from a valid Name, it is valid; from an invalid one,
		// Name's error says it all.
		s.serviceAccountName = pulumi.String(s.name + "-bytewax")
		return
	}
	s.serviceAccountName = sa.Name
	v.whenString("ServiceAccount.Name", sa.Name, func(p *problems, name string) {
		if name == "" && !s.createServiceAccount {
			p.add("ServiceAccount.Name", name, "must name the existing account the pods run as")
			return
		}
		p.addAll("ServiceAccount.Name", name, validation.IsDNS1123Subdomain(name))
	})
}

func checkPullSecrets(v *validator, secrets pulumi.StringArrayInput) {
	if isNil(secrets) {
		return
	}
	v.when("ImagePullSecrets", func(p *problems, vals []any) {
		names, _ := vals[0].([]string)
		seen := map[string]bool{}
		for i, name := range names {
			field := fmt.Sprintf("ImagePullSecrets[%d]", i)
			p.addAll(field, name, validation.IsDNS1123Subdomain(name))
			if seen[name] {
				p.add(field, name, "appears more than once")
			}
			seen[name] = true
		}
	}, secrets)
}

func checkRegistry(v *validator, s *dataflowSpec, args *BytewaxDataflowArgs) {
	rc := args.RegistryCredentials
	if rc == nil {
		return
	}
	if args.ServiceAccount != nil && args.ServiceAccount.Existing {
		v.add("RegistryCredentials", "set", "cannot be attached to an existing ServiceAccount; add the secret to that account, or let the component create the account")
	}
	s.registry = &registrySpec{secretName: rc.SecretName, dockerConfigJSON: rc.DockerConfigJSON}
	if rc.SecretName == nil {
		s.registry.secretName = pulumi.String(s.name + "-registry")
	} else {
		v.whenString("RegistryCredentials.SecretName", rc.SecretName, func(p *problems, name string) {
			p.addAll("RegistryCredentials.SecretName", name, validation.IsDNS1123Subdomain(name))
		})
	}
	if !isNil(s.imagePullSecrets) {
		v.when("ImagePullSecrets", func(p *problems, vals []any) {
			names, _ := vals[0].([]string)
			if name := asString(vals[1]); slices.Contains(names, name) {
				p.add("ImagePullSecrets", name, "names the pull secret the component creates from RegistryCredentials; list only secrets that exist already")
			}
		}, s.imagePullSecrets, s.registry.secretName)
	}
	if rc.DockerConfigJSON == nil {
		v.add("RegistryCredentials.DockerConfigJSON", nil, "must hold the registry's docker config.json, as a Pulumi secret")
		return
	}
	v.whenString("RegistryCredentials.DockerConfigJSON", rc.DockerConfigJSON, checkDockerConfigJSON)
}

// checkDockerConfigJSON checks what the kubelet needs of a
// kubernetes.io/dockerconfigjson Secret: a JSON object with an "auths"
// object. The value is never shown.
func checkDockerConfigJSON(p *problems, raw string) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &doc); err != nil {
		p.add("RegistryCredentials.DockerConfigJSON", secretValue{}, "must be a docker config.json, a JSON object with an \"auths\" object (%s)", jsonProblem(err))
		return
	}
	var auths map[string]json.RawMessage
	if a, ok := doc["auths"]; !ok || json.Unmarshal(a, &auths) != nil || auths == nil {
		p.add("RegistryCredentials.DockerConfigJSON", secretValue{}, "must be a docker config.json, a JSON object with an \"auths\" object, such as {\"auths\":{\"registry.example.com\":{\"auth\":\"...\"}}}")
	}
}

// jsonProblem describes a JSON error without quoting the document.
func jsonProblem(err error) string {
	if se, ok := err.(*json.SyntaxError); ok {
		return fmt.Sprintf("not JSON: syntax error at byte %d", se.Offset)
	}
	if te, ok := err.(*json.UnmarshalTypeError); ok {
		return fmt.Sprintf("a JSON %s, not an object", te.Value)
	}
	return "not JSON"
}

// reservedEnv are the variables the component sets itself: overriding one
// would break the cluster's formation in ways that are hard to see.
var reservedEnv = []string{
	"BYTEWAX_PYTHON_FILE_PATH", "BYTEWAX_WORKDIR", "BYTEWAX_WORKERS_PER_PROCESS",
	"BYTEWAX_POD_NAME", "BYTEWAX_REPLICAS", "BYTEWAX_KEEP_CONTAINER_ALIVE",
	"BYTEWAX_HOSTFILE_PATH", "BYTEWAX_STATEFULSET_NAME",
	"BYTEWAX_PROCESS_ID", "BYTEWAX_ADDRESSES",
	"BYTEWAX_DATAFLOW_API_ENABLED", "BYTEWAX_DATAFLOW_API_PORT", otlpEnvName,
	"BYTEWAX_RECOVERY_DIRECTORY", "BYTEWAX_SNAPSHOT_INTERVAL", "BYTEWAX_RECOVERY_BACKUP_INTERVAL",
}

// otlpEnvName is the variable the tracing endpoint is passed in.
const otlpEnvName = "BYTEWAX_OTLP_URL"

// fieldPaths are the pod fields a variable may read (the downward API's
// fieldRef); labels and annotations are selected by key.
var fieldPaths = []string{
	"metadata.name", "metadata.namespace", "metadata.uid",
	"spec.nodeName", "spec.serviceAccountName",
	"status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs",
}

var keyedFieldPath = regexp.MustCompile(`^metadata\.(labels|annotations)\['([^'\]]+)'\]$`)

func checkEnv(v *validator, s *dataflowSpec) {
	seen := map[string]bool{}
	for i, e := range s.env {
		field := fmt.Sprintf("Env[%d]", i)
		v.addAll(field+".Name", e.Name, validation.IsEnvVarName(e.Name))
		if slices.Contains(reservedEnv, e.Name) {
			v.add(field+".Name", e.Name, "is set by the component and cannot be overridden; reserved: %s", strings.Join(reservedEnv, ", "))
		}
		if seen[e.Name] {
			v.add(field+".Name", e.Name, "appears more than once")
		}
		seen[e.Name] = true
		if e.Value != nil && e.ValueFrom != nil {
			v.add(field, e.Name, "must have a Value or a ValueFrom, not both")
			continue
		}
		if isSecretEnv(e) {
			s.secretEnv = append(s.secretEnv, e)
		}
		if e.ValueFrom != nil {
			checkEnvSource(v, field+".ValueFrom", e.ValueFrom)
		}
	}
}

func checkEnvSource(v *validator, field string, src *EnvVarSourceArgs) {
	set := 0
	if src.SecretKeyRef != nil {
		set++
		checkKeyRef(v, field+".SecretKeyRef", src.SecretKeyRef)
	}
	if src.ConfigMapKeyRef != nil {
		set++
		checkKeyRef(v, field+".ConfigMapKeyRef", src.ConfigMapKeyRef)
	}
	if f := src.FieldRef; f != nil {
		set++
		if f.FieldPath == nil || nilPointer(f.FieldPath) {
			v.add(field+".FieldRef.FieldPath", nil, "must name a field of the pod")
		}
		v.whenString(field+".FieldRef.FieldPath", f.FieldPath, func(p *problems, path string) {
			if m := keyedFieldPath.FindStringSubmatch(path); m != nil {
				p.addAll(field+".FieldRef.FieldPath", path, validation.IsQualifiedName(m[2]))
			} else if !slices.Contains(fieldPaths, path) {
				p.add(field+".FieldRef.FieldPath", path, "must be one of %s, or metadata.labels['<key>'] or metadata.annotations['<key>']", strings.Join(fieldPaths, ", "))
			}
		})
	}
	if r := src.ResourceFieldRef; r != nil {
		set++
		v.whenStrings(field+".ResourceFieldRef", func(p *problems, vals []string) {
			resource, divisor := vals[0], vals[1]
			kind, name, _ := strings.Cut(resource, ".")
			if (kind != "requests" && kind != "limits") || !slices.Contains([]string{"cpu", "memory", "ephemeral-storage"}, name) && !strings.HasPrefix(name, "hugepages-") {
				p.add(field+".ResourceFieldRef.Resource", resource, "must be requests.<name> or limits.<name> for cpu, memory, ephemeral-storage or hugepages-<size>")
			}
			if divisor != "" {
				checkDivisor(p, field+".ResourceFieldRef.Divisor", name, divisor)
			}
		}, r.Resource, r.Divisor)
	}
	if set != 1 {
		v.add(field, set, "must set exactly one of SecretKeyRef, ConfigMapKeyRef, FieldRef and ResourceFieldRef")
	}
}

// Divisors the API server takes for a resourceFieldRef: for cpu 1m or 1,
// for memory and storage a power of 1000 or 1024 from 1 to exa.
var (
	cpuDivisors    = []string{"1m", "1"}
	memoryDivisors = []string{"1", "1k", "1M", "1G", "1T", "1P", "1E", "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei"}
)

func checkDivisor(p *problems, field, resourceName, divisor string) {
	allowed := memoryDivisors
	if resourceName == "cpu" {
		allowed = cpuDivisors
	}
	q, err := parseQuantity(divisor)
	for _, a := range allowed {
		if err == nil && q.Cmp(resourceMustParse(a)) == 0 {
			return
		}
	}
	p.add(field, divisor, "must be one of %s for %s", strings.Join(allowed, ", "), resourceName)
}

func checkKeyRef(v *validator, field string, ref *KeyRefArgs) {
	if ref.Name == nil {
		v.add(field+".Name", nil, "must name the object in the dataflow's namespace")
	}
	if ref.Key == nil {
		v.add(field+".Key", nil, "must name the key in the object")
	}
	v.whenString(field+".Name", ref.Name, func(p *problems, name string) {
		p.addAll(field+".Name", name, validation.IsDNS1123Subdomain(name))
	})
	v.whenString(field+".Key", ref.Key, func(p *problems, key string) {
		p.addAll(field+".Key", key, validation.IsConfigMapKey(key))
	})
}

func checkEnvFrom(v *validator, sources []EnvFromSourceArgs) {
	for i, src := range sources {
		field := fmt.Sprintf("EnvFrom[%d]", i)
		v.whenString(field+".Prefix", src.Prefix, func(p *problems, prefix string) {
			if prefix != "" {
				p.addAll(field+".Prefix", prefix, validation.IsEnvVarName(prefix))
			}
		})
		if (src.SecretRef == nil) == (src.ConfigMapRef == nil) {
			v.add(field, nil, "must set exactly one of SecretRef and ConfigMapRef")
			continue
		}
		ref, refField := src.SecretRef, field+".SecretRef.Name"
		if ref == nil {
			ref, refField = src.ConfigMapRef, field+".ConfigMapRef.Name"
		}
		if ref.Name == nil {
			v.add(refField, nil, "must name the object in the dataflow's namespace")
			continue
		}
		v.whenString(refField, ref.Name, func(p *problems, name string) {
			p.addAll(refField, name, validation.IsDNS1123Subdomain(name))
		})
	}
}

// selectorKeys are part of the StatefulSet's selector, which never changes.
var selectorKeys = []string{labelName, labelInstance}

// componentLabelKeys are the other labels the component sets.
var componentLabelKeys = []string{labelComponent, labelManagedBy, labelVersion}

func checkLabels(p *problems, labels map[string]string) {
	for _, key := range sortedKeys(labels) {
		value := labels[key]
		p.addAll("Labels", key, validation.IsQualifiedName(key))
		p.addAll("Labels."+key, value, validation.IsValidLabelValue(value))
		switch {
		case slices.Contains(selectorKeys, key):
			p.add("Labels", key, "is part of the StatefulSet's selector and is set by the component")
		case slices.Contains(componentLabelKeys, key):
			p.add("Labels", key, "is set by the component")
		}
	}
}

// The API server refuses an object whose annotations' keys and values add
// up to more than totalAnnotationBytes; annotationHeadroom is kept for
// what the component adds to the pods'.
const (
	totalAnnotationBytes = 256 << 10
	annotationHeadroom   = 1024
)

func checkAnnotations(p *problems, annotations map[string]string) {
	checkAnnotationKeys(p, annotations)
	checkAnnotationsSize(p, "Annotations", annotations)
}

func checkAnnotationKeys(p *problems, annotations map[string]string) {
	for _, key := range sortedKeys(annotations) {
		p.addAll("Annotations", key, validation.IsQualifiedName(key))
		switch {
		case strings.HasPrefix(key, "bytewax.io/"):
			p.add("Annotations", key, "is in bytewax.io/, which the component keeps for its own annotations")
		case strings.HasPrefix(key, "pulumi.com/"):
			p.add("Annotations", key, "is in pulumi.com/, which steers the Kubernetes provider (await, deletion, patching) and would undo how the component deploys; use resource options on the component instead")
		}
	}
}

func checkAnnotationsSize(p *problems, field string, annotations map[string]string) {
	total := 0
	for k, v := range annotations {
		total += len(k) + len(v)
	}
	if total+annotationHeadroom > totalAnnotationBytes {
		p.add(field, fmt.Sprintf("%d bytes", total), "must add up to at most %d bytes of keys and values, the API server's %d minus %d the component adds to the pods", totalAnnotationBytes-annotationHeadroom, totalAnnotationBytes, annotationHeadroom)
	}
}

// pythonFileSpec is what bytewax.run accepts: a file, then optionally the
// name of the Dataflow variable, or of a function called with arguments.
var pythonFileSpec = regexp.MustCompile(`^([^:\x00-\x1f]+\.py)(?::([A-Za-z_][A-Za-z0-9_]*)(\([^\x00-\x1f]*\))?)?$`)

// checkFiles checks the file arguments and reads the files, putting each
// problem on the field the user got wrong.
func checkFiles(p *problems, root string, args *BytewaxDataflowArgs) *dataflowFiles {
	m := pythonFileSpec.FindStringSubmatch(args.PythonFile)
	switch {
	case args.PythonFile == "":
		p.add("PythonFile", args.PythonFile, "must name the Python file that defines the dataflow, relative to Directory")
		return nil
	case m == nil:
		p.add("PythonFile", args.PythonFile, `must be "file.py", "file.py:name" or "file.py:factory(args)", with the file relative to Directory`)
		return nil
	case !filepath.IsLocal(m[1]):
		p.add("PythonFile", args.PythonFile, "must be a path inside Directory, without \"..\"")
		return nil
	}
	file := path.Clean(filepath.ToSlash(m[1]))

	exclude := slices.Clone(DefaultExclude)
	for i, pattern := range args.Exclude {
		// As in a .dockerignore, "/data", "./data" and "data/" all mean the
		// folder data at the top of Directory.
		normal := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(pattern, "./"), "/"), "/")
		if normal == "" || !doublestar.ValidatePattern(normal) || strings.Contains(normal, "\\") {
			p.add(fmt.Sprintf("Exclude[%d]", i), pattern, "must be a glob pattern of slash-separated paths, such as \"*.csv\", \"data/\" or \"**/*.tmp\"")
		}
		exclude = append(exclude, normal)
	}
	entries := args.Files
	for i, e := range entries {
		switch {
		case strings.TrimSpace(e) == "":
			p.add(fmt.Sprintf("Files[%d]", i), e, "must name a file or folder; \".\" is the whole Directory")
		case !filepath.IsLocal(e) && path.Clean(filepath.ToSlash(e)) != ".":
			p.add(fmt.Sprintf("Files[%d]", i), e, "must be a path inside Directory, without \"..\"")
		}
	}
	src := fileSource(p, root, args)
	if src == nil || !p.ok() {
		return nil
	}

	if info, err := src.stat(file); err != nil {
		p.add("PythonFile", args.PythonFile, "must name a file in Directory: %s", describeFileError(src, file, err))
		return nil
	} else if kindOf(info.Mode()) != regularFile {
		p.add("PythonFile", args.PythonFile, "must name a file, but %s is not one", src.show(file))
		return nil
	}
	if len(entries) == 0 {
		entries = []string{file}
	}
	c := newCollector(src, exclude)
	for i, e := range entries {
		if err := c.add(filepath.ToSlash(e)); err != nil {
			p.add(fmt.Sprintf("Files[%d]", i), e, "must name a file or folder in Directory: %s", describeFileError(src, path.Clean(filepath.ToSlash(e)), err))
		}
	}
	if !p.ok() {
		return nil
	}
	packed, err := packFiles(c.sorted())
	if err != nil {
		p.add("Files", entries, "could not be packed: %v", err)
		return nil
	}
	if !packed.tarball {
		for _, key := range packed.keys() {
			p.addAll("Files", key, validation.IsConfigMapKey(key))
		}
	}
	if !slices.Contains(packed.paths, file) {
		p.add("PythonFile", args.PythonFile, "must be one of the shipped files (%s); add it to Files, or take it out of Exclude", strings.Join(packed.paths, ", "))
	}
	if size := packed.size(); size > maxConfigMapBytes {
		p.add("Files", entries, "make a ConfigMap of %.2f MiB, over Kubernetes' 1 MiB limit (binary data counts base64-encoded); ship only the code and bake large data into the image or fetch it at run time", float64(size)/(1<<20))
	}
	return packed
}

// fileSource opens the folder the files are read from, confined to the
// project unless the program allows otherwise.
func fileSource(p *problems, root string, args *BytewaxDataflowArgs) source {
	if args.FS != nil {
		if args.Directory == "" {
			return fsSource{fsys: args.FS}
		}
		dir := path.Clean(filepath.ToSlash(args.Directory))
		sub, err := fs.Sub(args.FS, dir)
		if err != nil || !fs.ValidPath(dir) {
			p.add("Directory", args.Directory, "must be a folder of FS, as a slash-separated path without \"..\"")
			return nil
		}
		if info, err := fs.Stat(args.FS, dir); err != nil || !info.IsDir() {
			p.add("Directory", args.Directory, "must be a folder of FS: FS:%s is not one", dir)
			return nil
		}
		return fsSource{fsys: sub, prefix: dir + "/"}
	}
	base := orDefault(args.BaseDirectory, root)
	dir := args.Directory
	if args.BaseDirectory != "" && !filepath.IsAbs(args.BaseDirectory) {
		p.add("BaseDirectory", args.BaseDirectory, "must be an absolute path; relative paths never start at the working directory")
		return nil
	}
	var full string
	switch {
	case filepath.IsAbs(dir):
		if !args.AllowExternalDirectory {
			p.add("Directory", dir, "must be relative to the project's root %s; set AllowExternalDirectory to read an absolute path", displayRoot(base))
			return nil
		}
		full = filepath.Clean(dir)
	case base == "":
		p.add("BaseDirectory", "", "must be set: this program has no Pulumi project root (ctx.RootDirectory() is empty, as for programs the Automation API runs inline), and relative paths never start at the working directory")
		return nil
	default:
		full = filepath.Join(base, dir)
	}
	info, err := os.Stat(full)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		p.add("Directory", dir, "must be an existing folder: %s does not exist", full)
		return nil
	case err != nil:
		p.add("Directory", dir, "must be a folder that can be read: %v", err)
		return nil
	case !info.IsDir():
		p.add("Directory", dir, "must be a folder: %s is a file", full)
		return nil
	}
	real, err := filepath.EvalSymlinks(full)
	if err != nil {
		p.add("Directory", dir, "must be a folder that can be read: %v", err)
		return nil
	}
	if !args.AllowExternalDirectory {
		realBase, err := filepath.EvalSymlinks(base)
		if err != nil {
			p.add("BaseDirectory", base, "must be an existing folder, which Directory must stay inside: %v", err)
			return nil
		}
		if !within(realBase, real) {
			p.add("Directory", dir, "must lie inside the project's root %s, but %s is outside it; set AllowExternalDirectory to read it", base, real)
			return nil
		}
	}
	return newDirSource(real, full)
}

func displayRoot(base string) string {
	if base == "" {
		return "(unknown)"
	}
	return base
}

var (
	spreads             = []string{SpreadSoft, SpreadStrict, SpreadOff}
	tolerationOperators = []string{"Equal", "Exists"}
	taintEffects        = []string{"NoSchedule", "PreferNoSchedule", "NoExecute"}
)

// checkScheduling checks where and how the pods may be scheduled.
func checkScheduling(v *validator, s *dataflowSpec) {
	if !slices.Contains(spreads, s.topologySpread) {
		v.add("TopologySpread", s.topologySpread, "must be one of %s", strings.Join(spreads, ", "))
	}
	v.addAll("TopologyKey", s.topologyKey, validation.IsQualifiedName(s.topologyKey))
	if s.gracePeriod < 0 || s.gracePeriod > 86400 {
		v.add("TerminationGracePeriodSeconds", s.gracePeriod, "must be from 0 to 86400 seconds")
	}
	v.whenMap("NodeSelector", s.nodeSelector, func(p *problems, m map[string]string) {
		for _, key := range sortedKeys(m) {
			p.addAll("NodeSelector", key, validation.IsQualifiedName(key))
			p.addAll("NodeSelector."+key, m[key], validation.IsValidLabelValue(m[key]))
		}
	})
	checkAffinity(v, s.affinity)
	v.whenString("PriorityClassName", s.priorityClassName, func(p *problems, name string) {
		p.addAll("PriorityClassName", name, validation.IsDNS1123Subdomain(name))
	})
	for i, t := range s.tolerations {
		field := fmt.Sprintf("Tolerations[%d]", i)
		// when takes a typed nil pointer for a missing input.
		v.when(field, func(p *problems, vals []any) {
			key, value, effect := asString(vals[0]), asString(vals[2]), asString(vals[3])
			operator := orDefault(asString(vals[1]), "Equal")
			if !slices.Contains(tolerationOperators, operator) {
				p.add(field+".Operator", operator, "must be Equal or Exists")
			}
			if key != "" {
				p.addAll(field+".Key", key, validation.IsQualifiedName(key))
			} else if operator != "Exists" {
				p.add(field+".Key", key, "must be set, unless Operator is Exists (which then tolerates every taint)")
			}
			if operator == "Exists" && value != "" {
				p.add(field+".Value", value, "must be empty with Operator Exists")
			} else {
				p.addAll(field+".Value", value, validation.IsValidLabelValue(value))
			}
			if effect != "" && !slices.Contains(taintEffects, effect) {
				p.add(field+".Effect", effect, "must be one of %s, or empty for all", strings.Join(taintEffects, ", "))
			}
			if n, set := asInt(vals[4]); set && effect != "NoExecute" {
				p.add(field+".TolerationSeconds", n, "applies only to Effect NoExecute")
			}
		}, t.Key, t.Operator, t.Value, t.Effect, t.TolerationSeconds)
	}
}

func checkNetworkPolicy(v *validator, s *dataflowSpec, np *NetworkPolicyArgs) {
	if np == nil {
		return
	}
	s.apiFrom = np.APIFrom
	if np.Disabled && len(np.APIFrom) > 0 {
		v.add("NetworkPolicy.APIFrom", len(np.APIFrom), "has no effect without the NetworkPolicy; remove it, or enable the policy")
	}
	if !s.dataflowAPI && len(np.APIFrom) > 0 {
		v.add("NetworkPolicy.APIFrom", len(np.APIFrom), "has no effect with the dataflow API off")
	}
	for i, peer := range np.APIFrom {
		field := fmt.Sprintf("NetworkPolicy.APIFrom[%d]", i)
		v.when(field, func(p *problems, vals []any) {
			namespaces, pods := asMap(vals[0]), asMap(vals[1])
			if len(namespaces) == 0 && len(pods) == 0 {
				p.add(field, nil, "must select namespaces or pods by labels; to allow everyone, disable the NetworkPolicy")
			}
			for _, group := range []struct {
				name   string
				labels map[string]string
			}{{".NamespaceLabels", namespaces}, {".PodLabels", pods}} {
				for _, key := range sortedKeys(group.labels) {
					p.addAll(field+group.name, key, validation.IsQualifiedName(key))
					p.addAll(field+group.name+"."+key, group.labels[key], validation.IsValidLabelValue(group.labels[key]))
				}
			}
		}, peer.NamespaceLabels, peer.PodLabels)
	}
}

// componentVolumes and componentMounts are the pod's own volumes and where
// the dataflow container mounts them.
var (
	componentVolumes = []string{"hostfile", "python-files", "working-directory", "tmp", recoveryVolume, "recovery-state"}
	componentMounts  = []string{hostfileDir, workDir, "/tmp"}
)

func checkVolumes(v *validator, s *dataflowSpec) {
	volumes, componentMounts := s.volumes, componentMounts
	if s.recovery != nil {
		componentMounts = append(slices.Clip(componentMounts), RecoveryDirectory)
	}
	names, paths := map[string]bool{}, map[string]bool{}
	for i, vol := range volumes {
		field := fmt.Sprintf("Volumes[%d]", i)
		v.addAll(field+".Name", vol.Name, validation.IsDNS1123Label(vol.Name))
		switch {
		case slices.Contains(componentVolumes, vol.Name):
			v.add(field+".Name", vol.Name, "is one of the component's own volumes: %s", strings.Join(componentVolumes, ", "))
		case names[vol.Name]:
			v.add(field+".Name", vol.Name, "appears more than once")
		}
		names[vol.Name] = true

		mountPath := path.Clean(vol.MountPath)
		switch {
		case !path.IsAbs(vol.MountPath) || strings.Contains(vol.MountPath, ":"):
			v.add(field+".MountPath", vol.MountPath, "must be an absolute path, without ':'")
		case slices.ContainsFunc(componentMounts, func(m string) bool {
			return m == mountPath || strings.HasPrefix(m, strings.TrimSuffix(mountPath, "/")+"/")
		}), strings.HasPrefix(mountPath, hostfileDir+"/"), strings.HasPrefix(mountPath, workDir+"/"):
			v.add(field+".MountPath", vol.MountPath, "would hide the component's own mounts (%s) or what is in them; mount it elsewhere, such as /mnt/%s", strings.Join(componentMounts, ", "), vol.Name)
		case paths[mountPath]:
			v.add(field+".MountPath", vol.MountPath, "is the mount path of another volume")
		}
		paths[mountPath] = true

		sources := 0
		if sec := vol.Secret; sec != nil {
			sources++
			if sec.SecretName == nil {
				v.add(field+".Secret.SecretName", nil, "must name a Secret in the dataflow's namespace")
			}
			v.whenString(field+".Secret.SecretName", sec.SecretName, func(p *problems, name string) {
				p.addAll(field+".Secret.SecretName", name, validation.IsDNS1123Subdomain(name))
			})
		}
		if cm := vol.ConfigMap; cm != nil {
			sources++
			if cm.Name == nil {
				v.add(field+".ConfigMap.Name", nil, "must name a ConfigMap in the dataflow's namespace")
			}
			v.whenString(field+".ConfigMap.Name", cm.Name, func(p *problems, name string) {
				p.addAll(field+".ConfigMap.Name", name, validation.IsDNS1123Subdomain(name))
			})
		}
		if ed := vol.EmptyDir; ed != nil {
			sources++
			if vol.ReadOnly != nil && !nilPointer(vol.ReadOnly) {
				v.when(field+".ReadOnly", func(p *problems, vals []any) {
					if asBool(vals[0]) {
						p.add(field+".ReadOnly", true, "would leave an emptyDir empty for good; mount it writable")
					}
				}, vol.ReadOnly)
			}
			v.whenStrings(field+".EmptyDir", func(p *problems, vals []string) {
				medium, sizeLimit := vals[0], vals[1]
				if medium != "" && medium != "Memory" {
					p.add(field+".EmptyDir.Medium", medium, "must be empty (the node's disk) or Memory")
				}
				if sizeLimit != "" {
					if q, err := parseQuantity(sizeLimit); err != nil || q.Sign() <= 0 {
						p.add(field+".EmptyDir.SizeLimit", sizeLimit, "must be a positive quantity, such as \"1Gi\"")
					}
				}
			}, ed.Medium, ed.SizeLimit)
		}
		if sources != 1 {
			v.add(field, vol.Name, "must have exactly one of Secret, ConfigMap and EmptyDir (has %d)", sources)
		}
	}
}

// renameField names problems found by a shared check after the field they
// are about, such as PodLabels for checkLabels' Labels.
func renameField(errs []*FieldError, from, to string) {
	for _, fe := range errs {
		if rest, ok := strings.CutPrefix(fe.Field, from); ok {
			fe.Field = to + rest
		}
	}
}

// prometheusDuration is the Prometheus Operator's duration grammar, as in
// "30s" or "1m30s".
var prometheusDuration = regexp.MustCompile(`^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$`)

func checkPodMonitor(v *validator, s *dataflowSpec, pm *PodMonitorArgs) {
	if pm == nil {
		return
	}
	s.podMonitor = pm
	if !s.dataflowAPI {
		v.add("PodMonitor", "set", "needs the dataflow API, which serves /metrics; turn DataflowAPI on")
	}
	v.whenString("PodMonitor.Interval", pm.Interval, func(p *problems, interval string) {
		if interval != "" && (interval == "0" || !prometheusDuration.MatchString(interval)) {
			p.add("PodMonitor.Interval", interval, "must be a duration such as \"30s\" or \"1m30s\"")
		}
	})
	v.whenMap("PodMonitor.Labels", pm.Labels, func(p *problems, labels map[string]string) {
		for _, key := range sortedKeys(labels) {
			p.addAll("PodMonitor.Labels", key, validation.IsQualifiedName(key))
			p.addAll("PodMonitor.Labels."+key, labels[key], validation.IsValidLabelValue(labels[key]))
		}
	})
}

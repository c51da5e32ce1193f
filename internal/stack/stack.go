// Package stack is the project's Pulumi program: it reads the stack's
// configuration, deploys one BytewaxDataflow and exports its outputs.
// main.go runs it with `pulumi up`; the Automation API runs the very same
// function as an inline program (cmd/stack and the end-to-end tests).
package stack

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

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
	rep := &report{}
	top := &reader{src: contextSource{ctx}, report: rep}
	file := readStackFile(rep, root, ctx.Stack())
	checkUnknownKeys(rep, root, file)
	declared, _ := declaredKeys(root)
	refuseSecrets(top, sortedKeys(declared))

	// A stack lists its dataflows, or its top-level keys are its one
	// dataflow.
	entries := readEntries(top, file, declared)
	var dfs []*dataflowConfig
	if entries == nil {
		dfs = append(dfs, readDataflow(top))
	}
	for _, e := range entries {
		r := &reader{src: e, report: rep}
		refuseSecrets(r, slices.Sorted(maps.Keys(e.values)))
		dfs = append(dfs, readDataflow(r))
	}

	for _, df := range dfs {
		// keepAlive's project default is for streams: a batch ends, and
		// refuses it only when a stack asks for it.
		if df.args.Batch != nil && !setInStackFile(df.src, file, "keepAlive") {
			df.args.KeepAlive = nil
		}
	}
	if rep.err(ctx.Stack()) == nil {
		if err := lastRecords(ctx, dfs, entries != nil); err != nil {
			return err
		}
	}
	// The component checks literal values up front; the stack's secrets
	// are outputs, so it is shown their plain values too, to report every
	// problem of the config at once, two dataflows' clashing objects
	// included.
	plain := map[string]*components.BytewaxDataflowArgs{}
	byName := map[string]*dataflowConfig{}
	for _, df := range dfs {
		df.args.BaseDirectory = root
		warnUnencrypted(ctx, df.src, df)
		plain[df.name], byName[df.name] = df.plainArgs(), df
		if entries != nil {
			// Listed dataflows' namespaces are the stack's, checked
			// with planNamespaces.
			plain[df.name].CreateNamespace = false
		}
	}
	var invalids components.ValidationErrors
	errors.As(components.ValidateAll(ctx, plain), &invalids)
	for _, invalid := range invalids {
		for _, fe := range invalid.Errors {
			fe.Field = byName[invalid.Resource].configKey(fe.Field)
			rep.lines = append(rep.lines, fe.Error())
		}
	}
	var namespaces *namespacePlan
	if entries != nil {
		namespaces = planNamespaces(top, dfs)
		// The stack creates these itself, and so checks them itself, as
		// the component does its own.
		if len(rep.lines) == 0 {
			for _, ns := range slices.Sorted(maps.Keys(namespaces.askedBy)) {
				if err := components.CheckNamespaceCreated(ctx, ns); err != nil {
					rep.add(Namespace+":dataflows."+namespaces.askedBy[ns][0]+".createNamespace", "%v", err)
				}
			}
		}
	}
	// A stack-wide value shared by several dataflows is reported once.
	rep.dedupe()
	noteSources(rep, file)
	if err := rep.err(ctx.Stack()); err != nil {
		return err
	}

	if entries == nil {
		dataflow, err := newDataflow(ctx, dfs[0])
		if err != nil {
			return err
		}
		for name, out := range dataflowOutputs(dataflow) {
			ctx.Export(name, out)
		}
		return nil
	}

	// A listed dataflow never owns its namespace: the stack does.
	created, err := stackNamespaces(ctx, namespaces)
	if err != nil {
		return err
	}
	deployed := map[string]*components.BytewaxDataflow{}
	for _, df := range dfs {
		var opts []pulumi.ResourceOption
		if ns, ok := created[df.namespace]; ok {
			df.args.CreateNamespace = false
			opts = append(opts, pulumi.DependsOn([]pulumi.Resource{ns}))
		}
		if deployed[df.name], err = newDataflow(ctx, df, opts...); err != nil {
			return err
		}
	}
	exportDataflows(ctx, deployed)
	return nil
}

// newDataflow registers one dataflow, its errors naming config keys.
func newDataflow(ctx *pulumi.Context, df *dataflowConfig, opts ...pulumi.ResourceOption) (*components.BytewaxDataflow, error) {
	dataflow, err := components.NewBytewaxDataflow(ctx, df.name, df.args, opts...)
	if err != nil {
		var invalid *components.ValidationError
		if errors.As(err, &invalid) {
			invalid.RenameFields(df.configKey)
		}
		return nil, err
	}
	return dataflow, nil
}

// dataflowConfig is one dataflow read from config: the component's args,
// and what is needed to name config keys in the component's errors.
type dataflowConfig struct {
	src  configSource
	name string
	// namespace is the namespace it is deployed into.
	namespace string
	args      *components.BytewaxDataflowArgs
	// envKeys name the config key of each of args.Env, in order.
	envKeys []string
	// plainRegistry is the registry config.json as text.
	plainRegistry string
}

// envEntry is an item of the env list.
type envEntry struct {
	Name      string          `json:"name"`
	Value     *scalar         `json:"value"`
	ValueFrom *envValueSource `json:"valueFrom"`
}

type envValueSource struct {
	SecretKeyRef    *keyRef `json:"secretKeyRef"`
	ConfigMapKeyRef *keyRef `json:"configMapKeyRef"`
	FieldRef        *struct {
		FieldPath string `json:"fieldPath"`
	} `json:"fieldRef"`
	ResourceFieldRef *struct {
		Resource string `json:"resource"`
		Divisor  scalar `json:"divisor"`
	} `json:"resourceFieldRef"`
}

type keyRef struct {
	Name     string `json:"name"`
	Key      string `json:"key"`
	Optional bool   `json:"optional"`
}

type objectRef struct {
	Name     string `json:"name"`
	Optional bool   `json:"optional"`
}

type envFromEntry struct {
	Prefix       string     `json:"prefix"`
	SecretRef    *objectRef `json:"secretRef"`
	ConfigMapRef *objectRef `json:"configMapRef"`
}

type tolerationEntry struct {
	Key               string `json:"key"`
	Operator          string `json:"operator"`
	Value             scalar `json:"value"`
	Effect            string `json:"effect"`
	TolerationSeconds *int   `json:"tolerationSeconds"`
}

type volumeEntry struct {
	Name      string `json:"name"`
	MountPath string `json:"mountPath"`
	ReadOnly  bool   `json:"readOnly"`
	Secret    *struct {
		SecretName string `json:"secretName"`
		Optional   bool   `json:"optional"`
	} `json:"secret"`
	ConfigMap *objectRef `json:"configMap"`
	EmptyDir  *struct {
		Medium    string `json:"medium"`
		SizeLimit scalar `json:"sizeLimit"`
	} `json:"emptyDir"`
}

type networkPeerEntry struct {
	NamespaceLabels map[string]string `json:"namespaceLabels"`
	PodLabels       map[string]string `json:"podLabels"`
}

type resourcesEntry struct {
	Requests map[string]scalar `json:"requests"`
	Limits   map[string]scalar `json:"limits"`
}

// secretKeys are the keys whose values may be secrets: they reach the
// cluster through Secrets. Any other value is written into the objects in
// plain text, so a secret there is refused rather than revealed.
var secretKeys = []string{"secretEnv", "registryDockerConfigJson", "env", dataflowsKey}

// refuseSecrets reports keys that hold a secret but cannot keep it.
func refuseSecrets(r *reader, declared []string) {
	whole, reported := false, false
	if e, ok := r.src.(entrySource); ok {
		whole = e.secretAsAWhole
	}
	for _, key := range declared {
		if r.src.secret(key) && !slices.Contains(secretKeys, key) {
			switch {
			case !whole:
				r.fail(key, "holds a secret, but its value is written into the objects in plain text; keep secrets in secretEnv (variables) or registryDockerConfigJson")
			case !reported:
				r.fail("name", "is secret as a whole where it was set, outside the stack file, so its plain keys (%s first) cannot be told from its secret values, and would be written into the objects as secrets; set the dataflows in the stack file, each secret value with pulumi config set --secret --path", key)
				reported = true
			}
			if r.refused == nil {
				r.refused = map[string]bool{}
			}
			r.refused[key] = true
		}
	}
}

// readDataflow reads one dataflow's keys from a config source.
func readDataflow(r *reader) *dataflowConfig {
	name := r.string("name")
	if name == "" {
		name = "dataflow"
	}
	args := &components.BytewaxDataflowArgs{
		Name:                          name,
		Namespace:                     r.stringInput("namespace"),
		Processes:                     r.int("processes", maxInt32),
		WorkersPerProcess:             r.int("workersPerProcess", maxInt32),
		Image:                         readImage(r, "image"),
		InitImage:                     readImage(r, "initImage"),
		Directory:                     r.string("directory"),
		PythonFile:                    r.string("pythonFile"),
		KeepAlive:                     r.bool("keepAlive"),
		Port:                          r.int("port", 65535),
		DataflowAPI:                   r.bool("dataflowApi"),
		DataflowAPIPort:               r.int("dataflowApiPort", 65535),
		ClusterDomain:                 r.string("clusterDomain"),
		Labels:                        readStringMap(r, "labels"),
		NodeSelector:                  readStringMap(r, "nodeSelector"),
		PodLabels:                     readStringMap(r, "podLabels"),
		PodAnnotations:                readStringMap(r, "podAnnotations"),
		OTLPEndpoint:                  r.stringInput("otlpEndpoint"),
		TopologySpread:                r.string("topologySpread"),
		TopologyKey:                   r.string("topologyKey"),
		PriorityClassName:             r.stringInput("priorityClassName"),
		TerminationGracePeriodSeconds: r.int("terminationGracePeriodSeconds", 86400),
		Annotations:                   readStringMap(r, "annotations"),
	}
	if create := r.bool("createNamespace"); create != nil {
		args.CreateNamespace = *create
	}
	r.decode("files", "a list of paths", &args.Files)
	r.decode("exclude", "a list of glob patterns", &args.Exclude)

	var pullSecrets []string
	if r.decode("imagePullSecrets", "a list of secret names", &pullSecrets) && len(pullSecrets) > 0 {
		args.ImagePullSecrets = pulumi.ToStringArray(pullSecrets)
	}
	df := &dataflowConfig{src: r.src, name: name, args: args, namespace: r.string("namespace")}
	if df.namespace == "" {
		df.namespace = components.DefaultNamespace
	}
	if _, ok := r.value("registrySecretName"); ok {
		if _, hasConfig := r.value("registryDockerConfigJson"); !hasConfig {
			r.fail("registrySecretName", "names the pull secret made from registryDockerConfigJson, which is not set; set it, or list an existing secret in imagePullSecrets")
		}
	}
	if v, ok := r.value("registryDockerConfigJson"); ok {
		df.plainRegistry = v
		args.RegistryCredentials = &components.RegistryCredentialsArgs{
			SecretName:       r.stringInput("registrySecretName"),
			DockerConfigJSON: pulumi.ToSecret(pulumi.String(v)).(pulumi.StringOutput),
		}
	}

	readEnv(r, df)
	var envFrom []envFromEntry
	r.decode("envFrom", "a list of {secretRef: {name}} or {configMapRef: {name}} objects, each with an optional prefix", &envFrom)
	for _, e := range envFrom {
		src := components.EnvFromSourceArgs{Prefix: optionalString(e.Prefix)}
		if e.SecretRef != nil {
			src.SecretRef = &components.ObjectRefArgs{Name: pulumi.String(e.SecretRef.Name), Optional: flag(e.SecretRef.Optional)}
		}
		if e.ConfigMapRef != nil {
			src.ConfigMapRef = &components.ObjectRefArgs{Name: pulumi.String(e.ConfigMapRef.Name), Optional: flag(e.ConfigMapRef.Optional)}
		}
		args.EnvFrom = append(args.EnvFrom, src)
	}

	var affinity corev1.Affinity
	if r.decode("affinity", "an object shaped as a pod's spec.affinity: nodeAffinity, podAffinity, podAntiAffinity", &affinity) &&
		(affinity.NodeAffinity != nil || affinity.PodAffinity != nil || affinity.PodAntiAffinity != nil) {
		args.Affinity = components.AffinityFrom(affinity)
	}

	var tolerations []tolerationEntry
	r.decode("tolerations", "a list of {key, operator, value, effect, tolerationSeconds} objects", &tolerations)
	for _, t := range tolerations {
		toleration := components.TolerationArgs{
			Key: optionalString(t.Key), Operator: optionalString(t.Operator), Value: optionalString(string(t.Value)), Effect: optionalString(t.Effect),
		}
		if t.TolerationSeconds != nil {
			toleration.TolerationSeconds = pulumi.IntPtr(*t.TolerationSeconds)
		}
		args.Tolerations = append(args.Tolerations, toleration)
	}

	var volumes []volumeEntry
	r.decode("volumes", "a list of {name, mountPath, readOnly} objects with one of secret, configMap or emptyDir", &volumes)
	for _, vol := range volumes {
		out := components.VolumeArgs{Name: vol.Name, MountPath: vol.MountPath, ReadOnly: flag(vol.ReadOnly)}
		if vol.Secret != nil {
			out.Secret = &components.SecretVolumeArgs{SecretName: pulumi.String(vol.Secret.SecretName), Optional: flag(vol.Secret.Optional)}
		}
		if vol.ConfigMap != nil {
			out.ConfigMap = &components.ConfigMapVolumeArgs{Name: pulumi.String(vol.ConfigMap.Name), Optional: flag(vol.ConfigMap.Optional)}
		}
		if vol.EmptyDir != nil {
			out.EmptyDir = &components.EmptyDirVolumeArgs{Medium: optionalString(vol.EmptyDir.Medium), SizeLimit: optionalString(string(vol.EmptyDir.SizeLimit))}
		}
		args.Volumes = append(args.Volumes, out)
	}

	var apiFrom []networkPeerEntry
	r.decode("apiFrom", "a list of {namespaceLabels, podLabels} objects", &apiFrom)
	policy := &components.NetworkPolicyArgs{}
	if on := r.bool("networkPolicy"); on != nil {
		policy.Disabled = !*on
	}
	for _, peer := range apiFrom {
		policy.APIFrom = append(policy.APIFrom, components.NetworkPeerArgs{NamespaceLabels: labelsOf(peer.NamespaceLabels), PodLabels: labelsOf(peer.PodLabels)})
	}
	args.NetworkPolicy = policy
	if on := r.bool("disruptionBudget"); on != nil {
		args.DisruptionBudget = &components.DisruptionBudgetArgs{Disabled: !*on}
	}

	if on := r.bool("podMonitor"); on != nil && *on {
		pm := &components.PodMonitorArgs{Interval: r.stringInput("podMonitorInterval")}
		var labels map[string]string
		r.decode("podMonitorLabels", "an object of strings", &labels)
		pm.Labels = labelsOf(labels)
		args.PodMonitor = pm
	}

	var res resourcesEntry
	if r.decode("resources", "an object with requests and limits maps of quantities", &res) {
		args.Resources = &components.ResourcesArgs{Requests: scalarMap(res.Requests), Limits: scalarMap(res.Limits)}
	}

	args.Recovery = readRecovery(r)
	args.Batch = readBatch(r)

	sa := &components.ServiceAccountArgs{Name: r.stringInput("serviceAccountName")}
	if existing := r.bool("existingServiceAccount"); existing != nil {
		sa.Existing = *existing
	}
	args.ServiceAccount = sa
	return df
}

func readImage(r *reader, prefix string) *components.ImageArgs {
	img := &components.ImageArgs{
		Repository: r.stringInput(prefix + "Repository"),
		Tag:        r.stringInput(prefix + "Tag"),
		Digest:     r.stringInput(prefix + "Digest"),
		PullPolicy: r.stringInput(prefix + "PullPolicy"),
	}
	if img.Repository == nil && img.Tag == nil && img.Digest == nil && img.PullPolicy == nil {
		return nil
	}
	return img
}

func readStringMap(r *reader, key string) pulumi.StringMapInput {
	var m map[string]scalar
	r.decode(key, "an object of strings", &m)
	return scalarMap(m)
}

// readEnv reads the env list and the secretEnv object. Values of a secret
// key become Pulumi secrets, which the component keeps in its Secret.
func readEnv(r *reader, df *dataflowConfig) {
	var env []envEntry
	r.decode("env", "a list of {name, value} or {name, valueFrom} objects", &env)
	envSecret := r.src.secret("env")
	for i, e := range env {
		v := components.EnvVarArgs{Name: e.Name}
		if e.Value != nil {
			v.Value = pulumi.String(string(*e.Value))
			if envSecret {
				v.Value = pulumi.ToSecret(v.Value).(pulumi.StringOutput)
			}
		}
		if src := e.ValueFrom; src != nil {
			v.ValueFrom = &components.EnvVarSourceArgs{}
			if ref := src.SecretKeyRef; ref != nil {
				v.ValueFrom.SecretKeyRef = &components.KeyRefArgs{Name: pulumi.String(ref.Name), Key: pulumi.String(ref.Key), Optional: flag(ref.Optional)}
			}
			if ref := src.ConfigMapKeyRef; ref != nil {
				v.ValueFrom.ConfigMapKeyRef = &components.KeyRefArgs{Name: pulumi.String(ref.Name), Key: pulumi.String(ref.Key), Optional: flag(ref.Optional)}
			}
			if f := src.FieldRef; f != nil {
				v.ValueFrom.FieldRef = &components.FieldRefArgs{FieldPath: pulumi.String(f.FieldPath)}
			}
			if f := src.ResourceFieldRef; f != nil {
				v.ValueFrom.ResourceFieldRef = &components.ResourceFieldRefArgs{Resource: pulumi.String(f.Resource), Divisor: optionalString(string(f.Divisor))}
			}
		}
		df.args.Env = append(df.args.Env, v)
		df.envKeys = append(df.envKeys, fmt.Sprintf("%s[%d]", r.src.fullKey("env"), i))
	}

	var secretEnv map[string]scalar
	r.decode("secretEnv", "an object of variable names and values", &secretEnv)
	names := make([]string, 0, len(secretEnv))
	for name := range secretEnv {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		df.args.Env = append(df.args.Env, components.EnvVarArgs{
			Name:  name,
			Value: pulumi.ToSecret(pulumi.String(string(secretEnv[name]))).(pulumi.StringOutput),
		})
		df.envKeys = append(df.envKeys, r.src.fullKey("secretEnv")+"."+name)
	}
}

// plainArgs are the args with the stack's secrets as literals, for checking
// them up front. They are never registered.
func (df *dataflowConfig) plainArgs() *components.BytewaxDataflowArgs {
	plain := *df.args
	if rc := plain.RegistryCredentials; rc != nil {
		copied := *rc
		copied.DockerConfigJSON = pulumi.String(df.plainRegistry)
		plain.RegistryCredentials = &copied
	}
	return &plain
}

// warnUnencrypted warns of values meant to be secret that the stack's
// config holds in plain text.
func warnUnencrypted(ctx *pulumi.Context, src configSource, df *dataflowConfig) {
	for _, key := range []string{"secretEnv", "registryDockerConfigJson"} {
		if v, ok := src.get(key); ok && v != "" && v != "{}" && !src.secret(key) {
			_ = ctx.Log.Warn(fmt.Sprintf("%s is not encrypted in the stack's config; set it with `pulumi config set --secret`", src.fullKey(key)), nil)
		}
	}
	if src.secret("env") {
		_ = ctx.Log.Warn(fmt.Sprintf("%s holds a secret, so all of its values are kept in the dataflow's Secret; put secret values in %s instead", src.fullKey("env"), src.fullKey("secretEnv")), nil)
	}
}

// configKeys maps the component's fields to the config keys that set them.
var configKeys = map[string]string{
	"Name": "name",
	"Name (defaulted from the resource name)": "name",
	"Namespace":                            "namespace",
	"CreateNamespace":                      "createNamespace",
	"Processes":                            "processes",
	"WorkersPerProcess":                    "workersPerProcess",
	"Image.Repository":                     "imageRepository",
	"Image.Tag":                            "imageTag",
	"Image.Digest":                         "imageDigest",
	"Image.PullPolicy":                     "imagePullPolicy",
	"InitImage.Repository":                 "initImageRepository",
	"InitImage.Tag":                        "initImageTag",
	"InitImage.Digest":                     "initImageDigest",
	"InitImage.PullPolicy":                 "initImagePullPolicy",
	"Directory":                            "directory",
	"BaseDirectory":                        "directory",
	"Files":                                "files",
	"Exclude":                              "exclude",
	"PythonFile":                           "pythonFile",
	"KeepAlive":                            "keepAlive",
	"Port":                                 "port",
	"DataflowAPI":                          "dataflowApi",
	"DataflowAPIPort":                      "dataflowApiPort",
	"ClusterDomain":                        "clusterDomain",
	"ImagePullSecrets":                     "imagePullSecrets",
	"RegistryCredentials.SecretName":       "registrySecretName",
	"RegistryCredentials.DockerConfigJSON": "registryDockerConfigJson",
	"RegistryCredentials":                  "registryDockerConfigJson",
	"EnvFrom":                              "envFrom",
	"Resources":                            "resources",
	"Labels":                               "labels",
	"PodLabels":                            "podLabels",
	"PodAnnotations":                       "podAnnotations",
	"OTLPEndpoint":                         "otlpEndpoint",
	"NetworkPolicy.APIFrom":                "apiFrom",
	"Volumes":                              "volumes",
	"NetworkPolicy":                        "networkPolicy",
	"PodMonitor.Interval":                  "podMonitorInterval",
	"PodMonitor.Labels":                    "podMonitorLabels",
	"PodMonitor":                           "podMonitor",
	"DisruptionBudget":                     "disruptionBudget",
	"NodeSelector":                         "nodeSelector",
	"Tolerations":                          "tolerations",
	"Affinity":                             "affinity",
	"TopologySpread":                       "topologySpread",
	"TopologyKey":                          "topologyKey",
	"PriorityClassName":                    "priorityClassName",
	"TerminationGracePeriodSeconds":        "terminationGracePeriodSeconds",
	"Annotations":                          "annotations",
	"ServiceAccount.Name":                  "serviceAccountName",
	"Recovery.Partitions":                  "recoveryPartitions",
	"Recovery.SnapshotIntervalSeconds":     "recoverySnapshotInterval",
	"Recovery.BackupIntervalSeconds":       "recoveryBackupInterval",
	"Recovery.Layout":                      "recoveryLayout",
	"Recovery.StorageClassName":            "recoveryStorageClass",
	"Recovery.Size":                        "recoverySize",
	"Recovery.AccessMode":                  "recoveryAccessMode",
	"Recovery":                             "recovery",
	"Batch.Run":                            "batchRun",
	"Batch.Retries":                        "batchRetries",
	"Batch.TTLSecondsAfterFinished":        "batchTtlSeconds",
	"Batch.ActiveDeadlineSeconds":          "batchDeadlineSeconds",
	"Batch":                                "batch",
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

// nestedFields spell the fields inside the env, envFrom and resources
// objects as the config does.
var nestedFields = strings.NewReplacer(
	".Name", ".name", ".Value", ".value", ".ValueFrom", ".valueFrom",
	".SecretKeyRef", ".secretKeyRef", ".ConfigMapKeyRef", ".configMapKeyRef",
	".FieldRef", ".fieldRef", ".FieldPath", ".fieldPath",
	".ResourceFieldRef", ".resourceFieldRef", ".Resource", ".resource", ".Divisor", ".divisor",
	".Key", ".key", ".Prefix", ".prefix", ".SecretRef", ".secretRef", ".ConfigMapRef", ".configMapRef",
	".Requests", ".requests", ".Limits", ".limits",
	".Operator", ".operator", ".Effect", ".effect", ".TolerationSeconds", ".tolerationSeconds",
	".NamespaceLabels", ".namespaceLabels", ".PodLabels", ".podLabels",
	".MountPath", ".mountPath", ".SecretName", ".secretName", ".ConfigMap", ".configMap",
	".EmptyDir", ".emptyDir", ".Medium", ".medium", ".SizeLimit", ".sizeLimit", ".Secret", ".secret",
)

// nestedObjects are the fields whose config values are lists or objects of
// fields, spelled as nestedFields says.
var nestedObjects = map[string]bool{
	"EnvFrom": true, "Resources": true, "Tolerations": true, "NetworkPolicy.APIFrom": true, "Volumes": true,
}

// ConfigKey names the config key behind a field of the component's args,
// such as "Processes" → "bytewax:processes", for a program whose env comes
// from the env list alone.
func ConfigKey(field string) string {
	return (&dataflowConfig{src: contextSource{}}).configKey(field)
}

// configKey names the config key behind a field of the component's args,
// such as "Env[2].Name" → "bytewax:env[2].name" or "bytewax:secretEnv.TOKEN".
func (df *dataflowConfig) configKey(field string) string {
	if rest, ok := strings.CutPrefix(field, "Env["); ok {
		index, rest, _ := strings.Cut(rest, "]")
		var i int
		if _, err := fmt.Sscan(index, &i); err == nil {
			if i < len(df.envKeys) {
				key := df.envKeys[i]
				if strings.Contains(key, ".secretEnv.") || strings.Contains(key, ":secretEnv.") {
					return key
				}
				return key + nestedFields.Replace(rest)
			}
			return fmt.Sprintf("%s[%d]%s", df.src.fullKey("env"), i, nestedFields.Replace(rest))
		}
	}
	for _, p := range fieldPrefixes {
		rest, ok := strings.CutPrefix(field, p)
		if !ok || (rest != "" && rest[0] != '.' && rest[0] != '[') {
			continue
		}
		if nestedObjects[p] {
			rest = nestedFields.Replace(rest)
		}
		if p == "Affinity" {
			rest = lowerSegments(rest)
		}
		return df.src.fullKey(configKeys[p]) + rest
	}
	return field
}

// lowerSegments spells a field path as Kubernetes' JSON does:
// ".NodeAffinity.MatchExpressions[0].Key" → ".nodeAffinity.matchExpressions[0].key".
func lowerSegments(path string) string {
	b := []byte(path)
	for i := range b {
		if (i == 0 || b[i-1] == '.') && b[i] >= 'A' && b[i] <= 'Z' {
			b[i] += 'a' - 'A'
		}
	}
	return string(b)
}

// optionalString is a config value as an input, nil when it is empty.
func optionalString(v string) pulumi.StringInput {
	if v == "" {
		return nil
	}
	return pulumi.String(v)
}

// flag is a config flag as an input, nil when it is false.
func flag(on bool) pulumi.BoolPtrInput {
	if !on {
		return nil
	}
	return pulumi.Bool(true)
}

// labelsOf is a config map of labels as an input, nil when it is empty.
func labelsOf(m map[string]string) pulumi.StringMapInput {
	if len(m) == 0 {
		return nil
	}
	return pulumi.ToStringMap(m)
}

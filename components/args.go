package components

import (
	"io/fs"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Defaults used for fields of BytewaxDataflowArgs left at their zero value.
const (
	DefaultNamespace         = "bytewax"
	DefaultProcesses         = 1
	DefaultWorkersPerProcess = 1
	DefaultImageRepository   = "bytewax/bytewax"
	DefaultImageTag          = "0.21.1-python3.11"
	DefaultImagePullPolicy   = "IfNotPresent"
	DefaultInitImageRepo     = "busybox"
	DefaultInitImageTag      = "1.37.0"
	DefaultPort              = 9999
	DefaultClusterDomain     = "cluster.local"
	DefaultKeepAlive         = false
	DefaultDataflowAPIPort   = 3030
	DefaultGracePeriod       = 10
	DefaultTopologyKey       = "kubernetes.io/hostname"
)

// Values of BytewaxDataflowArgs.TopologySpread.
const (
	// SpreadSoft prefers to put the processes on different nodes, and
	// still schedules them where it cannot.
	SpreadSoft = "soft"
	// SpreadStrict leaves a process Pending rather than spread the
	// processes unevenly (one domain holding two more than another).
	SpreadStrict = "strict"
	// SpreadOff sets no constraint.
	SpreadOff = "off"
)

// DefaultExclude are the patterns never shipped from a folder unless Files
// names them outright: hidden files and folders (.env and .env.*, .venv,
// .git, .ssh, .aws, .kube, a Pulumi file backend's .pulumi*, ...), virtual
// environments, the caches Python writes on its own, which would change
// the checksum without changing the dataflow, and Pulumi's project and
// stack files, which may hold encrypted secrets.
var DefaultExclude = []string{
	"**/.*", "**/venv", "**/__pycache__", "**/*.pyc",
	"**/Pulumi.yaml", "**/Pulumi.*.yaml",
}

// BytewaxDataflowArgs configures a BytewaxDataflow. Every field is optional
// except PythonFile; the zero value of a field means its default.
//
// The rule, at every depth: plain Go fields decide which resources exist or
// must be known before anything is registered: the name, the files,
// whether the namespace, account and secrets are created, the numbers that
// shape the cluster's peer list, the lists themselves (Env, Volumes,
// Tolerations, ...) and the names that shape objects (a variable's name
// keys the env Secret, a volume's name and mount path are checked against
// the component's own). Plain too, though they reach the objects: the
// settings recorded and compared with what the cluster holds (Recovery's
// size, access mode and intervals, Batch's), and those that shape how the
// processes are placed and stopped (TerminationGracePeriodSeconds,
// TopologySpread, TopologyKey, KeepAlive). Pulumi inputs carry the other
// values passed through to the objects, so they may come from other
// resources, stacks or secrets. The package's schema marks the plain ones,
// for other languages.
//
// Every value is validated before any resource is registered when it is
// known then: plain Go values always, and inputs built from literals
// (pulumi.String, pulumi.StringMap of pulumi.String, ...). A Pulumi output
// (another resource's attribute, a secret from config) is checked when it
// resolves, during preview if it is known then or else during up, with the
// same messages, and before any child is sent to the cluster: every child
// waits for those checks. What moves to deploy time then: the namespace and
// CreateNamespace's reserved names, image references and pull policies,
// label and annotation syntax and size, resource quantities, pull-secret
// and account names, and the registry config.json. The duplicate check of
// two dataflows in one namespace needs a known namespace.
type BytewaxDataflowArgs struct {
	// Name of the dataflow. The StatefulSet, the headless Service and the
	// ConfigMap are named after it, and its pods are <Name>-0 ... <Name>-N.
	// It must be a DNS-1035 label of at most 52 characters. Defaults to the
	// Pulumi resource name.
	Name string `pulumi:"name,optional"`

	// Namespace to deploy into. Defaults to "bytewax". Pass another
	// resource's output (a Namespace's metadata.name, or another dataflow's
	// NamespaceName) to make every child wait for it.
	Namespace pulumi.StringInput `pulumi:"namespace,optional"`
	// CreateNamespace creates Namespace, labelled to enforce the Pod
	// Security Standards "restricted" profile, and deletes it with the
	// stack. Without it the namespace is used as it is: never created,
	// labelled or deleted. "default" and "kube-*" are never created. The
	// Kubernetes provider before its upsertExistingObjects option applies
	// a create to an object that exists: set CreateNamespace only for a
	// namespace this stack is to own.
	CreateNamespace bool `pulumi:"createNamespace,optional"`

	// Processes is the number of Bytewax processes (StatefulSet replicas).
	// Defaults to 1. Plain, because the peer list is built from it.
	Processes *int `pulumi:"processes,optional"`
	// WorkersPerProcess is the number of worker threads in each process.
	// Defaults to 1.
	WorkersPerProcess *int `pulumi:"workersPerProcess,optional"`

	// Image runs the dataflow. Defaults to bytewax/bytewax:0.21.1-python3.11,
	// pulled IfNotPresent.
	Image *ImageArgs `pulumi:"image,optional"`
	// InitImage runs the init-container, which needs sh, cp and tar.
	// Defaults to busybox:1.37.0, pulled IfNotPresent.
	InitImage *ImageArgs `pulumi:"initImage,optional"`

	// Directory holds the dataflow's files; Files and PythonFile are
	// relative to it. A relative Directory starts at BaseDirectory, never
	// at the process's working directory. Defaults to BaseDirectory itself.
	// Directory must lie inside BaseDirectory unless
	// AllowExternalDirectory is set. In Go, with FS, it is a slash-separated
	// folder of FS instead, such as "flows/orders" of an embed.FS.
	Directory string `pulumi:"directory,optional"`
	// BaseDirectory is where a relative Directory starts, and the folder it
	// must stay in: by default the Pulumi project's root (in Go,
	// ctx.RootDirectory()), and in other languages the program's folder,
	// where a relative BaseDirectory starts too. Go programs that the
	// Automation API runs inline have no project root and must set it.
	BaseDirectory string `pulumi:"baseDirectory,optional"`
	// AllowExternalDirectory accepts an absolute Directory, or one outside
	// BaseDirectory.
	AllowExternalDirectory bool `pulumi:"allowExternalDirectory,optional"`
	// FS, when set, is read instead of the machine's folders, for instance
	// an embed.FS so that a library ships its dataflow inside its binary.
	// Its root, or its folder Directory, holds the files. Go programs only.
	FS fs.FS
	// Files lists the files and folders to ship, relative to Directory.
	// Plain files at the top of Directory are stored one per ConfigMap key;
	// as soon as one entry is a folder or lies in one, everything is shipped
	// as one gzip tarball that the init-container unpacks. Defaults to the
	// PythonFile alone. Symbolic links are followed while they stay inside
	// Directory; one that leads out of it is an error.
	Files []string `pulumi:"files,optional"`
	// Exclude lists glob patterns of slash-separated paths relative to
	// Directory that are not shipped from the folders Files names, as in a
	// .dockerignore: "*" within a name, "**" across folders ("**/*.csv"),
	// and a pattern that matches a folder leaves out all of it ("data/" and
	// "data" alike; a leading "/" or "./" is the Directory). Added to
	// DefaultExclude.
	Exclude []string `pulumi:"exclude,optional"`
	// PythonFile is the file `python -m bytewax.run` starts, relative to
	// Directory: "flow.py", "flow.py:name" to name the Dataflow variable, or
	// "flow.py:factory(args)" to call a function that builds it. Required.
	PythonFile string `pulumi:"pythonFile"`

	// KeepAlive keeps the container running after the dataflow ends
	// (BYTEWAX_KEEP_CONTAINER_ALIVE), so that it can be inspected; with the
	// dataflow API on, the pod then turns NotReady, and nothing restarts
	// the dataflow. Off, the container ends with the dataflow and its exit
	// code, and Kubernetes restarts it, and with it the cluster (a crash of
	// one process fails every other). Defaults to false; it is a debugging
	// aid.
	KeepAlive *bool `pulumi:"keepAlive,optional"`
	// Port the processes use to reach each other. Defaults to 9999.
	Port *int `pulumi:"port,optional"`
	// DataflowAPI serves Bytewax's dataflow API (/dataflow, /metrics) on
	// DataflowAPIPort, named "api" in the pod, and makes the pods Ready only
	// while it answers, that is while the dataflow runs. Defaults to true.
	// Off, a pod is Ready as soon as its container starts.
	DataflowAPI *bool `pulumi:"dataflowApi,optional"`
	// DataflowAPIPort is the dataflow API's port. Defaults to 3030.
	DataflowAPIPort *int `pulumi:"dataflowApiPort,optional"`
	// ClusterDomain is the cluster's DNS domain, used in the peer
	// addresses. Defaults to "cluster.local".
	ClusterDomain string `pulumi:"clusterDomain,optional"`

	// ImagePullSecrets names existing secrets of type
	// kubernetes.io/dockerconfigjson to pull the images with.
	ImagePullSecrets pulumi.StringArrayInput `pulumi:"imagePullSecrets,optional"`
	// RegistryCredentials, when set, creates the pull secret as well and
	// adds it to ImagePullSecrets.
	RegistryCredentials *RegistryCredentialsArgs `pulumi:"registryCredentials,optional"`

	// Env adds environment variables to the dataflow container, before the
	// BYTEWAX_* variables the component sets (which they may not override).
	// A Value that is a Pulumi output (a secret from config, another
	// resource's attribute) is stored in a Secret the component owns and
	// referenced with secretKeyRef, so that it never shows in the
	// StatefulSet; a literal is written into the StatefulSet as it is.
	Env []EnvVarArgs `pulumi:"env,optional"`
	// EnvFrom adds every key of existing Secrets and ConfigMaps as
	// variables.
	EnvFrom []EnvFromSourceArgs `pulumi:"envFrom,optional"`
	// Resources are the dataflow container's requests and limits.
	Resources *ResourcesArgs `pulumi:"resources,optional"`

	// NodeSelector restricts the pods to nodes with these labels.
	NodeSelector pulumi.StringMapInput `pulumi:"nodeSelector,optional"`
	// Tolerations let the pods run on nodes with matching taints.
	Tolerations []TolerationArgs `pulumi:"tolerations,optional"`
	// Affinity constrains the pods' nodes and their neighbours further
	// (node affinity, pod affinity and anti-affinity), as Kubernetes spells
	// it; it is passed through as it is, for the API server to check.
	Affinity corev1.AffinityPtrInput `pulumi:"affinity,optional" provider:"type=kubernetes@4.25.0:core/v1:Affinity"`
	// TopologySpread spreads the processes of the dataflow evenly over
	// TopologyKey's domains (nodes whose taints the pods do not tolerate
	// left out): SpreadSoft (the default) prefers to, so a one-node cluster
	// still schedules them; SpreadStrict requires it, and leaves a process
	// Pending where it cannot; SpreadOff sets nothing.
	// Losing one node then stops one process rather than several, though
	// any lost process stops the whole dataflow.
	TopologySpread string `pulumi:"topologySpread,optional"`
	// TopologyKey is the node label whose values are the domains to
	// spread over. Defaults to "kubernetes.io/hostname" (nodes); use
	// "topology.kubernetes.io/zone" for zones.
	TopologyKey string `pulumi:"topologyKey,optional"`
	// PriorityClassName is the pods' PriorityClass.
	PriorityClassName pulumi.StringInput `pulumi:"priorityClassName,optional"`
	// TerminationGracePeriodSeconds is how long a process has to stop
	// cleanly after SIGTERM, which reaches Python, before it is killed.
	// Every update waits this long at most for the old processes. Defaults
	// to 10.
	TerminationGracePeriodSeconds *int `pulumi:"terminationGracePeriodSeconds,optional"`

	// Volumes are mounted into the dataflow container: Secrets or
	// ConfigMaps as files (certificates, settings), or scratch space.
	Volumes []VolumeArgs `pulumi:"volumes,optional"`

	// NetworkPolicy, on unless Disabled, lets only the dataflow's own pods
	// reach its peer port, and the dataflow API only from APIFrom.
	NetworkPolicy *NetworkPolicyArgs `pulumi:"networkPolicy,optional"`
	// DisruptionBudget, on unless Disabled, refuses voluntary evictions
	// (node drains, cluster autoscaling) of a running process: losing one
	// process stops every process, so none may go unnoticed. It needs the
	// dataflow API's readiness: without it, no budget is made, since a
	// crashed dataflow would stay Ready and block drains for good.
	DisruptionBudget *DisruptionBudgetArgs `pulumi:"disruptionBudget,optional"`

	// PodMonitor, when set, creates a Prometheus Operator PodMonitor that
	// scrapes the dataflow API's /metrics. It is a custom resource: the
	// cluster must have the monitoring.coreos.com CRDs, or `up` fails on
	// it after the dataflow's other objects are applied. The scraper must be
	// allowed in with NetworkPolicy.APIFrom.
	PodMonitor *PodMonitorArgs `pulumi:"podMonitor,optional"`

	// Recovery keeps the dataflow's state in Bytewax's recovery
	// partitions on persistent volumes, so that a restart resumes from the
	// latest snapshot instead of starting over. Off when unset.
	Recovery *RecoveryArgs `pulumi:"recovery,optional"`

	// Batch runs a dataflow that ends as an Indexed Job instead of a
	// StatefulSet: one completion per process, each process's id its
	// completion index. Off when unset.
	Batch *BatchArgs `pulumi:"batch,optional"`

	// OTLPEndpoint, when set, is passed to the dataflow as
	// BYTEWAX_OTLP_URL, for the dataflow's own tracing setup to read:
	// Bytewax's runtime does not read it by itself. An output goes through
	// the env Secret, as it may hold a token.
	OTLPEndpoint pulumi.StringInput `pulumi:"otlpEndpoint,optional"`

	// PodLabels are added to the pods alone, for instance for a scraper
	// or a policy that selects pods.
	PodLabels pulumi.StringMapInput `pulumi:"podLabels,optional"`
	// PodAnnotations are added to the pods alone, for instance
	// prometheus.io/scrape for scrapers that read annotations.
	PodAnnotations pulumi.StringMapInput `pulumi:"podAnnotations,optional"`

	// Labels are added to every object and to the pods.
	Labels pulumi.StringMapInput `pulumi:"labels,optional"`
	// Annotations are added to every object and to the pods.
	Annotations pulumi.StringMapInput `pulumi:"annotations,optional"`

	// ServiceAccount the pods run as. By default the component creates one
	// named <Name>-bytewax.
	ServiceAccount *ServiceAccountArgs `pulumi:"serviceAccount,optional"`
}

// ImageArgs names a container image and how to pull it.
type ImageArgs struct {
	// Repository, such as "bytewax/bytewax" or "registry.example.com:5000/team/flow".
	Repository pulumi.StringInput `pulumi:"repository,optional"`
	// Tag, such as "0.21.1-python3.11". With a Digest and no Tag, the image
	// is pinned by digest alone.
	Tag pulumi.StringInput `pulumi:"tag,optional"`
	// Digest pins the image, such as "sha256:<64 hex digits>"; the tag, if
	// any, is then informative only.
	Digest pulumi.StringInput `pulumi:"digest,optional"`
	// PullPolicy is Always, IfNotPresent or Never. Defaults to IfNotPresent.
	PullPolicy pulumi.StringInput `pulumi:"pullPolicy,optional"`
}

// RegistryCredentialsArgs describes an image pull secret the component
// creates.
type RegistryCredentialsArgs struct {
	// SecretName of the Secret. Defaults to <Name>-registry.
	SecretName pulumi.StringInput `pulumi:"secretName,optional"`
	// DockerConfigJSON is the content of a ~/.docker/config.json that
	// authenticates to the registry: a JSON object with an "auths" object.
	// It is stored as a Pulumi secret whatever is passed; pass one anyway
	// (config.RequireSecret), so that it is never in plain text in the
	// program's own state either.
	DockerConfigJSON pulumi.StringInput `pulumi:"dockerConfigJson"`
}

// EnvVarArgs is an environment variable of the dataflow container: a Value
// or a ValueFrom, not both.
type EnvVarArgs struct {
	// Name of the variable.
	Name string `pulumi:"name"`
	// Value of the variable. A Pulumi output goes through the component's
	// Secret (see BytewaxDataflowArgs.Env).
	Value pulumi.StringInput `pulumi:"value,optional"`
	// ValueFrom reads the value from elsewhere.
	ValueFrom *EnvVarSourceArgs `pulumi:"valueFrom,optional"`
}

// EnvVarSourceArgs is where a variable's value comes from: exactly one of
// its fields.
type EnvVarSourceArgs struct {
	// SecretKeyRef reads a key of an existing Secret.
	SecretKeyRef *KeyRefArgs `pulumi:"secretKeyRef,optional"`
	// ConfigMapKeyRef reads a key of an existing ConfigMap.
	ConfigMapKeyRef *KeyRefArgs `pulumi:"configMapKeyRef,optional"`
	// FieldRef reads a field of the pod.
	FieldRef *FieldRefArgs `pulumi:"fieldRef,optional"`
	// ResourceFieldRef reads a request or limit of the dataflow container.
	ResourceFieldRef *ResourceFieldRefArgs `pulumi:"resourceFieldRef,optional"`
}

// KeyRefArgs selects a key of a Secret or ConfigMap in the dataflow's
// namespace.
type KeyRefArgs struct {
	// Name of the Secret or ConfigMap.
	Name pulumi.StringInput `pulumi:"name"`
	// Key in it.
	Key pulumi.StringInput `pulumi:"key"`
	// Optional lets the pod start when the object or key is missing.
	Optional pulumi.BoolPtrInput `pulumi:"optional,optional"`
}

// FieldRefArgs selects a field of the pod, such as "metadata.name",
// "metadata.labels['team']", "spec.nodeName" or "status.podIP".
type FieldRefArgs struct {
	// FieldPath of the field.
	FieldPath pulumi.StringInput `pulumi:"fieldPath"`
}

// ResourceFieldRefArgs selects a request or limit of the dataflow
// container, such as "limits.memory".
type ResourceFieldRefArgs struct {
	// Resource is "requests.<name>" or "limits.<name>".
	Resource pulumi.StringInput `pulumi:"resource"`
	// Divisor is the quantity the value is divided by; defaults to 1.
	Divisor pulumi.StringInput `pulumi:"divisor,optional"`
}

// EnvFromSourceArgs adds every key of a Secret or of a ConfigMap (exactly
// one) as variables.
type EnvFromSourceArgs struct {
	// Prefix is put before every key.
	Prefix pulumi.StringInput `pulumi:"prefix,optional"`
	// SecretRef names an existing Secret.
	SecretRef *ObjectRefArgs `pulumi:"secretRef,optional"`
	// ConfigMapRef names an existing ConfigMap.
	ConfigMapRef *ObjectRefArgs `pulumi:"configMapRef,optional"`
}

// ObjectRefArgs names a Secret or ConfigMap in the dataflow's namespace.
type ObjectRefArgs struct {
	// Name of the object.
	Name pulumi.StringInput `pulumi:"name"`
	// Optional lets the pod start when the object is missing.
	Optional pulumi.BoolPtrInput `pulumi:"optional,optional"`
}

// ResourcesArgs are compute requests and limits, as Kubernetes quantities
// keyed by resource name (for example {"cpu": "500m", "memory": "1Gi"}).
type ResourcesArgs struct {
	// Requests are reserved for the container.
	Requests pulumi.StringMapInput `pulumi:"requests,optional"`
	// Limits cap it; each must be at least its request.
	Limits pulumi.StringMapInput `pulumi:"limits,optional"`
}

// ServiceAccountArgs selects the account the pods run as.
type ServiceAccountArgs struct {
	// Name of the account. Defaults to <Name>-bytewax; required with
	// Existing.
	Name pulumi.StringInput `pulumi:"name,optional"`
	// Existing uses an account that already exists instead of creating one;
	// ImagePullSecrets are then the account owner's business.
	Existing bool `pulumi:"existing,optional"`
}

// TolerationArgs lets the pods run on nodes with a matching taint.
type TolerationArgs struct {
	// Key of the taint; empty with Operator Exists matches every taint.
	Key pulumi.StringInput `pulumi:"key,optional"`
	// Operator is Equal (the default) or Exists.
	Operator pulumi.StringInput `pulumi:"operator,optional"`
	// Value of the taint, with Operator Equal.
	Value pulumi.StringInput `pulumi:"value,optional"`
	// Effect to tolerate: NoSchedule, PreferNoSchedule or NoExecute;
	// empty tolerates all.
	Effect pulumi.StringInput `pulumi:"effect,optional"`
	// TolerationSeconds, with NoExecute, is how long a pod stays on a node
	// after the taint appears.
	TolerationSeconds pulumi.IntPtrInput `pulumi:"tolerationSeconds,optional"`
}

// NetworkPolicyArgs shapes the dataflow's NetworkPolicy. Egress is not
// restricted: dataflows read and write external systems.
type NetworkPolicyArgs struct {
	// Disabled creates no NetworkPolicy.
	Disabled bool `pulumi:"disabled,optional"`
	// APIFrom are the clients allowed to reach the dataflow API (and its
	// /metrics), such as a Prometheus; none by default.
	APIFrom []NetworkPeerArgs `pulumi:"apiFrom,optional"`
}

// NetworkPeerArgs selects clients by labels: pods with PodLabels in
// namespaces with NamespaceLabels. Without NamespaceLabels, the
// dataflow's namespace; without PodLabels, every pod of those namespaces.
type NetworkPeerArgs struct {
	// NamespaceLabels select namespaces, such as
	// {"kubernetes.io/metadata.name": "monitoring"}.
	NamespaceLabels pulumi.StringMapInput `pulumi:"namespaceLabels,optional"`
	// PodLabels select pods, such as {"app.kubernetes.io/name": "prometheus"}.
	PodLabels pulumi.StringMapInput `pulumi:"podLabels,optional"`
}

// DisruptionBudgetArgs shapes the dataflow's PodDisruptionBudget.
type DisruptionBudgetArgs struct {
	// Disabled creates no PodDisruptionBudget, so that evictions take
	// processes, and with them the dataflow, down at will.
	Disabled bool `pulumi:"disabled,optional"`
}

// VolumeArgs is a volume mounted into the dataflow container: exactly one
// of Secret, ConfigMap and EmptyDir.
type VolumeArgs struct {
	// Name of the volume, a DNS label other than the component's own
	// (hostfile, python-files, working-directory, tmp). Plain: it is
	// checked against the component's volumes before anything is applied.
	Name string `pulumi:"name"`
	// MountPath is where the volume appears, an absolute path that is not
	// one of the component's mounts (/etc/bytewax, /var/bytewax, /tmp), a
	// folder holding one, or a path inside /etc/bytewax or /var/bytewax.
	// Plain, for the same reason.
	MountPath string `pulumi:"mountPath"`
	// ReadOnly mounts it read-only; Secrets and ConfigMaps always are.
	ReadOnly pulumi.BoolPtrInput `pulumi:"readOnly,optional"`
	// Secret mounts the keys of an existing Secret as files.
	Secret *SecretVolumeArgs `pulumi:"secret,optional"`
	// ConfigMap mounts the keys of an existing ConfigMap as files.
	ConfigMap *ConfigMapVolumeArgs `pulumi:"configMap,optional"`
	// EmptyDir is scratch space that lives as long as the pod.
	EmptyDir *EmptyDirVolumeArgs `pulumi:"emptyDir,optional"`
}

// SecretVolumeArgs names a Secret in the dataflow's namespace.
type SecretVolumeArgs struct {
	// SecretName of the Secret.
	SecretName pulumi.StringInput `pulumi:"secretName"`
	// Optional lets the pod start without it.
	Optional pulumi.BoolPtrInput `pulumi:"optional,optional"`
}

// ConfigMapVolumeArgs names a ConfigMap in the dataflow's namespace.
type ConfigMapVolumeArgs struct {
	// Name of the ConfigMap.
	Name pulumi.StringInput `pulumi:"name"`
	// Optional lets the pod start without it.
	Optional pulumi.BoolPtrInput `pulumi:"optional,optional"`
}

// EmptyDirVolumeArgs is scratch space.
type EmptyDirVolumeArgs struct {
	// Medium is "" (the node's disk) or "Memory" (RAM, counted against the
	// container's memory).
	Medium pulumi.StringInput `pulumi:"medium,optional"`
	// SizeLimit, a quantity such as "1Gi", evicts the pod when exceeded.
	SizeLimit pulumi.StringInput `pulumi:"sizeLimit,optional"`
}

// PodMonitorArgs shapes the Prometheus Operator PodMonitor.
type PodMonitorArgs struct {
	// Interval between scrapes, such as "30s"; the operator's default when
	// empty.
	Interval pulumi.StringInput `pulumi:"interval,optional"`
	// Labels of the PodMonitor, such as the release label a Prometheus
	// selects its monitors by.
	Labels pulumi.StringMapInput `pulumi:"labels,optional"`
}

// Layouts of RecoveryArgs.Layout.
const (
	// RecoveryClaimPerProcess gives each process a claim of its own (the
	// StatefulSet's volumeClaimTemplates), holding its share of the
	// partitions.
	RecoveryClaimPerProcess = "perProcess"
	// RecoverySharedClaim mounts one ReadWriteMany claim, holding every
	// partition, into every process.
	RecoverySharedClaim = "shared"
)

// Defaults of RecoveryArgs.
const (
	DefaultSnapshotIntervalSeconds = 30
	DefaultBackupIntervalSeconds   = 0
	DefaultRecoverySize            = "1Gi"
	// RecoveryDirectory is where the dataflow container mounts the
	// recovery volume (BYTEWAX_RECOVERY_DIRECTORY).
	RecoveryDirectory = "/var/bytewax-recovery"
)

// RecoveryArgs turn on Bytewax's recovery. Every field is plain: each
// decides the claims or their layout, which cannot change once they hold
// data.
type RecoveryArgs struct {
	// Partitions is the number of recovery partitions, created once
	// before the first run and fixed from then on (Bytewax refuses another
	// count). Required. Bytewax advises the most workers the dataflow will
	// ever run (processes × workers per process).
	Partitions int `pulumi:"partitions"`
	// SnapshotIntervalSeconds is how often the state is snapshotted,
	// BYTEWAX_SNAPSHOT_INTERVAL. Defaults to 30.
	SnapshotIntervalSeconds *int `pulumi:"snapshotIntervalSeconds,optional"`
	// BackupIntervalSeconds is how long older snapshots are kept, for
	// stores that back the partitions up with a delay,
	// BYTEWAX_RECOVERY_BACKUP_INTERVAL. Defaults to 0.
	BackupIntervalSeconds *int `pulumi:"backupIntervalSeconds,optional"`
	// Layout is RecoveryClaimPerProcess (the default) or
	// RecoverySharedClaim.
	Layout string `pulumi:"layout,optional"`
	// StorageClassName of the claims; the cluster's default class when
	// nil.
	StorageClassName pulumi.StringInput `pulumi:"storageClassName,optional"`
	// Size of each claim, a quantity. Defaults to 1Gi.
	Size string `pulumi:"size,optional"`
	// AccessMode of the claims: ReadWriteOnce (the default per process),
	// ReadWriteOncePod or ReadWriteMany; a shared claim must be
	// ReadWriteMany, since processes on different nodes mount it.
	AccessMode string `pulumi:"accessMode,optional"`
	// Existing is what the recovery volumes already hold, as the last
	// deployment left them (its RecoveryState); unset before the first. It
	// wins over the recovery record the component reads from the cluster,
	// which is enough in most programs: pass it only to shape the pods
	// where that record is read too late (an explicit provider, or a
	// namespace that is an output). A change that Bytewax could not resume
	// from is refused before anything is applied.
	Existing *RecoveryState `pulumi:"existing,optional"`
}

// RecoveryState is what a dataflow's recovery volumes hold: the partition
// count, the processes holding them, and the layout.
type RecoveryState struct {
	// Partitions is the number of partitions.
	Partitions int `pulumi:"partitions"`
	// Holders is the number of processes whose volumes hold partitions:
	// with a claim per process, partition j is on the volume of process
	// j mod Holders; with a shared claim, 1.
	Holders int `pulumi:"holders"`
	// Layout is the layout of the claims.
	Layout string `pulumi:"layout"`
	// Size, StorageClassName and AccessMode are the claims' settings,
	// which the claims keep whatever the StatefulSet later says; empty
	// when not known.
	Size             string `pulumi:"size,optional"`
	StorageClassName string `pulumi:"storageClassName,optional"`
	AccessMode       string `pulumi:"accessMode,optional"`
	// Namespace is the claims' namespace; empty when not known. A
	// dataflow moved to another namespace finds no claims there, and
	// starts its recovery anew.
	Namespace string `pulumi:"namespace,optional"`
}

// BatchArgs run the dataflow once, to its end, as an Indexed Job named
// <Name>-<Run>. Every field is plain: each shapes the Job, which
// Kubernetes cannot change once created.
type BatchArgs struct {
	// Run names this run of the batch, a DNS label such as "1" or
	// "2024-06-01". A new Run runs the batch again; nothing else does, not
	// even a Job deleted after its TTL. Required.
	Run string `pulumi:"run"`
	// Retries is how many times the whole cluster is started again after a
	// failure. One crashed or evicted process fails every peer, so each
	// process (completion index) counts its own failures
	// (backoffLimitPerIndex) and the Job fails when any index has used them
	// all. Defaults to 1.
	Retries *int `pulumi:"retries,optional"`
	// TTLSecondsAfterFinished deletes the Job and its pods that long after
	// it ends. It needs Wait: once an up has seen the run end, the next up
	// hands the Job over to Kubernetes, and neither up nor refresh ever
	// runs it again. Kept until the next run or destroy when unset.
	TTLSecondsAfterFinished *int `pulumi:"ttlSecondsAfterFinished,optional"`
	// ActiveDeadlineSeconds fails the Job when it runs longer.
	ActiveDeadlineSeconds *int `pulumi:"activeDeadlineSeconds,optional"`
	// Wait makes up wait until the Job completes, and fail when it fails.
	// Without it, up returns once the Job is created.
	Wait bool `pulumi:"wait,optional"`
	// Last is what the last deployment recorded of its run (its batchRun,
	// batchEnded and batchHandedOver outputs; in Go, BatchRecord()), so
	// that a Job handed over to Kubernetes is never submitted again; unset
	// before the first. It wins over the batch record the component reads
	// from the cluster, which is enough in most programs: pass it only
	// where that record is read too late (an explicit provider, or a
	// namespace that is an output).
	Last *BatchRecord `pulumi:"last,optional"`
}

// BatchRecord is what a deployment knows of its batch run.
type BatchRecord struct {
	// Run is the run it submitted.
	Run string `pulumi:"run"`
	// Ended is how the run's Job ended, "Complete" or "Failed", as an up
	// that waited for it saw; empty when none saw it end.
	Ended string `pulumi:"ended,optional"`
	// HandedOver is true once the Job was left to Kubernetes.
	HandedOver bool `pulumi:"handedOver,optional"`
}

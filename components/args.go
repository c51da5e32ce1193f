package components

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

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
	DefaultKeepAlive         = true
)

// BytewaxDataflowArgs configures a BytewaxDataflow. Every field is optional
// except PythonFile; the zero value of a field means its default.
type BytewaxDataflowArgs struct {
	// Name of the dataflow. The StatefulSet, the headless Service and the
	// ConfigMap are named after it, and its pods are <Name>-0 ... <Name>-N.
	// It must be a DNS-1035 label of at most 52 characters. Defaults to the
	// Pulumi resource name.
	Name string

	// Namespace to deploy into. Defaults to "bytewax".
	Namespace string
	// ExistingNamespace uses Namespace as it is: the component neither
	// creates, labels nor deletes it. Set it when several dataflows share a
	// namespace or when the namespace is managed elsewhere.
	ExistingNamespace bool

	// Processes is the number of Bytewax processes (StatefulSet replicas).
	// Defaults to 1.
	Processes *int
	// WorkersPerProcess is the number of worker threads in each process.
	// Defaults to 1.
	WorkersPerProcess *int

	// Image runs the dataflow. Defaults to bytewax/bytewax:0.21.1-python3.11,
	// pulled IfNotPresent.
	Image Image
	// InitImage runs the init-container, which needs sh, cp and tar.
	// Defaults to busybox:1.37.0, pulled IfNotPresent.
	InitImage Image

	// Directory holds the dataflow's files; Files and PythonFile are
	// relative to it. Defaults to the program's working directory.
	Directory string
	// Files lists the files and folders to ship, relative to Directory.
	// Plain files at the top of Directory are stored one per ConfigMap key;
	// as soon as one entry is a folder or lies in one, everything is shipped
	// as one gzip tarball that the init-container unpacks. Defaults to the
	// PythonFile alone.
	Files []string
	// PythonFile is the file `python -m bytewax.run` starts, relative to
	// Directory, optionally followed by ":flow" to name the Dataflow
	// variable or factory. Required.
	PythonFile string

	// KeepAlive keeps the container running after the dataflow ends
	// (BYTEWAX_KEEP_CONTAINER_ALIVE). Defaults to true.
	KeepAlive *bool
	// Port the processes use to reach each other. Defaults to 9999.
	Port *int
	// ClusterDomain is the cluster's DNS domain, used in the peer
	// addresses. Defaults to "cluster.local".
	ClusterDomain string

	// ImagePullSecrets names existing secrets of type
	// kubernetes.io/dockerconfigjson to pull the images with.
	ImagePullSecrets []string
	// RegistryCredentials, when set, creates the pull secret as well and
	// adds it to ImagePullSecrets.
	RegistryCredentials *RegistryCredentials

	// Env adds environment variables to the dataflow container, before the
	// BYTEWAX_* variables the component sets (which they may not override).
	Env []EnvVar
	// Resources are the dataflow container's requests and limits.
	Resources Resources

	// Labels are added to every object and to the pods.
	Labels map[string]string
	// Annotations are added to every object and to the pods.
	Annotations map[string]string

	// ServiceAccount the pods run as. By default the component creates one
	// named <Name>-bytewax.
	ServiceAccount ServiceAccount
}

// Image names a container image and how to pull it.
type Image struct {
	// Repository, such as "bytewax/bytewax" or "registry.example.com/team/flow".
	Repository string
	// Tag, such as "0.21.1-python3.11".
	Tag string
	// PullPolicy is Always, IfNotPresent or Never.
	PullPolicy string
}

// RegistryCredentials describes an image pull secret the component creates.
type RegistryCredentials struct {
	// SecretName of the Secret. Defaults to <Name>-registry.
	SecretName string
	// DockerConfigJSON is the content of a ~/.docker/config.json that
	// authenticates to the registry. Pass a Pulumi secret (for example
	// config.RequireSecret): it is stored encrypted in the state and never
	// shown in plain text.
	DockerConfigJSON pulumi.StringInput
}

// EnvVar is an environment variable with a literal value.
type EnvVar struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Resources are compute requests and limits, as Kubernetes quantities keyed
// by resource name (for example {"cpu": "500m", "memory": "1Gi"}).
type Resources struct {
	Requests map[string]string `json:"requests,omitempty"`
	Limits   map[string]string `json:"limits,omitempty"`
}

// ServiceAccount selects the account the pods run as.
type ServiceAccount struct {
	// Name of the account. Defaults to <Name>-bytewax.
	Name string
	// Existing uses an account that already exists instead of creating one;
	// ImagePullSecrets are then the account owner's business.
	Existing bool
}

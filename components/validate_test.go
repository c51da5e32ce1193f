package components

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	pt "github.com/pulumi-bytewax/pulumi-bytewax/components/bytewaxtest"
)

func TestInvalidArgsFailBeforeAnyResourceIsRegistered(t *testing.T) {
	bigDir := t.TempDir()
	big := make([]byte, 900<<10) // 900 KiB of binary data is 1.17 MiB base64-encoded
	for i := range big {
		big[i] = byte(i*7919) | 0x80
	}
	require.NoError(t, os.WriteFile(filepath.Join(bigDir, "flow.py"), []byte("flow = None\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(bigDir, "model.bin"), big, 0o644))

	tests := []struct {
		name   string
		modify func(a *BytewaxDataflowArgs)
		field  string
		want   string
	}{
		{"zero processes", func(a *BytewaxDataflowArgs) { a.Processes = pulumi.IntRef(0) },
			"Processes", "Processes: must be a whole number of at least 1 (got 0)"},
		{"negative workers", func(a *BytewaxDataflowArgs) { a.WorkersPerProcess = pulumi.IntRef(-2) },
			"WorkersPerProcess", "WorkersPerProcess: must be a whole number of at least 1 (got -2)"},
		{"name not a DNS label", func(a *BytewaxDataflowArgs) { a.Name = "My_Flow" },
			"Name", `Name: a DNS-1035 label must consist of lower case alphanumeric characters or '-'`},
		{"name starting with a digit", func(a *BytewaxDataflowArgs) { a.Name = "1flow" },
			"Name", `start with an alphabetic character`},
		{"name too long for the revision label", func(a *BytewaxDataflowArgs) { a.Name = strings.Repeat("a", 53) },
			"Name", "Name: must be at most 52 characters, so that the pods' controller-revision-hash label fits in 63"},
		{"resource name used as name", func(a *BytewaxDataflowArgs) { a.Name = "" },
			"Name (defaulted from the resource name)", `Name (defaulted from the resource name): a DNS-1035 label`},
		{"bad namespace", func(a *BytewaxDataflowArgs) { a.Namespace = pulumi.String("Team.Streams") },
			"Namespace", `Namespace: a lowercase RFC 1123 label must consist of`},
		{"creating default", func(a *BytewaxDataflowArgs) { a.Namespace = pulumi.String("default") },
			"CreateNamespace", `CreateNamespace: cannot create "default": default and kube-* belong to the cluster`},
		{"creating kube-system", func(a *BytewaxDataflowArgs) { a.Namespace = pulumi.String("kube-system") },
			"CreateNamespace", `cannot create "kube-system"`},
		{"port zero", func(a *BytewaxDataflowArgs) { a.Port = pulumi.IntRef(0) },
			"Port", "Port: must be a port number from 1 to 65535 (got 0)"},
		{"API port on the peers' port", func(a *BytewaxDataflowArgs) { a.DataflowAPIPort = pulumi.IntRef(9999) },
			"DataflowAPIPort", "DataflowAPIPort: must differ from Port, which the processes use to reach each other (got 9999)"},
		{"API port zero", func(a *BytewaxDataflowArgs) { a.DataflowAPIPort = pulumi.IntRef(0) },
			"DataflowAPIPort", "DataflowAPIPort: must be a port number from 1 to 65535 (got 0)"},
		{"unknown spread", func(a *BytewaxDataflowArgs) { a.TopologySpread = "always" },
			"TopologySpread", `TopologySpread: must be one of soft, strict, off (got "always")`},
		{"bad topology key", func(a *BytewaxDataflowArgs) { a.TopologyKey = "zone!" },
			"TopologyKey", `TopologyKey: name part must consist of alphanumeric characters`},
		{"negative grace period", func(a *BytewaxDataflowArgs) { a.TerminationGracePeriodSeconds = pulumi.IntRef(-1) },
			"TerminationGracePeriodSeconds", `TerminationGracePeriodSeconds: must be from 0 to 86400 seconds (got -1)`},
		{"node selector value", func(a *BytewaxDataflowArgs) { a.NodeSelector = pulumi.StringMap{"pool": pulumi.String("fast pool")} },
			"NodeSelector.pool", `NodeSelector.pool: a valid label must be an empty string or consist of`},
		{"priority class", func(a *BytewaxDataflowArgs) { a.PriorityClassName = pulumi.String("High") },
			"PriorityClassName", `PriorityClassName: a lowercase RFC 1123 subdomain`},
		{"toleration operator", func(a *BytewaxDataflowArgs) {
			a.Tolerations = []TolerationArgs{{Key: pulumi.String("k"), Operator: pulumi.String("In")}}
		},
			"Tolerations[0].Operator", `Tolerations[0].Operator: must be Equal or Exists (got "In")`},
		{"toleration without a key", func(a *BytewaxDataflowArgs) { a.Tolerations = []TolerationArgs{{Value: pulumi.String("v")}} },
			"Tolerations[0].Key", `Tolerations[0].Key: must be set, unless Operator is Exists`},
		{"toleration effect", func(a *BytewaxDataflowArgs) {
			a.Tolerations = []TolerationArgs{{Key: pulumi.String("k"), Effect: pulumi.String("NoRun")}}
		},
			"Tolerations[0].Effect", `Tolerations[0].Effect: must be one of NoSchedule, PreferNoSchedule, NoExecute, or empty for all (got "NoRun")`},
		{"toleration seconds without NoExecute", func(a *BytewaxDataflowArgs) {
			a.Tolerations = []TolerationArgs{{Key: pulumi.String("k"), Effect: pulumi.String("NoSchedule"), TolerationSeconds: pulumi.IntPtr(5)}}
		}, "Tolerations[0].TolerationSeconds", `Tolerations[0].TolerationSeconds: applies only to Effect NoExecute (got 5)`},
		{"port too high", func(a *BytewaxDataflowArgs) { a.Port = pulumi.IntRef(70000) },
			"Port", "Port: must be a port number from 1 to 65535 (got 70000)"},
		{"pull policy", func(a *BytewaxDataflowArgs) { a.Image = &ImageArgs{PullPolicy: pulumi.String("Sometimes")} },
			"Image.PullPolicy", `Image.PullPolicy: must be one of Always, IfNotPresent, Never (got "Sometimes")`},
		{"init pull policy", func(a *BytewaxDataflowArgs) { a.InitImage = &ImageArgs{PullPolicy: pulumi.String("always")} },
			"InitImage.PullPolicy", `InitImage.PullPolicy: must be one of Always, IfNotPresent, Never (got "always")`},
		{"tag in the repository", func(a *BytewaxDataflowArgs) {
			a.Image = &ImageArgs{Repository: pulumi.String("bytewax/bytewax:latest"), Tag: pulumi.String("1")}
		}, "Image.Repository", `Image.Repository: must name an image repository`},
		{"uppercase repository", func(a *BytewaxDataflowArgs) {
			a.Image = &ImageArgs{Repository: pulumi.String("Bytewax/Flow"), Tag: pulumi.String("1")}
		}, "Image.Repository", `repository name (Flow) must be lowercase`},
		{"repository with spaces", func(a *BytewaxDataflowArgs) {
			a.Image = &ImageArgs{Repository: pulumi.String("team/my flow"), Tag: pulumi.String("1")}
		}, "Image.Repository", `must name an image repository`},
		{"tag too long", func(a *BytewaxDataflowArgs) {
			a.Image = &ImageArgs{Repository: pulumi.String("flow"), Tag: pulumi.String(strings.Repeat("a", 129))}
		}, "Image.Tag", `Image.Tag: must be an image tag: up to 128 letters`},
		{"tag with a slash", func(a *BytewaxDataflowArgs) {
			a.Image = &ImageArgs{Repository: pulumi.String("flow"), Tag: pulumi.String("v1/beta")}
		}, "Image.Tag", `Image.Tag: must be an image tag`},
		{"tag starting with a dot", func(a *BytewaxDataflowArgs) {
			a.Image = &ImageArgs{Repository: pulumi.String("flow"), Tag: pulumi.String(".1")}
		}, "Image.Tag", `Image.Tag: must be an image tag`},
		{"repository without tag or digest", func(a *BytewaxDataflowArgs) {
			a.Image = &ImageArgs{Repository: pulumi.String("registry.example.com:5000/team/flow")}
		}, "Image.Tag", `Image.Tag: must be an image tag, such as "0.21.1-python3.11", unless a Digest pins the image`},
		{"short digest", func(a *BytewaxDataflowArgs) {
			a.Image = &ImageArgs{Repository: pulumi.String("flow"), Digest: pulumi.String("sha256:abc")}
		}, "Image.Digest", `Image.Digest: must be an image digest such as "sha256:<64 lowercase hex digits>"`},
		{"digest without algorithm", func(a *BytewaxDataflowArgs) {
			a.Image = &ImageArgs{Repository: pulumi.String("flow"), Digest: pulumi.String(strings.Repeat("a", 64))}
		}, "Image.Digest", `Image.Digest: must be an image digest`},
		{"cluster domain", func(a *BytewaxDataflowArgs) { a.ClusterDomain = "cluster_local" },
			"ClusterDomain", `ClusterDomain: a lowercase RFC 1123 subdomain`},
		{"python file missing", func(a *BytewaxDataflowArgs) { a.PythonFile = "missing.py"; a.Files = nil },
			"PythonFile", `PythonFile: must name a file in Directory: ` + filepath.Join(packageDir, "testdata/flat/missing.py") + ` does not exist`},
		{"python file missing, listed in files", func(a *BytewaxDataflowArgs) { a.PythonFile = "missing.py"; a.Files = []string{"missing.py"} },
			"PythonFile", `PythonFile: must name a file in Directory`},
		{"python file not shipped", func(a *BytewaxDataflowArgs) { a.Files = []string{"helper.py"} },
			"PythonFile", `PythonFile: must be one of the shipped files (helper.py); add it to Files, or take it out of Exclude (got "app.py:flow")`},
		{"python file excluded", func(a *BytewaxDataflowArgs) { a.Files = []string{"."}; a.Exclude = []string{"app.py"} },
			"PythonFile", `PythonFile: must be one of the shipped files (helper.py)`},
		{"no python file", func(a *BytewaxDataflowArgs) { a.PythonFile = "" },
			"PythonFile", `PythonFile: must name the Python file that defines the dataflow`},
		{"python file escapes", func(a *BytewaxDataflowArgs) { a.PythonFile = "../flow.py" },
			"PythonFile", `PythonFile: must be a path inside Directory, without ".." (got "../flow.py")`},
		{"python file not a .py", func(a *BytewaxDataflowArgs) { a.PythonFile = "app.txt" },
			"PythonFile", `PythonFile: must be "file.py", "file.py:name" or "file.py:factory(args)"`},
		{"python attribute not a name", func(a *BytewaxDataflowArgs) { a.PythonFile = "app.py:1flow" },
			"PythonFile", `PythonFile: must be "file.py", "file.py:name" or "file.py:factory(args)"`},
		{"python call with a newline", func(a *BytewaxDataflowArgs) { a.PythonFile = "app.py:make(\n)" },
			"PythonFile", `PythonFile: must be "file.py"`},
		{"python two attributes", func(a *BytewaxDataflowArgs) { a.PythonFile = "app.py:flow:other" },
			"PythonFile", `PythonFile: must be "file.py"`},
		{"file escapes", func(a *BytewaxDataflowArgs) { a.Files = []string{"app.py", "../../go.mod"} },
			"Files[1]", `Files[1]: must be a path inside Directory, without ".." (got "../../go.mod")`},
		{"absolute file", func(a *BytewaxDataflowArgs) { a.Files = []string{"/etc/passwd"} },
			"Files[0]", `Files[0]: must be a path inside Directory`},
		{"missing file", func(a *BytewaxDataflowArgs) { a.Files = []string{"app.py", "nope.py"} },
			"Files[1]", `Files[1]: must name a file or folder in Directory: ` + filepath.Join(packageDir, "testdata/flat/nope.py") + ` does not exist`},
		{"missing directory", func(a *BytewaxDataflowArgs) { a.Directory = "testdata/none" },
			"Directory", `Directory: must be an existing folder: ` + filepath.Join(packageDir, "testdata/none") + ` does not exist`},
		{"directory is a file", func(a *BytewaxDataflowArgs) { a.Directory = "testdata/flat/app.py" },
			"Directory", `Directory: must be a folder: ` + filepath.Join(packageDir, "testdata/flat/app.py") + ` is a file`},
		{"absolute directory", func(a *BytewaxDataflowArgs) { a.Directory = "/etc" },
			"Directory", `Directory: must be relative to the project's root ` + packageDir + `; set AllowExternalDirectory to read an absolute path (got "/etc")`},
		{"directory outside the project", func(a *BytewaxDataflowArgs) { a.Directory = "../../" },
			"Directory", `Directory: must lie inside the project's root ` + packageDir},
		{"relative base directory", func(a *BytewaxDataflowArgs) { a.BaseDirectory = "flows" },
			"BaseDirectory", `BaseDirectory: must be an absolute path; relative paths never start at the working directory`},
		{"bad exclude pattern", func(a *BytewaxDataflowArgs) { a.Exclude = []string{"[a-"} },
			"Exclude[0]", `Exclude[0]: must be a glob pattern`},
		{"over the ConfigMap limit", func(a *BytewaxDataflowArgs) {
			a.BaseDirectory, a.Directory, a.Files, a.PythonFile = bigDir, "", []string{"flow.py", "model.bin"}, "flow.py"
		}, "Files", "Files: make a ConfigMap of 1.17 MiB, over Kubernetes' 1 MiB limit (binary data counts base64-encoded); ship only the code and bake large data into the image or fetch it at run time"},
		{"env clashing with BYTEWAX_*", func(a *BytewaxDataflowArgs) {
			a.Env = []EnvVarArgs{{Name: "BYTEWAX_REPLICAS", Value: pulumi.String("9")}}
		}, "Env[0].Name", `Env[0].Name: is set by the component and cannot be overridden; reserved: BYTEWAX_PYTHON_FILE_PATH`},
		{"env name invalid", func(a *BytewaxDataflowArgs) {
			a.Env = []EnvVarArgs{{Name: "A", Value: pulumi.String("1")}, {Name: "1=B", Value: pulumi.String("2")}}
		}, "Env[1].Name", `Env[1].Name: a valid environment variable name must consist of`},
		{"env twice", func(a *BytewaxDataflowArgs) { a.Env = []EnvVarArgs{{Name: "A"}, {Name: "A"}} },
			"Env[1].Name", `Env[1].Name: appears more than once (got "A")`},
		{"env value and valueFrom", func(a *BytewaxDataflowArgs) {
			a.Env = []EnvVarArgs{{Name: "A", Value: pulumi.String("1"), ValueFrom: &EnvVarSourceArgs{FieldRef: &FieldRefArgs{FieldPath: pulumi.String("metadata.name")}}}}
		}, "Env[0]", `Env[0]: must have a Value or a ValueFrom, not both (got "A")`},
		{"valueFrom with two sources", func(a *BytewaxDataflowArgs) {
			a.Env = []EnvVarArgs{{Name: "A", ValueFrom: &EnvVarSourceArgs{
				FieldRef:        &FieldRefArgs{FieldPath: pulumi.String("metadata.name")},
				ConfigMapKeyRef: &KeyRefArgs{Name: pulumi.String("cm"), Key: pulumi.String("k")},
			}}}
		}, "Env[0].ValueFrom", `Env[0].ValueFrom: must set exactly one of SecretKeyRef, ConfigMapKeyRef, FieldRef and ResourceFieldRef (got 2)`},
		{"valueFrom with no source", func(a *BytewaxDataflowArgs) { a.Env = []EnvVarArgs{{Name: "A", ValueFrom: &EnvVarSourceArgs{}}} },
			"Env[0].ValueFrom", `Env[0].ValueFrom: must set exactly one of`},
		{"secretKeyRef without a key", func(a *BytewaxDataflowArgs) {
			a.Env = []EnvVarArgs{{Name: "A", ValueFrom: &EnvVarSourceArgs{SecretKeyRef: &KeyRefArgs{Name: pulumi.String("db")}}}}
		}, "Env[0].ValueFrom.SecretKeyRef.Key", `Env[0].ValueFrom.SecretKeyRef.Key: must name the key in the object`},
		{"secretKeyRef to a bad name", func(a *BytewaxDataflowArgs) {
			a.Env = []EnvVarArgs{{Name: "A", ValueFrom: &EnvVarSourceArgs{SecretKeyRef: &KeyRefArgs{Name: pulumi.String("DB"), Key: pulumi.String("pw")}}}}
		}, "Env[0].ValueFrom.SecretKeyRef.Name", `Env[0].ValueFrom.SecretKeyRef.Name: a lowercase RFC 1123 subdomain`},
		{"configMapKeyRef to a bad key", func(a *BytewaxDataflowArgs) {
			a.Env = []EnvVarArgs{{Name: "A", ValueFrom: &EnvVarSourceArgs{ConfigMapKeyRef: &KeyRefArgs{Name: pulumi.String("cm"), Key: pulumi.String("a b")}}}}
		}, "Env[0].ValueFrom.ConfigMapKeyRef.Key", `Env[0].ValueFrom.ConfigMapKeyRef.Key: a valid config key must consist of`},
		{"fieldRef to an unknown field", func(a *BytewaxDataflowArgs) {
			a.Env = []EnvVarArgs{{Name: "A", ValueFrom: &EnvVarSourceArgs{FieldRef: &FieldRefArgs{FieldPath: pulumi.String("spec.containers")}}}}
		}, "Env[0].ValueFrom.FieldRef.FieldPath", `Env[0].ValueFrom.FieldRef.FieldPath: must be one of metadata.name`},
		{"resourceFieldRef to a bad resource", func(a *BytewaxDataflowArgs) {
			a.Env = []EnvVarArgs{{Name: "A", ValueFrom: &EnvVarSourceArgs{ResourceFieldRef: &ResourceFieldRefArgs{Resource: pulumi.String("memory")}}}}
		}, "Env[0].ValueFrom.ResourceFieldRef.Resource", `must be requests.<name> or limits.<name>`},
		{"resourceFieldRef divisor", func(a *BytewaxDataflowArgs) {
			a.Env = []EnvVarArgs{{Name: "A", ValueFrom: &EnvVarSourceArgs{ResourceFieldRef: &ResourceFieldRefArgs{Resource: pulumi.String("limits.memory"), Divisor: pulumi.String("-1Mi")}}}}
		}, "Env[0].ValueFrom.ResourceFieldRef.Divisor", `must be one of 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei for memory (got "-1Mi")`},
		{"cpu divisor", func(a *BytewaxDataflowArgs) {
			a.Env = []EnvVarArgs{{Name: "A", ValueFrom: &EnvVarSourceArgs{ResourceFieldRef: &ResourceFieldRefArgs{Resource: pulumi.String("limits.cpu"), Divisor: pulumi.String("3")}}}}
		}, "Env[0].ValueFrom.ResourceFieldRef.Divisor", `must be one of 1m, 1 for cpu (got "3")`},
		{"too many processes", func(a *BytewaxDataflowArgs) { a.Processes = pulumi.IntRef(10001) },
			"Processes", `Processes: must be at most 10000: every process lists every other in its hostfile (got 10001)`},
		{"peer names too long", func(a *BytewaxDataflowArgs) {
			a.ClusterDomain = strings.Repeat(strings.Repeat("a", 60)+".", 4) + "local"
		},
			"ClusterDomain", `makes the processes' DNS names, such as wordcount-1.wordcount.streams.svc.aaaa`},
		{"API clients without selectors", func(a *BytewaxDataflowArgs) {
			a.NetworkPolicy = &NetworkPolicyArgs{APIFrom: []NetworkPeerArgs{{}}}
		}, "NetworkPolicy.APIFrom[0]", `NetworkPolicy.APIFrom[0]: must select namespaces or pods by labels; to allow everyone, disable the NetworkPolicy`},
		{"API clients with a bad label", func(a *BytewaxDataflowArgs) {
			a.NetworkPolicy = &NetworkPolicyArgs{APIFrom: []NetworkPeerArgs{{PodLabels: pulumi.ToStringMap(map[string]string{"app": "prom etheus"})}}}
		}, "NetworkPolicy.APIFrom[0].PodLabels.app", `a valid label must be an empty string or consist of`},
		{"API clients without a policy", func(a *BytewaxDataflowArgs) {
			a.NetworkPolicy = &NetworkPolicyArgs{Disabled: true, APIFrom: []NetworkPeerArgs{{PodLabels: pulumi.ToStringMap(map[string]string{"app": "prometheus"})}}}
		}, "NetworkPolicy.APIFrom", `NetworkPolicy.APIFrom: has no effect without the NetworkPolicy`},
		{"volume with the component's name", func(a *BytewaxDataflowArgs) {
			a.Volumes = []VolumeArgs{{Name: "tmp", MountPath: "/scratch", EmptyDir: &EmptyDirVolumeArgs{}}}
		}, "Volumes[0].Name", `Volumes[0].Name: is one of the component's own volumes: hostfile, python-files, working-directory, tmp, recovery, recovery-state (got "tmp")`},
		{"volume hiding the code", func(a *BytewaxDataflowArgs) {
			a.Volumes = []VolumeArgs{{Name: "x", MountPath: "/var", EmptyDir: &EmptyDirVolumeArgs{}}}
		}, "Volumes[0].MountPath", `Volumes[0].MountPath: would hide the component's own mounts (/etc/bytewax, /var/bytewax, /tmp)`},
		{"volume at a relative path", func(a *BytewaxDataflowArgs) {
			a.Volumes = []VolumeArgs{{Name: "x", MountPath: "certs", EmptyDir: &EmptyDirVolumeArgs{}}}
		}, "Volumes[0].MountPath", `Volumes[0].MountPath: must be an absolute path, without ':' (got "certs")`},
		{"volume over the code", func(a *BytewaxDataflowArgs) {
			a.Volumes = []VolumeArgs{{Name: "x", MountPath: "/var/bytewax/app.py", EmptyDir: &EmptyDirVolumeArgs{}}}
		}, "Volumes[0].MountPath", `or what is in them; mount it elsewhere, such as /mnt/x`},
		{"volume over the hostfile", func(a *BytewaxDataflowArgs) {
			a.Volumes = []VolumeArgs{{Name: "x", MountPath: "/etc/bytewax/hostfile.txt", EmptyDir: &EmptyDirVolumeArgs{}}}
		}, "Volumes[0].MountPath", `would hide the component's own mounts`},
		{"read-only emptyDir", func(a *BytewaxDataflowArgs) {
			a.Volumes = []VolumeArgs{{Name: "x", MountPath: "/x", ReadOnly: pulumi.Bool(true), EmptyDir: &EmptyDirVolumeArgs{}}}
		}, "Volumes[0].ReadOnly", `would leave an emptyDir empty for good`},
		{"volume twice at one path", func(a *BytewaxDataflowArgs) {
			a.Volumes = []VolumeArgs{{Name: "a", MountPath: "/x", EmptyDir: &EmptyDirVolumeArgs{}}, {Name: "b", MountPath: "/x/", EmptyDir: &EmptyDirVolumeArgs{}}}
		}, "Volumes[1].MountPath", `Volumes[1].MountPath: is the mount path of another volume`},
		{"volume with two sources", func(a *BytewaxDataflowArgs) {
			a.Volumes = []VolumeArgs{{Name: "a", MountPath: "/x", EmptyDir: &EmptyDirVolumeArgs{}, Secret: &SecretVolumeArgs{SecretName: pulumi.String("s")}}}
		}, "Volumes[0]", `Volumes[0]: must have exactly one of Secret, ConfigMap and EmptyDir (has 2)`},
		{"volume size", func(a *BytewaxDataflowArgs) {
			a.Volumes = []VolumeArgs{{Name: "a", MountPath: "/x", EmptyDir: &EmptyDirVolumeArgs{SizeLimit: pulumi.String("lots")}}}
		}, "Volumes[0].EmptyDir.SizeLimit", `Volumes[0].EmptyDir.SizeLimit: must be a positive quantity`},
		{"volume secret name", func(a *BytewaxDataflowArgs) {
			a.Volumes = []VolumeArgs{{Name: "a", MountPath: "/x", Secret: &SecretVolumeArgs{SecretName: pulumi.String("TLS")}}}
		}, "Volumes[0].Secret.SecretName", `Volumes[0].Secret.SecretName: a lowercase RFC 1123 subdomain`},
		{"pod label value", func(a *BytewaxDataflowArgs) { a.PodLabels = pulumi.StringMap{"scrape": pulumi.String("yes please")} },
			"PodLabels.scrape", `PodLabels.scrape: a valid label must be an empty string or consist of`},
		{"pod selector label", func(a *BytewaxDataflowArgs) {
			a.PodLabels = pulumi.StringMap{"app.kubernetes.io/name": pulumi.String("x")}
		},
			"PodLabels", `PodLabels: is part of the StatefulSet's selector`},
		{"pod annotation key", func(a *BytewaxDataflowArgs) { a.PodAnnotations = pulumi.StringMap{"bad key": pulumi.String("x")} },
			"PodAnnotations", `PodAnnotations: name part must consist of alphanumeric characters`},
		{"OTLP endpoint", func(a *BytewaxDataflowArgs) { a.OTLPEndpoint = pulumi.String("otel-collector:4317") },
			"OTLPEndpoint", `OTLPEndpoint: must be a URL such as "http://otel-collector.monitoring:4317"`},
		{"pod monitor without the API", func(a *BytewaxDataflowArgs) {
			a.PodMonitor = &PodMonitorArgs{}
			a.DataflowAPI = pulumi.BoolRef(false)
		}, "PodMonitor", `PodMonitor: needs the dataflow API, which serves /metrics`},
		{"pod monitor interval", func(a *BytewaxDataflowArgs) { a.PodMonitor = &PodMonitorArgs{Interval: pulumi.String("30 seconds")} },
			"PodMonitor.Interval", `PodMonitor.Interval: must be a duration such as "30s" or "1m30s" (got "30 seconds")`},
		{"provider annotation", func(a *BytewaxDataflowArgs) {
			a.Annotations = pulumi.StringMap{"pulumi.com/deletionPropagationPolicy": pulumi.String("orphan")}
		}, "Annotations", `Annotations: is in pulumi.com/, which steers the Kubernetes provider`},
		{"empty file entry", func(a *BytewaxDataflowArgs) { a.Files = []string{"app.py", ""} },
			"Files[1]", `Files[1]: must name a file or folder; "." is the whole Directory`},
		{"missing base directory", func(a *BytewaxDataflowArgs) { a.BaseDirectory = "/nonexistent-base/x"; a.Directory = "../../tmp" },
			"BaseDirectory", `BaseDirectory: must be an existing folder, which Directory must stay inside`},
		{"extended resource without a limit", func(a *BytewaxDataflowArgs) {
			a.Resources = &ResourcesArgs{Requests: pulumi.StringMap{"example.com/gpu": pulumi.String("1")}}
		}, "Resources.Limits.example.com/gpu", `Resources.Limits.example.com/gpu: must be set, equal to the request: example.com/gpu cannot be overcommitted`},
		{"hugepages alone", func(a *BytewaxDataflowArgs) {
			a.Resources = &ResourcesArgs{Requests: pulumi.StringMap{"hugepages-2Mi": pulumi.String("2Mi")}, Limits: pulumi.StringMap{"hugepages-2Mi": pulumi.String("2Mi")}}
		}, "Resources", `Resources: must request or limit cpu or memory as well`},
		{"hugepages overcommitted", func(a *BytewaxDataflowArgs) {
			a.Resources = &ResourcesArgs{
				Requests: pulumi.StringMap{"hugepages-2Mi": pulumi.String("1Mi"), "memory": pulumi.String("1Gi")},
				Limits:   pulumi.StringMap{"hugepages-2Mi": pulumi.String("2Mi")},
			}
		}, "Resources.Requests.hugepages-2Mi", `must equal the limit of 2Mi: hugepages-2Mi cannot be overcommitted`},
		{"component label", func(a *BytewaxDataflowArgs) {
			a.Labels = pulumi.StringMap{"app.kubernetes.io/managed-by": pulumi.String("helm")}
		},
			"Labels", `Labels: is set by the component (got "app.kubernetes.io/managed-by")`},
		{"component annotation", func(a *BytewaxDataflowArgs) {
			a.Annotations = pulumi.StringMap{"bytewax.io/files-checksum": pulumi.String("x")}
		},
			"Annotations", `Annotations: is in bytewax.io/, which the component keeps for its own annotations`},
		{"exclude matching nothing sensible", func(a *BytewaxDataflowArgs) { a.Exclude = []string{"/"} },
			"Exclude[0]", `Exclude[0]: must be a glob pattern`},
		{"envFrom with both", func(a *BytewaxDataflowArgs) {
			a.EnvFrom = []EnvFromSourceArgs{{SecretRef: &ObjectRefArgs{Name: pulumi.String("a")}, ConfigMapRef: &ObjectRefArgs{Name: pulumi.String("b")}}}
		}, "EnvFrom[0]", `EnvFrom[0]: must set exactly one of SecretRef and ConfigMapRef`},
		{"envFrom prefix", func(a *BytewaxDataflowArgs) {
			a.EnvFrom = []EnvFromSourceArgs{{Prefix: pulumi.String("1X"), SecretRef: &ObjectRefArgs{Name: pulumi.String("a")}}}
		}, "EnvFrom[0].Prefix", `EnvFrom[0].Prefix: a valid environment variable name`},
		{"envFrom name", func(a *BytewaxDataflowArgs) {
			a.EnvFrom = []EnvFromSourceArgs{{ConfigMapRef: &ObjectRefArgs{Name: pulumi.String("Team_Config")}}}
		}, "EnvFrom[0].ConfigMapRef.Name", `EnvFrom[0].ConfigMapRef.Name: a lowercase RFC 1123 subdomain`},
		{"bad quantity", func(a *BytewaxDataflowArgs) {
			a.Resources = &ResourcesArgs{Limits: pulumi.StringMap{"memory": pulumi.String("lots")}}
		}, "Resources.Limits.memory", `Resources.Limits.memory: must be a Kubernetes quantity, such as "500m", "2" or "1Gi" (got "lots")`},
		{"negative quantity", func(a *BytewaxDataflowArgs) {
			a.Resources = &ResourcesArgs{Requests: pulumi.StringMap{"cpu": pulumi.String("-1")}}
		}, "Resources.Requests.cpu", `Resources.Requests.cpu: must not be negative (got "-1")`},
		{"unknown resource name", func(a *BytewaxDataflowArgs) {
			a.Resources = &ResourcesArgs{Requests: pulumi.StringMap{"gpu": pulumi.String("1")}}
		}, "Resources.Requests", `Resources.Requests: must be cpu, memory, ephemeral-storage, hugepages-<size> or a domain-qualified extended resource such as "nvidia.com/gpu" (got "gpu")`},
		{"reserved resource domain", func(a *BytewaxDataflowArgs) {
			a.Resources = &ResourcesArgs{Limits: pulumi.StringMap{"kubernetes.io/gpu": pulumi.String("1")}}
		}, "Resources.Limits", `the kubernetes.io domain is reserved`},
		{"fractional extended resource", func(a *BytewaxDataflowArgs) {
			a.Resources = &ResourcesArgs{Limits: pulumi.StringMap{"nvidia.com/gpu": pulumi.String("500m")}}
		}, "Resources.Limits.nvidia.com/gpu", `must be a whole number for an extended resource`},
		{"request above limit", func(a *BytewaxDataflowArgs) {
			a.Resources = &ResourcesArgs{
				Requests: pulumi.StringMap{"memory": pulumi.String("2Gi")},
				Limits:   pulumi.StringMap{"memory": pulumi.String("1Gi")},
			}
		}, "Resources.Requests.memory", `Resources.Requests.memory: must be at most the limit of 1Gi (got "2Gi")`},
		{"label value", func(a *BytewaxDataflowArgs) { a.Labels = pulumi.StringMap{"team": pulumi.String("data science")} },
			"Labels.team", `Labels.team: a valid label must be an empty string or consist of`},
		{"selector label", func(a *BytewaxDataflowArgs) {
			a.Labels = pulumi.StringMap{"app.kubernetes.io/instance": pulumi.String("x")}
		},
			"Labels", `Labels: is part of the StatefulSet's selector and is set by the component (got "app.kubernetes.io/instance")`},
		{"annotation key", func(a *BytewaxDataflowArgs) { a.Annotations = pulumi.StringMap{"bad key": pulumi.String("x")} },
			"Annotations", `Annotations: name part must consist of alphanumeric characters`},
		{"annotations too large", func(a *BytewaxDataflowArgs) {
			a.Annotations = pulumi.StringMap{"example.com/blob": pulumi.String(strings.Repeat("x", 256<<10))}
		}, "Annotations", `Annotations: must add up to at most 261120 bytes of keys and values, the API server's 262144 minus 1024 the component adds to the pods (got "262160 bytes")`},
		{"pull secret name", func(a *BytewaxDataflowArgs) { a.ImagePullSecrets = pulumi.ToStringArray([]string{"Creds"}) },
			"ImagePullSecrets[0]", `ImagePullSecrets[0]: a lowercase RFC 1123 subdomain`},
		{"pull secret twice", func(a *BytewaxDataflowArgs) { a.ImagePullSecrets = pulumi.ToStringArray([]string{"a", "a"}) },
			"ImagePullSecrets[1]", `ImagePullSecrets[1]: appears more than once (got "a")`},
		{"credentials without a value", func(a *BytewaxDataflowArgs) { a.RegistryCredentials = &RegistryCredentialsArgs{} },
			"RegistryCredentials.DockerConfigJSON", `RegistryCredentials.DockerConfigJSON: must hold the registry's docker config.json, as a Pulumi secret (got nothing)`},
		{"credentials not JSON", func(a *BytewaxDataflowArgs) {
			a.RegistryCredentials = &RegistryCredentialsArgs{DockerConfigJSON: pulumi.String("user:hunter2")}
		}, "RegistryCredentials.DockerConfigJSON", `RegistryCredentials.DockerConfigJSON: must be a docker config.json, a JSON object with an "auths" object (not JSON: syntax error at byte 1) (got a secret value, not shown)`},
		{"credentials without auths", func(a *BytewaxDataflowArgs) {
			a.RegistryCredentials = &RegistryCredentialsArgs{DockerConfigJSON: pulumi.String(`{"credsStore":"hunter2"}`)}
		}, "RegistryCredentials.DockerConfigJSON", `with an "auths" object, such as`},
		{"credentials for an existing account", func(a *BytewaxDataflowArgs) {
			a.ServiceAccount = &ServiceAccountArgs{Name: pulumi.String("runner"), Existing: true}
			a.RegistryCredentials = &RegistryCredentialsArgs{DockerConfigJSON: pulumi.String(`{"auths":{}}`)}
		}, "RegistryCredentials", `RegistryCredentials: cannot be attached to an existing ServiceAccount`},
		{"service account name", func(a *BytewaxDataflowArgs) { a.ServiceAccount = &ServiceAccountArgs{Name: pulumi.String("Runner!")} },
			"ServiceAccount.Name", `ServiceAccount.Name: a lowercase RFC 1123 subdomain`},
		{"existing service account without a name", func(a *BytewaxDataflowArgs) { a.ServiceAccount = &ServiceAccountArgs{Existing: true} },
			"ServiceAccount.Name", `ServiceAccount.Name: must name the existing account the pods run as (got nothing)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := flatArgs()
			tt.modify(args)
			d, err := run(t, func(ctx *pulumi.Context) error {
				_, err := NewBytewaxDataflow(ctx, "MyFlow", args)
				return err
			})
			require.Error(t, err)
			assert.Empty(t, d.Resources, "nothing may be registered for invalid input")
			var invalid *ValidationError
			require.True(t, errors.As(err, &invalid), "%T: %v", err, err)
			var fields []string
			for _, fe := range invalid.Errors {
				fields = append(fields, fe.Field)
			}
			assert.Contains(t, fields, tt.field)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), "goroutine", "no stack traces for user mistakes")
		})
	}
}

func TestEveryProblemIsReportedAtOnce(t *testing.T) {
	args := flatArgs()
	args.Processes = pulumi.IntRef(0)
	args.Port = pulumi.IntRef(0)
	args.Image = &ImageArgs{PullPolicy: pulumi.String("Sometimes")}
	err := validateArgs(t, "x", args)
	var invalid *ValidationError
	require.ErrorAs(t, err, &invalid)
	assert.Len(t, invalid.Errors, 3)
	assert.True(t, strings.HasPrefix(err.Error(), "invalid BytewaxDataflow arguments for \"x\":\n  "), err.Error())
	var fe *FieldError
	require.ErrorAs(t, err, &fe, "errors.As finds each FieldError")
	assert.Equal(t, "Processes", fe.Field)
}

func TestABadNameIsReportedOnce(t *testing.T) {
	err := validateArgs(t, "Bad_Name", &BytewaxDataflowArgs{Directory: "testdata/flat", PythonFile: "app.py"})
	var invalid *ValidationError
	require.ErrorAs(t, err, &invalid)
	require.Len(t, invalid.Errors, 1, "the derived account and secret names are not blamed: %v", err)
	assert.Equal(t, "Name (defaulted from the resource name)", invalid.Errors[0].Field)
}

func TestRenameFieldsNamesConfigKeys(t *testing.T) {
	err := validateArgs(t, "x", &BytewaxDataflowArgs{Processes: pulumi.IntRef(0), Directory: "testdata/flat", PythonFile: "app.py"})
	var invalid *ValidationError
	require.ErrorAs(t, err, &invalid)
	invalid.RenameFields(func(f string) string { return "cfg:" + strings.ToLower(f) })
	assert.Equal(t, "invalid BytewaxDataflow arguments for \"x\":\n  cfg:processes: must be a whole number of at least 1 (got 0)", err.Error())
}

// validateArgs runs ValidateArgs with this package as the project's root.
func validateArgs(t *testing.T, name string, args *BytewaxDataflowArgs) error {
	t.Helper()
	var err error
	_, runErr := run(t, func(ctx *pulumi.Context) error {
		err = ValidateArgs(ctx, name, args)
		return nil
	})
	require.NoError(t, runErr)
	return err
}

func TestAffinityIsCheckedBeforeAnythingIsRegistered(t *testing.T) {
	good := corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{
		RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{
			{MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "pool", Operator: "In", Values: []string{"stream"}}}},
		}},
	}}
	tests := []struct {
		name     string
		affinity corev1.AffinityPtrInput
		want     string
	}{
		{"a bad operator", AffinityFrom(corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{
			RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{
				{MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "pool", Operator: "Is", Values: []string{"a"}}}},
			}},
		}}), `Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms[0].MatchExpressions[0].Operator: must be one of In, NotIn, Exists, DoesNotExist, Gt, Lt (got "Is")`},
		{"an empty term", AffinityFrom(corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{
			RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{{}}},
		}}), `NodeSelectorTerms[0]: must have matchExpressions or matchFields`},
		{"a weight of zero", AffinityFrom(corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{
			PreferredDuringSchedulingIgnoredDuringExecution: []corev1.WeightedPodAffinityTerm{{PodAffinityTerm: corev1.PodAffinityTerm{TopologyKey: "kubernetes.io/hostname"}}},
		}}), `Affinity.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution[0].Weight: must be from 1 to 100 (got 0)`},
		{"no topology key", &corev1.AffinityArgs{PodAffinity: &corev1.PodAffinityArgs{
			RequiredDuringSchedulingIgnoredDuringExecution: corev1.PodAffinityTermArray{corev1.PodAffinityTermArgs{TopologyKey: pulumi.String("")}},
		}}, `Affinity.PodAffinity.RequiredDuringSchedulingIgnoredDuringExecution[0].TopologyKey: must name a node label`},
		{"a bad label value", AffinityFrom(corev1.Affinity{PodAffinity: &corev1.PodAffinity{
			RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{{TopologyKey: "zone", LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "not valid!"}}}},
		}}), `LabelSelector.MatchLabels.app: a valid label must be`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := flatArgs()
			args.Affinity = tt.affinity
			d, err := run(t, func(ctx *pulumi.Context) error {
				_, err := NewBytewaxDataflow(ctx, "wc", args)
				return err
			})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Empty(t, d.OfType(typeStatefulSet), "no StatefulSet is registered")
			if _, known := tt.affinity.(knownAffinity); known {
				_, err := run(t, func(ctx *pulumi.Context) error { return ValidateArgs(ctx, "wc", args) })
				assert.ErrorContains(t, err, tt.want, "a plain affinity is checked up front, with the other values")
			}
		})
	}
	args := flatArgs()
	args.Affinity = AffinityFrom(good)
	d := deploy(t, "wc", args)
	assert.Equal(t, "stream", pt.Get(t, d.ByType(t, typeStatefulSet).Object(t), "spec", "template", "spec", "affinity", "nodeAffinity",
		"requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms", 0, "matchExpressions", 0, "values", 0))
}

func TestTheGateKeepsTheNamespacesSecrecyAlone(t *testing.T) {
	secret := func(s string) pulumi.StringOutput { return pulumi.ToSecret(pulumi.String(s)).(pulumi.StringOutput) }
	plain := func(s string) pulumi.StringOutput { return pulumi.String(s).ToStringOutput() }
	tests := []struct {
		name      string
		namespace pulumi.StringInput
		checked   pulumi.StringOutput
		secret    bool
	}{
		{"a known namespace, a secret value checked", pulumi.String("streams"), secret("data"), false},
		{"a namespace output, a secret value checked", plain("streams"), secret("data"), false},
		{"a secret namespace, a plain value checked", secret("streams"), plain("data"), true},
		{"a secret namespace, checked itself", secret("streams"), pulumi.StringOutput{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := &validator{}
			checked := tt.checked
			if checked == (pulumi.StringOutput{}) {
				checked = tt.namespace.ToStringOutput()
			}
			v.whenString("Labels.team", checked, func(*problems, string) {})
			v.whenString("Namespace", tt.namespace, func(*problems, string) {})
			gated := v.gate("wc", tt.namespace).ToStringOutput()
			assert.Equal(t, tt.secret, pulumi.IsSecret(gated))
			value := make(chan string, 1)
			gated.ApplyT(func(ns string) string { value <- ns; return ns })
			assert.Equal(t, "streams", <-value)
		})
	}
}

func TestPropertyPathsAreTheSchemasNames(t *testing.T) {
	for field, want := range map[string]string{
		"Name":                                 "name",
		"Recovery.Partitions":                  "recovery.partitions",
		"RegistryCredentials.DockerConfigJSON": "registryCredentials.dockerConfigJson",
		"OTLPEndpoint":                         "otlpEndpoint",
		"DataflowAPIPort":                      "dataflowApiPort",
		"Env[2].ValueFrom.SecretKeyRef.Name":   "env[2].valueFrom.secretKeyRef.name",
		"Files[0]":                             "files[0]",
		"Labels.app.kubernetes.io/name":        "labels.app.kubernetes.io/name",
		"Resources.Limits.nvidia.com/gpu":      "resources.limits.nvidia.com/gpu",
		"Tolerations[1].Operator":              "tolerations[1].operator",
		"Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms[0].MatchExpressions[1].Values[2]": "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[1].values[2]",
	} {
		assert.Equal(t, want, propertyPath(field), field)
	}
}

func TestMessagesNameTheSchemasProperties(t *testing.T) {
	for text, want := range map[string]string{
		"set AllowExternalDirectory to read it":                          "set allowExternalDirectory to read it",
		"pass that dataflow's NamespaceName to the others":               "pass that dataflow's namespaceName to the others",
		"pass Recovery.Existing (what RecoveryStateOf() returned)":       "pass recovery.existing (what RecoveryStateOf() returned)",
		"give one another Name or Namespace":                             "give one another name or namespace",
		"the StatefulSet, Service and ConfigMap of Kubernetes":           "the StatefulSet, Service and ConfigMap of Kubernetes",
		"deploy into it as it is (CreateNamespace false: the component)": "deploy into it as it is (createNamespace false: the component)",
	} {
		assert.Equal(t, want, schemaWords(text), text)
	}
}

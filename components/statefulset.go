package components

import (
	"path"
	"slices"
	"strconv"
	"strings"

	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The pod's security settings: a fixed non-root user (the Bytewax image has
// no USER), and the settings of the Pod Security Standards' "restricted"
// profile. The ids are at or above 10000, clear of the users and groups a
// node defines, and fixed for good: recovery volumes keep files owned by
// them, and changing them would re-own every file on every claim.
const (
	runAsUser  = 10001
	runAsGroup = 10001
	fsGroup    = 10001
)

// initResources are the init-container's requests and limits. It runs a
// few shell commands and copies at most a ConfigMap's worth of files (1 MiB,
// which a tarball may expand several times over), so small fixed amounts
// suffice; being set, they count towards ResourceQuotas and LimitRanges as
// the namespace's owner expects. No CPU limit: it would only slow the start.
var initResources = &corev1.ResourceRequirementsArgs{
	Requests: pulumi.StringMap{
		"cpu":               pulumi.String("10m"),
		"memory":            pulumi.String("16Mi"),
		"ephemeral-storage": pulumi.String("16Mi"),
	},
	Limits: pulumi.StringMap{
		"memory":            pulumi.String("64Mi"),
		"ephemeral-storage": pulumi.String("64Mi"),
	},
}

// statefulSetInputs are the names of the objects the StatefulSet refers to,
// taken from their resources so that Pulumi creates them first.
type statefulSetInputs struct {
	namespace      pulumi.StringInput
	configMap      pulumi.StringInput
	service        pulumi.StringInput
	serviceAccount pulumi.StringInput
	pullSecrets    corev1.LocalObjectReferenceArrayInput
	// envSecret and its UID, when some variables are stored in
	// the component's Secret.
	envSecret, envSecretVersion pulumi.StringInput
	// sharedClaim is the shared recovery claim's name.
	sharedClaim pulumi.StringInput
}

// statefulSetArgs builds the StatefulSet that runs the processes.
func statefulSetArgs(s *dataflowSpec, in statefulSetInputs) *appsv1.StatefulSetArgs {
	return &appsv1.StatefulSetArgs{
		Metadata: objectMeta(s, pulumi.String(s.name), in.namespace),
		Spec: &appsv1.StatefulSetSpecArgs{
			// All processes start together: each waits for its peers anyway.
			PodManagementPolicy: pulumi.String("Parallel"),
			Replicas:            pulumi.Int(s.processes),
			Selector:            &metav1.LabelSelectorArgs{MatchLabels: pulumi.ToStringMap(selectorLabels(s))},
			ServiceName:         in.service,
			// The recovery claims outlive the StatefulSet, which every
			// change replaces, and a scale-down: they hold the state.
			VolumeClaimTemplates:                 recoveryClaimTemplates(s),
			PersistentVolumeClaimRetentionPolicy: claimRetention(s),
			Template:                             podTemplate(s, in, podSpec(s, in)),
		},
	}
}

// podTemplate is the pods' template, of the StatefulSet or the Job.
func podTemplate(s *dataflowSpec, in statefulSetInputs, spec *corev1.PodSpecArgs) *corev1.PodTemplateSpecArgs {
	return &corev1.PodTemplateSpecArgs{
		Metadata: &metav1.ObjectMetaArgs{
			Labels:      podLabels(s),
			Annotations: podAnnotations(s, in.envSecretVersion),
		},
		Spec: spec,
	}
}

func podSpec(s *dataflowSpec, in statefulSetInputs) *corev1.PodSpecArgs {
	return &corev1.PodSpecArgs{
		SecurityContext: &corev1.PodSecurityContextArgs{
			RunAsNonRoot: pulumi.Bool(true),
			RunAsUser:    pulumi.Int(runAsUser),
			RunAsGroup:   pulumi.Int(runAsGroup),
			FsGroup:      pulumi.Int(fsGroup),
			// Volumes already owned by the group are not walked on every
			// start; a large recovery claim would otherwise delay it.
			FsGroupChangePolicy: pulumi.String("OnRootMismatch"),
			SeccompProfile:      &corev1.SeccompProfileArgs{Type: pulumi.String("RuntimeDefault")},
		},
		ServiceAccountName:            in.serviceAccount,
		AutomountServiceAccountToken:  pulumi.Bool(false),
		ImagePullSecrets:              in.pullSecrets,
		TerminationGracePeriodSeconds: pulumi.Int(s.gracePeriod),
		NodeSelector:                  optionalMap(s.nodeSelector),
		Tolerations:                   tolerations(s.tolerations),
		TopologySpreadConstraints:     topologySpread(s),
		Affinity:                      s.affinity,
		PriorityClassName:             s.priorityClassName,
		InitContainers:                initContainers(s, in),
		Containers:                    corev1.ContainerArray{processContainer(s, in)},
		Volumes: append(corev1.VolumeArray{
			corev1.VolumeArgs{Name: pulumi.String("hostfile"), EmptyDir: &corev1.EmptyDirVolumeSourceArgs{}},
			corev1.VolumeArgs{Name: pulumi.String("python-files"), ConfigMap: &corev1.ConfigMapVolumeSourceArgs{Name: in.configMap}},
			corev1.VolumeArgs{Name: pulumi.String("working-directory"), EmptyDir: &corev1.EmptyDirVolumeSourceArgs{}},
			// Python and the Bytewax runtime may write temporary files, and
			// the root filesystem is read-only.
			corev1.VolumeArgs{Name: pulumi.String("tmp"), EmptyDir: &corev1.EmptyDirVolumeSourceArgs{}},
		}, append(recoveryVolumes(s, in.sharedClaim), userVolumes(s.volumes)...)...),
	}
}

// initContainers write the hostfile and put the files in place, then,
// with recovery, prepare the partitions.
func initContainers(s *dataflowSpec, in statefulSetInputs) corev1.ContainerArray {
	out := corev1.ContainerArray{initContainer(s, in)}
	if s.recovery != nil {
		out = append(out, recoveryInitContainer(s))
	}
	return out
}

// claimRetention keeps the per-process claims when the StatefulSet is
// deleted or scaled down; nil without them.
func claimRetention(s *dataflowSpec) *appsv1.StatefulSetPersistentVolumeClaimRetentionPolicyArgs {
	if s.recovery == nil || s.recovery.layout != RecoveryClaimPerProcess {
		return nil
	}
	return &appsv1.StatefulSetPersistentVolumeClaimRetentionPolicyArgs{
		WhenDeleted: pulumi.String("Retain"),
		WhenScaled:  pulumi.String("Retain"),
	}
}

// processMounts are the dataflow container's mounts.
func processMounts(s *dataflowSpec) corev1.VolumeMountArray {
	mounts := corev1.VolumeMountArray{
		mount("hostfile", hostfileDir),
		mount("working-directory", workDir+"/"),
		mount("tmp", "/tmp"),
	}
	if s.recovery != nil {
		mounts = append(mounts, mount(recoveryVolume, RecoveryDirectory))
	}
	return append(mounts, userMounts(s.volumes)...)
}

// userVolumes are the user's volumes, after the component's own.
func userVolumes(volumes []VolumeArgs) corev1.VolumeArray {
	var out corev1.VolumeArray
	for _, vol := range volumes {
		args := corev1.VolumeArgs{Name: pulumi.String(vol.Name)}
		switch {
		case vol.Secret != nil:
			args.Secret = &corev1.SecretVolumeSourceArgs{SecretName: vol.Secret.SecretName, Optional: omitFalse(vol.Secret.Optional)}
		case vol.ConfigMap != nil:
			args.ConfigMap = &corev1.ConfigMapVolumeSourceArgs{Name: vol.ConfigMap.Name, Optional: omitFalse(vol.ConfigMap.Optional)}
		case vol.EmptyDir != nil:
			args.EmptyDir = &corev1.EmptyDirVolumeSourceArgs{Medium: omitEmpty(vol.EmptyDir.Medium), SizeLimit: omitEmpty(vol.EmptyDir.SizeLimit)}
		}
		out = append(out, args)
	}
	return out
}

// userMounts mount the user's volumes into the dataflow container.
func userMounts(volumes []VolumeArgs) corev1.VolumeMountArray {
	var out corev1.VolumeMountArray
	for _, vol := range volumes {
		m := corev1.VolumeMountArgs{Name: pulumi.String(vol.Name), MountPath: pulumi.String(vol.MountPath)}
		m.ReadOnly = omitFalse(vol.ReadOnly)
		if vol.Secret != nil || vol.ConfigMap != nil {
			m.ReadOnly = pulumi.Bool(true)
		}
		out = append(out, m)
	}
	return out
}

// containerSecurityContext lets a container do nothing but bind its port.
func containerSecurityContext() *corev1.SecurityContextArgs {
	return &corev1.SecurityContextArgs{
		AllowPrivilegeEscalation: pulumi.Bool(false),
		Capabilities: &corev1.CapabilitiesArgs{
			Add:  pulumi.StringArray{pulumi.String("NET_BIND_SERVICE")},
			Drop: pulumi.StringArray{pulumi.String("ALL")},
		},
		ReadOnlyRootFilesystem: pulumi.Bool(true),
	}
}

func mount(name, path string) corev1.VolumeMountArgs {
	return corev1.VolumeMountArgs{Name: pulumi.String(name), MountPath: pulumi.String(path)}
}

func initContainer(s *dataflowSpec, in statefulSetInputs) corev1.ContainerArgs {
	script := in.namespace.ToStringOutput().ApplyT(func(ns string) string {
		return hostfileScript(s, ns, podScriptPaths)
	}).(pulumi.StringOutput)
	return corev1.ContainerArgs{
		Name:            pulumi.String("init-hostfile"),
		Image:           imageRef(s.initImage),
		ImagePullPolicy: s.initImage.pullPolicy,
		Command:         pulumi.StringArray{pulumi.String("sh"), pulumi.String("-c"), script},
		Env: corev1.EnvVarArray{
			corev1.EnvVarArgs{Name: pulumi.String(replicasEnvName), Value: pulumi.String(strconv.Itoa(s.processes))},
		},
		Resources:       initResources,
		SecurityContext: containerSecurityContext(),
		VolumeMounts: corev1.VolumeMountArray{
			mount("hostfile", hostfileDir),
			mount("working-directory", workDir+"/"),
			mount("python-files", pythonFilesDir+"/"),
		},
	}
}

func processContainer(s *dataflowSpec, in statefulSetInputs) corev1.ContainerArgs {
	return corev1.ContainerArgs{
		Name:            pulumi.String("process"),
		Image:           imageRef(s.image),
		ImagePullPolicy: s.image.pullPolicy,
		Command:         pulumi.ToStringArray([]string{"sh", "-c", runScript}),
		Env:             processEnv(s, in.envSecret),
		EnvFrom:         envFromSources(s.envFrom),
		Ports:           containerPorts(s),
		ReadinessProbe:  readinessProbe(s),
		Resources:       resourceRequirements(s.resources),
		SecurityContext: containerSecurityContext(),
		VolumeMounts:    processMounts(s),
	}
}

// apiPortName names the dataflow API's port in the pod.
const apiPortName = "api"

// containerPorts are the peers' port and, when on, the dataflow API's.
func containerPorts(s *dataflowSpec) corev1.ContainerPortArray {
	ports := corev1.ContainerPortArray{corev1.ContainerPortArgs{
		Name:          pulumi.String("process"),
		ContainerPort: pulumi.Int(s.port),
		Protocol:      pulumi.String("TCP"),
	}}
	if s.dataflowAPI {
		ports = append(ports, corev1.ContainerPortArgs{
			Name:          pulumi.String(apiPortName),
			ContainerPort: pulumi.Int(s.dataflowAPIPort),
			Protocol:      pulumi.String("TCP"),
		})
	}
	return ports
}

// readinessProbe makes a pod Ready only while its dataflow runs: Bytewax
// serves the dataflow API from the running dataflow, so it stops answering
// when the dataflow ends or crashes, even if keep-alive holds the container
// up. Without the API there is no such signal, and no probe.
func readinessProbe(s *dataflowSpec) *corev1.ProbeArgs {
	if !s.dataflowAPI {
		return nil
	}
	return &corev1.ProbeArgs{
		HttpGet: &corev1.HTTPGetActionArgs{
			Path: pulumi.String("/dataflow"),
			Port: pulumi.String(apiPortName),
		},
		PeriodSeconds:    pulumi.Int(5),
		FailureThreshold: pulumi.Int(3),
	}
}

// processEnv is the user's variables followed by those Bytewax reads to
// join its cluster (bytewax.run and its entrypoint.sh). Variables whose
// values are outputs are read from the env Secret.
func processEnv(s *dataflowSpec, envSecret pulumi.StringInput) corev1.EnvVarArray {
	var env corev1.EnvVarArray
	literal := func(name, value string) {
		env = append(env, corev1.EnvVarArgs{Name: pulumi.String(name), Value: pulumi.String(value)})
	}
	for _, e := range s.env {
		switch {
		case isSecretEnv(e):
			env = append(env, corev1.EnvVarArgs{
				Name: pulumi.String(e.Name),
				ValueFrom: &corev1.EnvVarSourceArgs{SecretKeyRef: &corev1.SecretKeySelectorArgs{
					Name: envSecret,
					Key:  pulumi.String(e.Name),
				}},
			})
		case e.ValueFrom != nil:
			env = append(env, corev1.EnvVarArgs{Name: pulumi.String(e.Name), ValueFrom: envVarSource(e.ValueFrom)})
		default:
			env = append(env, corev1.EnvVarArgs{Name: pulumi.String(e.Name), Value: stringOr(e.Value, "")})
		}
	}
	literal("BYTEWAX_PYTHON_FILE_PATH", pythonFilePath(s.pythonFile))
	literal("BYTEWAX_WORKDIR", workDir)
	literal("BYTEWAX_WORKERS_PER_PROCESS", strconv.Itoa(s.workersPerProcess))
	env = append(env, corev1.EnvVarArgs{
		Name: pulumi.String("BYTEWAX_POD_NAME"),
		ValueFrom: &corev1.EnvVarSourceArgs{FieldRef: &corev1.ObjectFieldSelectorArgs{
			ApiVersion: pulumi.String("v1"),
			FieldPath:  pulumi.String("metadata.name"),
		}},
	})
	literal(replicasEnvName, strconv.Itoa(s.processes))
	literal("BYTEWAX_KEEP_CONTAINER_ALIVE", strconv.FormatBool(s.keepAlive))
	literal("BYTEWAX_HOSTFILE_PATH", hostfilePath)
	// bytewax.run derives the process id from the pod name minus this
	// prefix, so it must be the StatefulSet's real name.
	literal("BYTEWAX_STATEFULSET_NAME", s.podPrefix())
	if s.batch != nil {
		// A Job's pod names carry a random suffix: the id is the pod's
		// completion index.
		env = append(env, corev1.EnvVarArgs{
			Name: pulumi.String("BYTEWAX_PROCESS_ID"),
			ValueFrom: &corev1.EnvVarSourceArgs{FieldRef: &corev1.ObjectFieldSelectorArgs{
				ApiVersion: pulumi.String("v1"),
				FieldPath:  pulumi.String("metadata.annotations['" + completionIndexAnnotation + "']"),
			}},
		})
	}
	if s.otlpEndpoint != nil {
		if endpoint, known := knownString(s.otlpEndpoint); known {
			literal(otlpEnvName, endpoint)
		} else {
			env = append(env, corev1.EnvVarArgs{Name: pulumi.String(otlpEnvName), ValueFrom: &corev1.EnvVarSourceArgs{
				SecretKeyRef: &corev1.SecretKeySelectorArgs{Name: envSecret, Key: pulumi.String(otlpEnvName)},
			}})
		}
	}
	if s.dataflowAPI {
		// Bytewax reads only whether the variable is set.
		literal("BYTEWAX_DATAFLOW_API_ENABLED", "true")
		literal("BYTEWAX_DATAFLOW_API_PORT", strconv.Itoa(s.dataflowAPIPort))
	}
	// Logs arrive as they are written, unless env says otherwise.
	if !slices.ContainsFunc(s.env, func(e EnvVarArgs) bool { return e.Name == "PYTHONUNBUFFERED" }) {
		literal("PYTHONUNBUFFERED", "1")
	}
	if s.recovery != nil {
		env = append(env, recoveryEnv(s.recovery)...)
	}
	return env
}

// pythonFilePath is the PythonFile in the working directory. Only the file
// is joined to it: what follows the ":" (a name, or a call whose arguments
// may hold slashes) is kept as written.
func pythonFilePath(pythonFile string) string {
	file, rest, hasRest := strings.Cut(pythonFile, ":")
	joined := path.Join(workDir, file)
	if hasRest {
		joined += ":" + rest
	}
	return joined
}

// envVarSource is a variable's ValueFrom as the pod spec spells it.
func envVarSource(src *EnvVarSourceArgs) *corev1.EnvVarSourceArgs {
	out := &corev1.EnvVarSourceArgs{}
	keyRef := func(ref *KeyRefArgs) (pulumi.StringInput, pulumi.StringInput, pulumi.BoolPtrInput) {
		return ref.Name, ref.Key, omitFalse(ref.Optional)
	}
	switch {
	case src.SecretKeyRef != nil:
		name, key, optional := keyRef(src.SecretKeyRef)
		out.SecretKeyRef = &corev1.SecretKeySelectorArgs{Name: name, Key: key, Optional: optional}
	case src.ConfigMapKeyRef != nil:
		name, key, optional := keyRef(src.ConfigMapKeyRef)
		out.ConfigMapKeyRef = &corev1.ConfigMapKeySelectorArgs{Name: name, Key: key, Optional: optional}
	case src.FieldRef != nil:
		out.FieldRef = &corev1.ObjectFieldSelectorArgs{FieldPath: src.FieldRef.FieldPath}
	case src.ResourceFieldRef != nil:
		out.ResourceFieldRef = &corev1.ResourceFieldSelectorArgs{
			ContainerName: pulumi.String("process"),
			Resource:      src.ResourceFieldRef.Resource,
			Divisor:       omitEmpty(src.ResourceFieldRef.Divisor),
		}
	}
	return out
}

// envFromSources are the Secrets and ConfigMaps whose keys all become
// variables; nil when there are none.
func envFromSources(sources []EnvFromSourceArgs) corev1.EnvFromSourceArrayInput {
	if len(sources) == 0 {
		return nil
	}
	var out corev1.EnvFromSourceArray
	for _, src := range sources {
		e := corev1.EnvFromSourceArgs{Prefix: omitEmpty(src.Prefix)}
		if src.SecretRef != nil {
			e.SecretRef = &corev1.SecretEnvSourceArgs{Name: src.SecretRef.Name, Optional: omitFalse(src.SecretRef.Optional)}
		} else {
			e.ConfigMapRef = &corev1.ConfigMapEnvSourceArgs{Name: src.ConfigMapRef.Name, Optional: omitFalse(src.ConfigMapRef.Optional)}
		}
		out = append(out, e)
	}
	return out
}

// resourceRequirements are the container's requests and limits; nil when
// there are none.
func resourceRequirements(r *ResourcesArgs) *corev1.ResourceRequirementsArgs {
	if r == nil {
		return nil
	}
	requests, limits := optionalMap(r.Requests), optionalMap(r.Limits)
	if requests == nil && limits == nil {
		return nil
	}
	return &corev1.ResourceRequirementsArgs{Requests: requests, Limits: limits}
}

// imageRef is the image reference: repository, then ":tag" and
// "@digest" where given.
func imageRef(img imageSpec) pulumi.StringOutput {
	return pulumi.All(img.repository, stringOr(img.tag, ""), stringOr(img.digest, "")).ApplyT(func(v []any) string {
		ref := v[0].(string)
		if tag := v[1].(string); tag != "" {
			ref += ":" + tag
		}
		if digest := v[2].(string); digest != "" {
			ref += "@" + digest
		}
		return ref
	}).(pulumi.StringOutput)
}

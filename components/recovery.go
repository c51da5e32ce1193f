package components

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation"
)

// recoverySpec is RecoveryArgs with its defaults applied.
type recoverySpec struct {
	partitions, snapshotInterval, backupInterval int
	layout, size, accessMode                     string
	storageClassName                             pulumi.StringInput
	// state is what the volumes hold once this deployment is done.
	state RecoveryState
	// existingGiven: RecoveryArgs.Existing was set, and wins over what the
	// cluster records; existingRead: the cluster was read for it before
	// the objects were built, whether or not it held a record.
	existingGiven, existingRead bool
}

const (
	// recoveryVolume names the recovery volume in the pod, and the
	// per-process claims (recovery-<name>-<i>).
	recoveryVolume = "recovery"
	// recoveryStateDir is where the init-container finds the recovery
	// ConfigMap, which exists once the dataflow has run with recovery.
	recoveryStateDir = "/etc/bytewax-recovery"
	// maxPartitions bounds the partition count: each is a file, opened by
	// one worker.
	maxPartitions = 10000
	// maxInterval bounds the intervals, a week in seconds.
	maxInterval = 7 * 24 * 3600
)

// recoveryName is the shared claim's name, and the recovery
// ConfigMap's.
func (s *dataflowSpec) recoveryName() string { return s.name + "-recovery" }

// checkRecovery applies RecoveryArgs' defaults and checks them, and checks
// that a change leaves Bytewax able to resume from what the volumes hold.
func checkRecovery(v *validator, s *dataflowSpec, args *RecoveryArgs) {
	if args == nil {
		return
	}
	r := &recoverySpec{
		partitions:       args.Partitions,
		snapshotInterval: intOrDefault(args.SnapshotIntervalSeconds, DefaultSnapshotIntervalSeconds),
		backupInterval:   intOrDefault(args.BackupIntervalSeconds, DefaultBackupIntervalSeconds),
		layout:           orDefault(args.Layout, RecoveryClaimPerProcess),
		size:             orDefault(args.Size, DefaultRecoverySize),
		accessMode:       args.AccessMode,
		storageClassName: args.StorageClassName,
		existingGiven:    args.Existing != nil,
	}
	s.recovery = r
	switch {
	case r.partitions < 1:
		v.add("Recovery.Partitions", r.partitions, "must be set, to at least 1: the number of recovery partitions, fixed once created; Bytewax advises the most workers the dataflow will ever run (now %d processes × %d workers)", s.processes, s.workersPerProcess)
	case r.partitions > maxPartitions:
		v.add("Recovery.Partitions", r.partitions, "must be at most %d", maxPartitions)
	}
	if r.snapshotInterval < 1 || r.snapshotInterval > maxInterval {
		v.add("Recovery.SnapshotIntervalSeconds", r.snapshotInterval, "must be a whole number of seconds from 1 to %d", maxInterval)
	}
	if r.backupInterval < 0 || r.backupInterval > maxInterval {
		v.add("Recovery.BackupIntervalSeconds", r.backupInterval, "must be a whole number of seconds from 0 to %d", maxInterval)
	}
	if q, err := resource.ParseQuantity(r.size); err != nil || q.Sign() <= 0 {
		v.add("Recovery.Size", r.size, "must be a positive Kubernetes quantity, such as \"1Gi\"")
	}
	switch r.layout {
	case RecoveryClaimPerProcess:
		r.accessMode = orDefault(r.accessMode, "ReadWriteOnce")
		if r.accessMode != "ReadWriteOnce" && r.accessMode != "ReadWriteOncePod" && r.accessMode != "ReadWriteMany" {
			v.add("Recovery.AccessMode", r.accessMode, "must be ReadWriteOnce, ReadWriteOncePod or ReadWriteMany")
		}
	case RecoverySharedClaim:
		r.accessMode = orDefault(r.accessMode, "ReadWriteMany")
		if r.accessMode != "ReadWriteMany" {
			v.add("Recovery.AccessMode", r.accessMode, "must be ReadWriteMany with a shared claim: every process mounts it, from any node (a ReadWriteOnce claim in every pod is the Helm chart's defect: pods on other nodes cannot start)")
		}
	default:
		v.add("Recovery.Layout", r.layout, "must be %s or %s", RecoveryClaimPerProcess, RecoverySharedClaim)
	}

	v.whenString("Recovery.StorageClassName", r.storageClassName, func(p *problems, class string) {
		if class != "" {
			p.addAll("Recovery.StorageClassName", class, validation.IsDNS1123Subdomain(class))
		}
	})
	class, _ := knownString(r.storageClassName)
	ns, _ := knownString(s.namespace)
	r.state = RecoveryState{Partitions: r.partitions, Holders: s.processes, Layout: r.layout, Size: r.size, StorageClassName: class, AccessMode: r.accessMode, Namespace: ns}
	if r.layout == RecoverySharedClaim {
		r.state.Holders = 1
	}
	// Claims in another namespace are not this dataflow's any more.
	if old := args.Existing; old != nil && (old.Namespace == "" || ns == "" || old.Namespace == ns) {
		checkRecoveryChange(v, s, r, *old)
		// The volumes keep holding what they hold: processes added
		// since hold none.
		r.state.Holders = old.Holders
	}
}

// withRecordedRecovery returns args with Recovery.Existing read from the
// cluster, when recovery is on, Existing is not given, and the cluster can
// be read now; args itself otherwise. Read before the objects are built,
// it keeps partitions on the volumes that hold them (Holders) as well as
// refusing what Bytewax could not resume from.
func withRecordedRecovery(ctx *pulumi.Context, s *dataflowSpec, args *BytewaxDataflowArgs, opts []pulumi.ResourceOption) (*BytewaxDataflowArgs, error) {
	if s.recovery == nil || s.recovery.existingGiven {
		return args, nil
	}
	view, ns, err := clusterNow(ctx, s, opts)
	if err != nil || view == nil {
		return args, err
	}
	s.recovery.existingRead = true
	st, err := recordedRecovery(ctx.Context(), view, s.stack, ns, s.name)
	if err != nil || st == nil {
		return args, err
	}
	copied := *args
	rec := *args.Recovery
	rec.Existing = st
	copied.Recovery = &rec
	return &copied, nil
}

// checkRecordedRecovery refuses, once the namespace and the cluster are
// known, a change Bytewax could not resume from. Read this late, what the
// volumes hold cannot shape the pods any more: programs whose cluster is
// known only then (an explicit provider, a namespace that is an output)
// that add processes to a dataflow with a claim per process pass
// RecoveryArgs.Existing (RecoveryStateOf) to keep them.
func checkRecordedRecovery(ctx context.Context, p *problems, s *dataflowSpec, view clusterView) {
	ns, _ := knownString(s.namespace)
	st, err := recordedRecovery(ctx, view, s.stack, ns, s.name)
	if err != nil {
		p.add("Recovery", nil, "could not be checked against what the recovery volumes hold: %v", err)
		return
	}
	if st == nil {
		return
	}
	r := *s.recovery
	v := &validator{}
	checkRecoveryChange(v, s, &r, *st)
	// Read this late, the holders cannot reach the pods: a new count would
	// have the processes refuse their volumes, and be recorded.
	if v.ok() && st.Layout == RecoveryClaimPerProcess && r.layout == RecoveryClaimPerProcess && st.Holders != r.state.Holders {
		v.add("Processes", s.processes, "must stay %d while the cluster is known only during up (an explicit provider, or a namespace that is an output): the volumes of processes 0 to %d hold the partitions, which new pods would not know; pass Recovery.Existing (what RecoveryStateOf returned) to change the count", st.Holders, st.Holders-1)
	}
	p.errs = append(p.errs, v.errs...)
}

// startOver says how to begin a dataflow's recovery anew, losing the
// saved state: the claims and the recovery ConfigMap outlive the dataflow.
func startOver(s *dataflowSpec) string {
	ns, known := knownString(s.namespace)
	if !known {
		ns = "<namespace>"
	}
	return fmt.Sprintf("to start over, losing the saved state, turn recovery off with one up, delete the claims and the recovery ConfigMap (kubectl -n %s delete pvc -l app.kubernetes.io/instance=%s; kubectl -n %s delete configmap %s), then turn it on again", ns, s.name, ns, s.recoveryName())
}

// checkRecoveryChange refuses what Bytewax could not resume from: another
// partition count ("Inconsistent partition counts"), another layout, or
// fewer processes than hold partitions (MissingPartitionsError).
func checkRecoveryChange(v *validator, s *dataflowSpec, r *recoverySpec, old RecoveryState) {
	// A count already refused is not refused twice.
	if old.Partitions != r.partitions && r.partitions >= 1 && r.partitions <= maxPartitions {
		v.add("Recovery.Partitions", r.partitions, "must stay %d, the count the recovery partitions were created with: Bytewax cannot resume from another count; %s", old.Partitions, startOver(s))
	}
	if old.Layout != r.layout {
		v.add("Recovery.Layout", r.layout, "must stay %s, the layout the recovery volumes were created with: their data would not move; %s", old.Layout, startOver(s))
	}
	// Processes from the partition count on hold none.
	if needed := min(old.Holders, old.Partitions); old.Layout == RecoveryClaimPerProcess && r.layout == RecoveryClaimPerProcess && s.processes < needed {
		v.add("Processes", s.processes, "must be at least %d while recovery keeps partitions on the volumes of processes 0 to %d: with fewer, partitions no process mounts would be missing and the dataflow could not resume; %s", needed, needed-1, startOver(s))
	}
	// The claims keep what they were made with: a StatefulSet never
	// changes the claims it made, and a claim's class and mode are fixed.
	kept := func(field, was, now, how string) {
		if was != "" && now != "" && was != now {
			v.add(field, now, "must stay %q, which the recovery claims were made with: %s", was, how)
		}
	}
	// A size written otherwise (1024Mi for 1Gi) is the same size, and
	// keeps the claim templates as they are.
	if was, err := resource.ParseQuantity(old.Size); err == nil {
		if now, err := resource.ParseQuantity(r.size); err == nil && was.Cmp(now) == 0 {
			r.size, r.state.Size = old.Size, old.Size
		}
	}
	kept("Recovery.Size", old.Size, r.size, "they keep their size; to grow them, patch each claim where its storage class allows expansion, and keep this value")
	kept("Recovery.StorageClassName", old.StorageClassName, r.state.StorageClassName, "a claim's class cannot change; "+startOver(s))
	kept("Recovery.AccessMode", old.AccessMode, r.accessMode, "a claim's access mode cannot change; "+startOver(s))
}

// recoveryEnv are the variables bytewax.run reads to recover; all three,
// since the directory without both intervals is an argument error.
func recoveryEnv(r *recoverySpec) corev1.EnvVarArray {
	return corev1.EnvVarArray{
		corev1.EnvVarArgs{Name: pulumi.String("BYTEWAX_RECOVERY_DIRECTORY"), Value: pulumi.String(RecoveryDirectory)},
		corev1.EnvVarArgs{Name: pulumi.String("BYTEWAX_SNAPSHOT_INTERVAL"), Value: pulumi.String(strconv.Itoa(r.snapshotInterval))},
		corev1.EnvVarArgs{Name: pulumi.String("BYTEWAX_RECOVERY_BACKUP_INTERVAL"), Value: pulumi.String(strconv.Itoa(r.backupInterval))},
	}
}

// recoveryClaimSpec is the claim of one process, or the shared claim.
func recoveryClaimSpec(r *recoverySpec) *corev1.PersistentVolumeClaimSpecArgs {
	return &corev1.PersistentVolumeClaimSpecArgs{
		AccessModes:      pulumi.StringArray{pulumi.String(r.accessMode)},
		StorageClassName: r.storageClassName,
		Resources: &corev1.VolumeResourceRequirementsArgs{
			Requests: pulumi.StringMap{"storage": pulumi.String(r.size)},
		},
	}
}

// recoveryClaimTemplates give each process its claim, recovery-<name>-<i>,
// labelled with the selector so that status finds them.
func recoveryClaimTemplates(s *dataflowSpec) corev1.PersistentVolumeClaimTypeArray {
	if s.recovery == nil || s.recovery.layout != RecoveryClaimPerProcess {
		return nil
	}
	return corev1.PersistentVolumeClaimTypeArray{corev1.PersistentVolumeClaimTypeArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(recoveryVolume), Labels: pulumi.ToStringMap(selectorLabels(s))},
		Spec:     recoveryClaimSpec(s.recovery),
	}}
}

// sharedClaimArgs is the one claim every process mounts. The provider's
// await of a claim reads its StorageClass, a cluster-wide object a deployer
// bound in one namespace may not read, and adds nothing: a claim that does
// not bind holds the pods Pending, which the StatefulSet's await reports.
func sharedClaimArgs(s *dataflowSpec, namespace pulumi.StringInput) *corev1.PersistentVolumeClaimArgs {
	meta := objectMeta(s, pulumi.String(s.recoveryName()), namespace)
	meta.Annotations = objectAnnotations(s, map[string]string{skipAwaitAnnotation: "true"})
	return &corev1.PersistentVolumeClaimArgs{
		Metadata: meta,
		Spec:     recoveryClaimSpec(s.recovery),
	}
}

// recoveryStateArgs is the ConfigMap that tells a process, once the
// dataflow has run with recovery, that an empty volume was lost rather
// than new. It is created after the processes first ran, and its data
// never changes, so it restarts nothing.
func recoveryStateArgs(s *dataflowSpec, namespace pulumi.StringInput) *corev1.ConfigMapArgs {
	st := s.recovery.state
	data := pulumi.StringMap{
		"partitions": pulumi.String(strconv.Itoa(st.Partitions)),
		"holders":    pulumi.String(strconv.Itoa(st.Holders)),
		"layout":     pulumi.String(st.Layout),
	}
	// What the claims were made with, for the next deployment's checks.
	for key, value := range map[string]string{"size": st.Size, "storageClassName": st.StorageClassName, "accessMode": st.AccessMode} {
		if value != "" {
			data[key] = pulumi.String(value)
		}
	}
	return &corev1.ConfigMapArgs{
		Metadata: objectMeta(s, pulumi.String(s.recoveryName()), namespace),
		Data:     data,
	}
}

// recordedRecovery reads what a dataflow's recovery volumes hold from its
// recovery ConfigMap, which outlives the dataflow with its claims, so a
// deployment after destroy is checked as one after up: nil when there is
// none, before the processes first ran or after the state was deleted.
func recordedRecovery(ctx context.Context, view clusterView, stack, namespace, name string) (*RecoveryState, error) {
	obj, err := view.content(ctx, objectKey{"ConfigMap", namespace, name + "-recovery"})
	if err != nil || obj == nil || !recordIsOwn(obj, "ConfigMap", stack, name) {
		return nil, err
	}
	data, _ := obj["data"].(map[string]any)
	text := func(key string) string {
		v, _ := data[key].(string)
		return v
	}
	st := &RecoveryState{
		Layout: text("layout"), Size: text("size"), StorageClassName: text("storageClassName"),
		AccessMode: text("accessMode"), Namespace: namespace,
	}
	st.Partitions, _ = strconv.Atoi(text("partitions"))
	st.Holders, _ = strconv.Atoi(text("holders"))
	if st.Partitions < 1 || st.Holders < 1 || st.Layout == "" {
		return nil, fmt.Errorf("ConfigMap %s/%s-recovery does not say what the recovery volumes hold: it needs partitions, holders and layout, and has %s", namespace, name, dataKeys(data))
	}
	return st, nil
}

// recoveryVolumes are the pod's volumes for recovery: the shared claim (a
// claim per process comes from the templates) and the recovery ConfigMap,
// optional since it appears only after the first run.
func recoveryVolumes(s *dataflowSpec, sharedClaim pulumi.StringInput) corev1.VolumeArray {
	if s.recovery == nil {
		return nil
	}
	var out corev1.VolumeArray
	if s.recovery.layout == RecoverySharedClaim {
		out = append(out, corev1.VolumeArgs{
			Name:                  pulumi.String(recoveryVolume),
			PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSourceArgs{ClaimName: sharedClaim},
		})
	}
	return append(out, corev1.VolumeArgs{
		Name: pulumi.String("recovery-state"),
		ConfigMap: &corev1.ConfigMapVolumeSourceArgs{
			Name:     pulumi.String(s.recoveryName()),
			Optional: pulumi.Bool(true),
		},
	})
}

// recoveryInitResources: the init-container starts Python and Bytewax once
// to create the partitions.
var recoveryInitResources = &corev1.ResourceRequirementsArgs{
	Requests: pulumi.StringMap{
		"cpu":               pulumi.String("50m"),
		"memory":            pulumi.String("64Mi"),
		"ephemeral-storage": pulumi.String("16Mi"),
	},
	Limits: pulumi.StringMap{
		"memory":            pulumi.String("256Mi"),
		"ephemeral-storage": pulumi.String("64Mi"),
	},
}

// recoveryInitContainer creates this process's partitions before its first
// run, and refuses to start a process whose partitions are gone. It runs
// the dataflow's image, which has Python and Bytewax.
func recoveryInitContainer(s *dataflowSpec) corev1.ContainerArgs {
	r := s.recovery
	return corev1.ContainerArgs{
		Name:            pulumi.String("init-recovery"),
		Image:           imageRef(s.image),
		ImagePullPolicy: s.image.pullPolicy,
		Command:         pulumi.StringArray{pulumi.String("sh"), pulumi.String("-c"), pulumi.String(recoveryScript)},
		Env: corev1.EnvVarArray{
			corev1.EnvVarArgs{Name: pulumi.String("BYTEWAX_RECOVERY_DIRECTORY"), Value: pulumi.String(RecoveryDirectory)},
			corev1.EnvVarArgs{Name: pulumi.String("BYTEWAX_RECOVERY_PARTITIONS"), Value: pulumi.String(strconv.Itoa(r.state.Partitions))},
			corev1.EnvVarArgs{Name: pulumi.String("BYTEWAX_RECOVERY_HOLDERS"), Value: pulumi.String(strconv.Itoa(r.state.Holders))},
			corev1.EnvVarArgs{Name: pulumi.String("BYTEWAX_RECOVERY_LAYOUT"), Value: pulumi.String(r.layout)},
			corev1.EnvVarArgs{Name: pulumi.String("BYTEWAX_RECOVERY_STATE"), Value: pulumi.String(recoveryStateDir)},
			corev1.EnvVarArgs{Name: pulumi.String("BYTEWAX_POD_NAME"), ValueFrom: &corev1.EnvVarSourceArgs{
				FieldRef: &corev1.ObjectFieldSelectorArgs{ApiVersion: pulumi.String("v1"), FieldPath: pulumi.String("metadata.name")},
			}},
		},
		Resources:       recoveryInitResources,
		SecurityContext: containerSecurityContext(),
		VolumeMounts: corev1.VolumeMountArray{
			mount(recoveryVolume, RecoveryDirectory),
			corev1.VolumeMountArgs{Name: pulumi.String("recovery-state"), MountPath: pulumi.String(recoveryStateDir), ReadOnly: pulumi.Bool(true)},
			mount("tmp", "/tmp"),
		},
	}
}

// RecoveryStateOf is what a dataflow's recovery volumes hold after this
// deployment, for the next deployment's RecoveryArgs.Existing; nil when
// recovery is off. The project's stack program exports it.
func (d *BytewaxDataflow) RecoveryStateOf() *RecoveryState {
	if d.recoveryState == nil {
		return nil
	}
	st := *d.recoveryState
	return &st
}

// dataKeys names a record's keys, never its values, which may be anyone's.
func dataKeys(data map[string]any) string {
	if len(data) == 0 {
		return "no data"
	}
	keys := slices.Sorted(maps.Keys(data))
	return "keys " + strings.Join(keys, ", ")
}

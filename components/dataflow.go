package components

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	batchv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/batch/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	policyv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/policy/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// BytewaxDataflowType is the component's type token; it is part of every
// URN of the component and its children, so it never changes.
const BytewaxDataflowType = "bytewax:index:BytewaxDataflow"

// BytewaxDataflow is a Bytewax dataflow running on Kubernetes as a cluster of
// processes. Its outputs can be passed to other resources and exported; to
// wait for the whole dataflow, depend on the component itself.
type BytewaxDataflow struct {
	pulumi.ResourceState

	// NamespaceName is the namespace the dataflow runs in. When the
	// component creates the namespace, the output waits for it, so a second
	// dataflow given it as its Namespace is deployed after it.
	NamespaceName pulumi.StringOutput `pulumi:"namespaceName"`
	// StatefulSetName is the name of the StatefulSet, and the prefix of its
	// pods' names.
	StatefulSetName pulumi.StringOutput `pulumi:"statefulSetName"`
	// ServiceName is the name of the headless Service.
	ServiceName pulumi.StringOutput `pulumi:"serviceName"`
	// ConfigMapName is the name of the ConfigMap holding the files.
	ConfigMapName pulumi.StringOutput `pulumi:"configMapName"`
	// ServiceAccountName is the account the pods run as.
	ServiceAccountName pulumi.StringOutput `pulumi:"serviceAccountName"`
	// PeerAddresses are the processes' addresses, the hostfile's lines.
	PeerAddresses pulumi.StringArrayOutput `pulumi:"peerAddresses"`
	// JobName is the batch Job's name, <Name>-<Run>; empty without Batch.
	// StatefulSetName is empty with it.
	JobName pulumi.StringOutput `pulumi:"jobName"`
	// NetworkPolicyName is the dataflow's NetworkPolicy; empty when it has
	// none.
	NetworkPolicyName pulumi.StringOutput `pulumi:"networkPolicyName"`
	// DisruptionBudgetName is the dataflow's PodDisruptionBudget; empty
	// when it has none (always in batch mode).
	DisruptionBudgetName pulumi.StringOutput `pulumi:"disruptionBudgetName"`
	// PodMonitorName is the dataflow's PodMonitor; empty when it has none.
	PodMonitorName pulumi.StringOutput `pulumi:"podMonitorName"`
	// RegistrySecretName is the pull secret made from RegistryCredentials;
	// empty without them.
	RegistrySecretName pulumi.StringOutput `pulumi:"registrySecretName"`
	// EnvSecretName is the Secret holding the Env values that may be
	// secret; empty when there are none.
	EnvSecretName pulumi.StringOutput `pulumi:"envSecretName"`
	// RecoveryClaimNames are the recovery volumes' claims the processes
	// use: the shared claim, or a claim per process, which the StatefulSet
	// makes and destroy keeps; empty without Recovery.
	RecoveryClaimNames pulumi.StringArrayOutput `pulumi:"recoveryClaimNames"`
	// RecoveryConfigMapName is the recovery record, <Name>-recovery, which
	// says what the volumes hold; empty without Recovery.
	RecoveryConfigMapName pulumi.StringOutput `pulumi:"recoveryConfigMapName"`
	// RecoveryPartitions is the number of recovery partitions the volumes
	// hold after this deployment (in Go, RecoveryStateOf()); 0 without
	// Recovery.
	RecoveryPartitions pulumi.IntOutput `pulumi:"recoveryPartitions"`
	// RecoveryHolders is the number of processes whose volumes hold the
	// partitions; 0 without Recovery.
	RecoveryHolders pulumi.IntOutput `pulumi:"recoveryHolders"`
	// RecoveryLayout is the recovery claims' layout, perProcess or shared;
	// empty without Recovery.
	RecoveryLayout pulumi.StringOutput `pulumi:"recoveryLayout"`
	// BatchConfigMapName is the batch record, <Name>-batch, which says
	// which run was submitted and how it ended; empty without Batch.
	BatchConfigMapName pulumi.StringOutput `pulumi:"batchConfigMapName"`
	// BatchRun is the batch run this deployment submitted or found
	// submitted (in Go, BatchRecord()); empty without Batch.
	BatchRun pulumi.StringOutput `pulumi:"batchRun"`
	// BatchEnded is how the run's Job ended, Complete or Failed, as an up
	// that waited for it saw; empty otherwise.
	BatchEnded pulumi.StringOutput `pulumi:"batchEnded"`
	// BatchHandedOver is true once the run's Job was left to Kubernetes
	// (TTLSecondsAfterFinished), which an up never submits again.
	BatchHandedOver pulumi.BoolOutput `pulumi:"batchHandedOver"`

	// ConfigMap holds the dataflow's files.
	ConfigMap *corev1.ConfigMap
	// Service is the headless Service.
	Service *corev1.Service
	// StatefulSet runs the processes; nil with Batch (see Job).
	StatefulSet *appsv1.StatefulSet

	namespace        *corev1.Namespace
	networkPolicy    *networkingv1.NetworkPolicy
	disruptionBudget *policyv1.PodDisruptionBudget
	podMonitor       *apiextensions.CustomResource
	serviceAccount   *corev1.ServiceAccount
	registrySecret   *corev1.Secret
	envSecret        *corev1.Secret
	recoveryClaim    *corev1.PersistentVolumeClaim
	recoveryState    *RecoveryState
	job              *batchv1.Job
	batchEnd         pulumi.StringOutput
	batchHandedOver  bool
	batchRun         string
}

// setRecordOutputs sets the outputs that name the objects besides the
// core ones, and what the recovery and batch records hold.
func (d *BytewaxDataflow) setRecordOutputs(s *dataflowSpec) {
	none := pulumi.String("").ToStringOutput()
	nameOf := func(meta metav1.ObjectMetaOutput) pulumi.StringOutput { return meta.Name().Elem() }
	d.NetworkPolicyName, d.DisruptionBudgetName, d.PodMonitorName = none, none, none
	d.RegistrySecretName, d.EnvSecretName = none, none
	if d.networkPolicy != nil {
		d.NetworkPolicyName = nameOf(d.networkPolicy.Metadata)
	}
	if d.disruptionBudget != nil {
		d.DisruptionBudgetName = nameOf(d.disruptionBudget.Metadata)
	}
	if d.podMonitor != nil {
		d.PodMonitorName = d.podMonitor.Metadata.Name().Elem()
	}
	if d.registrySecret != nil {
		d.RegistrySecretName = nameOf(d.registrySecret.Metadata)
	}
	if d.envSecret != nil {
		d.EnvSecretName = nameOf(d.envSecret.Metadata)
	}

	d.RecoveryClaimNames = pulumi.ToStringArray(nil).ToStringArrayOutput()
	d.RecoveryConfigMapName, d.RecoveryLayout = none, none
	d.RecoveryPartitions, d.RecoveryHolders = pulumi.Int(0).ToIntOutput(), pulumi.Int(0).ToIntOutput()
	if st := d.recoveryState; st != nil {
		d.RecoveryConfigMapName = pulumi.String(s.recoveryName()).ToStringOutput()
		d.RecoveryPartitions = pulumi.Int(st.Partitions).ToIntOutput()
		d.RecoveryHolders = pulumi.Int(st.Holders).ToIntOutput()
		d.RecoveryLayout = pulumi.String(st.Layout).ToStringOutput()
		if d.recoveryClaim != nil {
			d.RecoveryClaimNames = pulumi.ToStringArrayOutput([]pulumi.StringOutput{d.recoveryClaim.Metadata.Name().Elem()})
		} else {
			d.RecoveryClaimNames = d.StatefulSetName.ApplyT(func(set string) []string {
				names := make([]string, s.processes)
				for i := range names {
					names[i] = fmt.Sprintf("%s-%s-%d", recoveryVolume, set, i)
				}
				return names
			}).(pulumi.StringArrayOutput)
		}
	}

	d.BatchConfigMapName, d.BatchRun, d.BatchEnded = none, none, none
	d.BatchHandedOver = pulumi.Bool(false).ToBoolOutput()
	if s.batch != nil {
		d.BatchConfigMapName = pulumi.String(s.batchRecordName()).ToStringOutput()
		d.BatchRun = pulumi.String(d.batchRun).ToStringOutput()
		d.BatchEnded = d.batchEnd
		d.BatchHandedOver = pulumi.Bool(d.batchHandedOver).ToBoolOutput()
	}
}

// BatchRecord is what this deployment knows of its batch run, for the
// next one's BatchArgs.Last: the run, how its Job ended, and whether it was
// handed over to Kubernetes; nil without Batch. Ended is known once the
// provider has read the Job.
func (d *BytewaxDataflow) BatchRecord() (*BatchRecord, pulumi.StringOutput) {
	if d.batchRun == "" {
		return nil, pulumi.String("").ToStringOutput()
	}
	return &BatchRecord{Run: d.batchRun, HandedOver: d.batchHandedOver}, d.batchEnd
}

// Job returns the Indexed Job of a batch, and false without Batch, or when
// the Job of this run was handed over to Kubernetes by an earlier up (see
// BatchArgs.TTLSecondsAfterFinished).
func (d *BytewaxDataflow) Job() (*batchv1.Job, bool) {
	return d.job, d.job != nil
}

// RecoveryClaim returns the shared recovery claim, and false without one
// (recovery off, or a claim per process, which the StatefulSet creates).
func (d *BytewaxDataflow) RecoveryClaim() (*corev1.PersistentVolumeClaim, bool) {
	return d.recoveryClaim, d.recoveryClaim != nil
}

// Namespace returns the Namespace the component created, and false when it
// uses one as it is (CreateNamespace unset).
func (d *BytewaxDataflow) Namespace() (*corev1.Namespace, bool) {
	return d.namespace, d.namespace != nil
}

// NetworkPolicy returns the dataflow's NetworkPolicy, and false when it is
// disabled.
func (d *BytewaxDataflow) NetworkPolicy() (*networkingv1.NetworkPolicy, bool) {
	return d.networkPolicy, d.networkPolicy != nil
}

// DisruptionBudget returns the dataflow's PodDisruptionBudget, and false
// when it is disabled.
func (d *BytewaxDataflow) DisruptionBudget() (*policyv1.PodDisruptionBudget, bool) {
	return d.disruptionBudget, d.disruptionBudget != nil
}

// PodMonitor returns the Prometheus Operator PodMonitor, and false when
// none was asked for.
func (d *BytewaxDataflow) PodMonitor() (*apiextensions.CustomResource, bool) {
	return d.podMonitor, d.podMonitor != nil
}

// ServiceAccount returns the account the component created, and false with
// an existing account.
func (d *BytewaxDataflow) ServiceAccount() (*corev1.ServiceAccount, bool) {
	return d.serviceAccount, d.serviceAccount != nil
}

// RegistrySecret returns the pull secret the component created, and false
// without RegistryCredentials.
func (d *BytewaxDataflow) RegistrySecret() (*corev1.Secret, bool) {
	return d.registrySecret, d.registrySecret != nil
}

// EnvSecret returns the Secret holding the variables whose values are
// outputs, and false when there are none.
func (d *BytewaxDataflow) EnvSecret() (*corev1.Secret, bool) {
	return d.envSecret, d.envSecret != nil
}

// projectRoot is the Pulumi project's root folder, or "" when the program
// has none.
func projectRoot(ctx *pulumi.Context) string {
	return ctx.RootDirectory()
}

// ValidateArgs checks args as NewBytewaxDataflow would, without registering
// anything, and returns a *ValidationError listing every problem of the
// values known now. Outputs are checked by NewBytewaxDataflow when they
// resolve.
func ValidateArgs(ctx *pulumi.Context, name string, args *BytewaxDataflowArgs, opts ...pulumi.ResourceOption) error {
	var all ValidationErrors
	if errors.As(ValidateAll(ctx, map[string]*BytewaxDataflowArgs{name: args}, opts...), &all) {
		return all[0]
	}
	return nil
}

// ValidateAll checks the args of the dataflows a program is to register,
// keyed by resource name, as NewBytewaxDataflow would with opts, without
// registering anything: each dataflow's own problems, the objects two of
// them would both create, which NewBytewaxDataflow reports only once the
// first of the two is registered, and, where the cluster and the
// namespace are known now (the default provider's or opts', a literal
// namespace), the cluster's objects none of them may take over; the others
// NewBytewaxDataflow checks as they resolve. It returns nil when all are
// valid, and otherwise a
// ValidationErrors, a *ValidationError for each invalid dataflow in the
// order of their names.
func ValidateAll(ctx *pulumi.Context, dataflows map[string]*BytewaxDataflowArgs, opts ...pulumi.ResourceOption) error {
	var invalid ValidationErrors
	owners := map[objectKey]string{}
	for _, name := range slices.Sorted(maps.Keys(dataflows)) {
		s, v := resolveRecorded(ctx, name, dataflows[name], opts)
		checkObjectsInUse(ctx, &v.problems, s, false)
		if v.ok() {
			keys := ownedObjects(s)
			reportClashes(&v.problems, s, keys, owners)
			for _, k := range keys {
				if _, taken := owners[k]; !taken {
					owners[k] = name
				}
			}
		}
		if v.ok() {
			checkCluster(ctx, v, s, opts)
		}
		if !v.ok() {
			invalid = append(invalid, &ValidationError{Resource: name, Errors: v.errs})
		}
	}
	if len(invalid) == 0 {
		return nil
	}
	return invalid
}

// resolveRecorded is resolve with what the cluster records of the
// dataflow's earlier deployments: the recovery volumes' contents.
func resolveRecorded(ctx *pulumi.Context, name string, args *BytewaxDataflowArgs, opts []pulumi.ResourceOption) (*dataflowSpec, *validator) {
	s, v := resolve(projectRoot(ctx), name, args)
	s.stack = stackName(ctx)
	if !v.ok() {
		return s, v
	}
	recorded, err := withRecordedRecovery(ctx, s, args, opts)
	if err != nil {
		v.add("Recovery", nil, "could not be checked against what the recovery volumes hold: %v", err)
		return s, v
	}
	recorded, err = withRecordedBatch(ctx, s, recorded, opts)
	switch {
	case errors.Is(err, errStreamingNow):
		v.add("Batch", "set", "%v", err)
	case err != nil:
		v.add("Batch", nil, "could not be checked against the run last submitted: %v", err)
	case recorded != args:
		read := s.recovery != nil && s.recovery.existingRead
		s, v = resolve(projectRoot(ctx), name, recorded)
		s.stack = stackName(ctx)
		if s.recovery != nil {
			s.recovery.existingRead = read
		}
	}
	return s, v
}

// NewBytewaxDataflow validates args, then registers the dataflow and its
// Kubernetes objects as children of one component.
//
// Values known now that are invalid return a *ValidationError before
// anything is registered; outputs are checked as they resolve, before any
// child is sent to the cluster (see BytewaxDataflowArgs).
//
// The options apply to the component, and reach the children through it as
// their parent: Provider and Providers, Protect, RetainOnDelete, Aliases,
// transforms, DeletedWith and IgnoreChanges paths are inherited or apply to
// the component; DependsOn on the component makes every child wait.
//
// Relative paths of args start at BaseDirectory, which defaults to the
// Pulumi project's root (ctx.RootDirectory()), never at the process's
// working directory.
func NewBytewaxDataflow(ctx *pulumi.Context, name string, args *BytewaxDataflowArgs, opts ...pulumi.ResourceOption) (*BytewaxDataflow, error) {
	s, v := resolveRecorded(ctx, name, args, opts)
	v.schemaNames = runOf(ctx) != nil
	clusterDeferred := false
	// Another dataflow's NamespaceName stands for a namespace known when
	// that dataflow was made: checked with it now, the two dataflows'
	// objects clash at once, at preview too, and not only once the
	// namespace exists, after the first one's objects are applied.
	checked := s
	if lit, ok := namespaceOf(ctx, s.namespace); ok {
		named := *s
		named.namespace = pulumi.String(lit)
		checked = &named
	}
	if v.ok() {
		checkObjectsInUse(ctx, &v.problems, checked, true)
		// Objects in a namespace not known yet are checked and claimed
		// once it resolves, before any child is applied.
		if _, known := knownString(checked.namespace); !known {
			v.when("Namespace", func(p *problems, values []any) {
				resolved := *s
				resolved.namespace = pulumi.String(asString(values[0]))
				checkObjectsInUse(ctx, p, &resolved, true)
			}, s.namespace)
		}
	}
	if v.ok() {
		clusterDeferred = checkCluster(ctx, v, checked, opts)
	}
	if !v.ok() {
		return nil, v.invalid(name, v.errs, false)
	}
	d := &BytewaxDataflow{}
	if err := ctx.RegisterComponentResource(BytewaxDataflowType, name, d, opts...); err != nil {
		return nil, err
	}
	if clusterDeferred && ctx.DryRun() {
		_ = ctx.Log.Info("the cluster is checked for objects the dataflow would take over once its namespace and the provider's settings are known, before any object is applied", &pulumi.LogArgs{Resource: d})
	}
	// Children are named after the component, so that several dataflows in
	// one stack never share a URN.
	child := pulumi.Parent(d)
	var err error

	// Every child takes the namespace from the gate, so none is applied
	// before the outputs among the args are checked.
	namespace := v.gate(name, s.namespace)
	if s.createNamespace {
		// Deleting a namespace deletes its claims whatever their policy, so
		// one holding recovery claims is left in place by destroy.
		keepWithClaims := pulumi.RetainOnDelete(s.recovery != nil)
		if d.namespace, err = corev1.NewNamespace(ctx, name, namespaceArgs(s, namespace), child, keepWithClaims); err != nil {
			return nil, err
		}
		namespace = d.namespace.Metadata.Name().Elem()
	}
	d.NamespaceName = namespace.ToStringOutput()
	if lit, known := knownString(checked.namespace); known {
		rememberNamespace(ctx, d.NamespaceName, lit)
	}

	if s.registry != nil {
		// Named apart from the env Secret, whatever the components are
		// called; the alias keeps the secret of stacks made when it was
		// named after the component alone.
		aliases := pulumi.Aliases([]pulumi.Alias{{Name: pulumi.String(name)}})
		if d.registrySecret, err = corev1.NewSecret(ctx, name+"-registry", registrySecretArgs(s, namespace), child, aliases); err != nil {
			return nil, err
		}
	}
	pullSecrets := pullSecretRefs(s, d.registrySecret)

	var envSecret, envSecretVersion pulumi.StringInput
	if len(s.secretEnv) > 0 {
		if d.envSecret, err = corev1.NewSecret(ctx, name+"-env", envSecretArgs(s, namespace), child); err != nil {
			return nil, err
		}
		envSecret = d.envSecret.Metadata.Name().Elem()
		envSecretVersion = d.envSecret.Metadata.Uid().Elem()
	}

	serviceAccount := s.serviceAccountName
	if s.createServiceAccount {
		if d.serviceAccount, err = corev1.NewServiceAccount(ctx, name, serviceAccountArgs(s, namespace, pullSecrets), child); err != nil {
			return nil, err
		}
		// Referencing the account through its resource makes the
		// StatefulSet wait for it: without the account, the controller's
		// first attempts to create pods fail.
		serviceAccount = d.serviceAccount.Metadata.Name().Elem()
	}
	d.ServiceAccountName = serviceAccount.ToStringOutput()

	if d.ConfigMap, err = corev1.NewConfigMap(ctx, name, configMapArgs(s, namespace), child); err != nil {
		return nil, err
	}
	d.ConfigMapName = d.ConfigMap.Metadata.Name().Elem()

	if d.Service, err = corev1.NewService(ctx, name, serviceArgs(s, namespace), child); err != nil {
		return nil, err
	}
	if s.networkPolicy {
		if d.networkPolicy, err = networkingv1.NewNetworkPolicy(ctx, name, networkPolicyArgs(s, namespace), child); err != nil {
			return nil, err
		}
	}
	if s.disruptionBudget {
		if d.disruptionBudget, err = policyv1.NewPodDisruptionBudget(ctx, name, disruptionBudgetArgs(s, namespace), child); err != nil {
			return nil, err
		}
	}
	d.ServiceName = d.Service.Metadata.Name().Elem()

	// Any change of the spec (new code, image, settings or process count)
	// replaces the StatefulSet, deleting it before creating the new one: the
	// provider deletes in the foreground, so every old process is gone before
	// the first new one starts. A Bytewax cluster cannot mix peer lists or
	// code versions, which a rolling update would.
	// A retained StatefulSet would survive its replacement, and the new one
	// would adopt and roll its pods, so it is never retained.
	var sharedClaim pulumi.StringInput
	if s.recovery != nil && s.recovery.layout == RecoverySharedClaim {
		// Retained: destroy and replacements leave the state in place.
		if d.recoveryClaim, err = corev1.NewPersistentVolumeClaim(ctx, name+"-recovery", sharedClaimArgs(s, namespace), child, pulumi.RetainOnDelete(true)); err != nil {
			return nil, err
		}
		sharedClaim = d.recoveryClaim.Metadata.Name().Elem()
	}

	allTogether := []pulumi.ResourceOption{child, pulumi.ReplaceOnChanges([]string{"spec"}), pulumi.DeleteBeforeReplace(true), pulumi.RetainOnDelete(false)}
	// The policy and the budget are in place before the first pod starts.
	var guards []pulumi.Resource
	if d.networkPolicy != nil {
		guards = append(guards, d.networkPolicy)
	}
	if d.disruptionBudget != nil {
		guards = append(guards, d.disruptionBudget)
	}
	if len(guards) > 0 {
		allTogether = append(allTogether, pulumi.DependsOn(guards))
	}
	inputs := statefulSetInputs{
		namespace:        namespace,
		configMap:        d.ConfigMapName,
		service:          d.ServiceName,
		serviceAccount:   serviceAccount,
		pullSecrets:      pullSecrets,
		envSecret:        envSecret,
		envSecretVersion: envSecretVersion,
		sharedClaim:      sharedClaim,
	}
	// What runs the processes, which the PodMonitor waits for.
	var processes []pulumi.Resource
	// A waited-for batch's end, which fails when the batch failed.
	outcome := pulumi.String("").ToStringOutput()
	if s.batch == nil {
		d.JobName = pulumi.String("").ToStringOutput()
		if d.StatefulSet, err = appsv1.NewStatefulSet(ctx, name, statefulSetArgs(s, inputs), allTogether...); err != nil {
			return nil, err
		}
		d.StatefulSetName = d.StatefulSet.Metadata.Name().Elem()
		processes = append(processes, d.StatefulSet)
	} else {
		d.StatefulSetName = pulumi.String("").ToStringOutput()
		d.JobName = pulumi.String(s.podPrefix()).ToStringOutput()
		d.batchEnd = pulumi.String(s.batch.ended).ToStringOutput()
		d.batchHandedOver = s.batch.handedOver
		d.batchRun = s.batch.run
		// A Job handed over to Kubernetes with its TTL is not declared
		// again, so that its deletion never submits it again.
		if !s.batch.handedOver {
			jobOpts := append([]pulumi.ResourceOption{child}, batchOptions(s.batch)...)
			if len(guards) > 0 {
				jobOpts = append(jobOpts, pulumi.DependsOn(guards))
			}
			if d.job, err = batchv1.NewJob(ctx, name, jobArgs(s, inputs), jobOpts...); err != nil {
				return nil, err
			}
			d.JobName = d.job.Metadata.Name().Elem()
			processes = append(processes, d.job)
			d.batchEnd = jobEnd(d.job)
			// Reported by the up that waits for it; a failed run is not
			// reported again once handed over.
			if s.batch.wait {
				outcome = jobOutcome(d.job, s.podPrefix())
			}
		}
		// The run's record, once the Job is submitted (and, when up waits
		// for it, ended), for the next deployment.
		recordOpts := []pulumi.ResourceOption{child}
		if d.job != nil {
			recordOpts = append(recordOpts, pulumi.DependsOn([]pulumi.Resource{d.job}))
		}
		if _, err = corev1.NewConfigMap(ctx, name+"-batch", batchRecordArgs(s, namespace, d.batchEnd), recordOpts...); err != nil {
			return nil, err
		}
	}

	if s.recovery != nil {
		// Created once the processes have run and made their partitions:
		// from then on, a process finding its volume empty knows it was
		// lost. Its data never changes, so it restarts nothing.
		// Retained by destroy with the claims, so that after destroy and
		// up a lost volume is still known as lost.
		if _, err = corev1.NewConfigMap(ctx, name+"-recovery", recoveryStateArgs(s, namespace), child, pulumi.DependsOn(processes), pulumi.RetainOnDelete(true)); err != nil {
			return nil, err
		}
		st := s.recovery.state
		d.recoveryState = &st
	}

	// Last: without the Prometheus Operator's CRDs it fails, and the
	// dataflow is deployed by then.
	if s.podMonitor != nil {
		if d.podMonitor, err = apiextensions.NewCustomResource(ctx, name, podMonitorArgs(s, namespace), child, pulumi.DependsOn(processes)); err != nil {
			return nil, err
		}
	}

	d.setRecordOutputs(s)

	prefix := d.StatefulSetName
	if s.batch != nil {
		prefix = d.JobName
	}
	d.PeerAddresses = pulumi.All(prefix, d.ServiceName, d.NamespaceName).ApplyT(
		func(names []any) []string {
			return peerAddresses(names[0].(string), names[1].(string), names[2].(string), s.clusterDomain, s.port, s.processes)
		}).(pulumi.StringArrayOutput)

	if err := ctx.RegisterResourceOutputs(d, pulumi.Map{
		"namespaceName":      d.NamespaceName,
		"statefulSetName":    d.StatefulSetName,
		"serviceName":        d.ServiceName,
		"configMapName":      d.ConfigMapName,
		"serviceAccountName": d.ServiceAccountName,
		"peerAddresses":      d.PeerAddresses,
		"jobName":            d.JobName,
		"batchOutcome":       outcome,

		"networkPolicyName":     d.NetworkPolicyName,
		"disruptionBudgetName":  d.DisruptionBudgetName,
		"podMonitorName":        d.PodMonitorName,
		"registrySecretName":    d.RegistrySecretName,
		"envSecretName":         d.EnvSecretName,
		"recoveryClaimNames":    d.RecoveryClaimNames,
		"recoveryConfigMapName": d.RecoveryConfigMapName,
		"recoveryPartitions":    d.RecoveryPartitions,
		"recoveryHolders":       d.RecoveryHolders,
		"recoveryLayout":        d.RecoveryLayout,
		"batchConfigMapName":    d.BatchConfigMapName,
		"batchRun":              d.BatchRun,
		"batchEnded":            d.BatchEnded,
		"batchHandedOver":       d.BatchHandedOver,
	}); err != nil {
		return nil, err
	}
	return d, nil
}

package stack

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pulumi-bytewax/pulumi-bytewax/components"
)

// recoveryOutput is the output that records what a dataflow's recovery
// volumes hold, for the next run to check changes against.
const recoveryOutput = "recovery"

// readRecovery reads the recovery keys into args, when recovery is on.
func readRecovery(r *reader) *components.RecoveryArgs {
	if on := r.bool("recovery"); on == nil || !*on {
		return nil
	}
	rec := &components.RecoveryArgs{
		SnapshotIntervalSeconds: r.int("recoverySnapshotInterval", maxInt32),
		BackupIntervalSeconds:   r.int("recoveryBackupInterval", maxInt32),
		Layout:                  r.string("recoveryLayout"),
		StorageClassName:        r.stringInput("recoveryStorageClass"),
		Size:                    r.string("recoverySize"),
		AccessMode:              r.string("recoveryAccessMode"),
	}
	if n := r.int("recoveryPartitions", maxInt32); n != nil {
		rec.Partitions = *n
	}
	return rec
}

// lastRecords reads, from the stack's own last outputs, the batch run each
// dataflow last submitted. The component records it on the cluster and
// reads it back itself; the stack's output also knows the runs of stacks
// deployed before that record existed, whose Jobs Kubernetes may have
// deleted after their TTL, which the cluster no longer shows. A program does
// not see its stack's state; a reference to the stack itself does. It is
// made only when some dataflow has batch mode on. What recovery volumes
// hold the component reads from the cluster alone.
func lastRecords(ctx *pulumi.Context, dfs []*dataflowConfig, listed bool) error {
	var wanted []*dataflowConfig
	for _, df := range dfs {
		if df.args.Batch != nil {
			wanted = append(wanted, df)
		}
	}
	if len(wanted) == 0 {
		return nil
	}
	last, err := lastOutputs(ctx, recoveryOutput, batchOutput, "statefulSet", "job", dataflowsKey)
	if err != nil {
		return err
	}
	// The dataflow a stack had before it listed its dataflows keeps its
	// record under its name.
	single, _ := last["statefulSet"].(string)
	if b, ok := last[batchOutput].(map[string]any); ok && single == "" {
		if job, _ := b["job"].(string); job != "" {
			single = strings.TrimSuffix(job, "-"+lastBatchRun(b))
		}
	}
	entries, _ := last[dataflowsKey].(map[string]any)
	for _, df := range wanted {
		outs := last
		entry, found := entries[df.name].(map[string]any)
		switch {
		case listed && (found || df.name != single):
			outs = entry
		case !listed && found && single == "" && last[recoveryOutput] == nil:
			// A stack that listed its dataflows, and now has one.
			outs = entry
		}
		// A dataflow that runs as a StatefulSet now has no record, and
		// the component refuses it, from the cluster.
		df.args.Batch.Last = batchRecord(outs[batchOutput])
	}
	return nil
}

// lastOutputs reads some of the stack's own outputs as its last update
// left them, through a reference to the stack itself; a missing one is nil.
var lastOutputs = func(ctx *pulumi.Context, keys ...string) (map[string]any, error) {
	self := fmt.Sprintf("%s/%s/%s", ctx.Organization(), ctx.Project(), ctx.Stack())
	ref, err := pulumi.NewStackReference(ctx, "last-outputs", &pulumi.StackReferenceArgs{Name: pulumi.String(self)})
	if err != nil {
		return nil, err
	}
	out := map[string]any{}
	for _, key := range keys {
		details, err := ref.GetOutputDetails(key)
		if err != nil {
			return nil, fmt.Errorf("reading the stack's last outputs (%s): %w", self, err)
		}
		out[key] = details.Value
		if details.SecretValue != nil {
			out[key] = details.SecretValue
		}
	}
	return out, nil
}

// recoveryExport is a dataflow's recovery output; nil when recovery is
// off.
func recoveryExport(d *components.BytewaxDataflow) pulumi.Input {
	st := d.RecoveryStateOf()
	if st == nil {
		return nil
	}
	out := pulumi.Map{
		"partitions": pulumi.Int(st.Partitions),
		"holders":    pulumi.Int(st.Holders),
		"layout":     pulumi.String(st.Layout),
	}
	for key, v := range map[string]string{"size": st.Size, "storageClassName": st.StorageClassName, "accessMode": st.AccessMode, "namespace": st.Namespace} {
		if v != "" {
			out[key] = pulumi.String(v)
		}
	}
	return out
}

// batchOutput records the run a batch dataflow last submitted.
const batchOutput = "batch"

// readBatch reads the batch keys, when batch mode is on.
func readBatch(r *reader) *components.BatchArgs {
	if on := r.bool("batch"); on == nil || !*on {
		return nil
	}
	b := &components.BatchArgs{
		Run:                   r.string("batchRun"),
		Retries:               r.int("batchRetries", maxInt32),
		ActiveDeadlineSeconds: r.int("batchDeadlineSeconds", maxInt32),
	}
	// -1 keeps the Job; 0 is Kubernetes' "delete at once".
	if ttl := r.int("batchTtlSeconds", maxInt32); ttl != nil && *ttl != -1 {
		b.TTLSecondsAfterFinished = ttl
	}
	if d := b.ActiveDeadlineSeconds; d != nil && *d == 0 {
		b.ActiveDeadlineSeconds = nil
	}
	if wait := r.bool("batchWait"); wait != nil {
		b.Wait = *wait
	}
	return b
}

// batchExport is a batch dataflow's output: its run and Job, how the Job
// ended as this up saw it, and whether it is handed over to Kubernetes.
func batchExport(d *components.BytewaxDataflow) pulumi.Input {
	record, ended := d.BatchRecord()
	if record == nil {
		return nil
	}
	return pulumi.Map{
		"run":        pulumi.String(record.Run),
		"job":        d.JobName,
		"ended":      ended,
		"handedOver": pulumi.Bool(record.HandedOver),
	}
}

// lastBatchRun decodes the run a batch output records.
func lastBatchRun(v any) string {
	if r := batchRecord(v); r != nil {
		return r.Run
	}
	return ""
}

// batchRecord decodes a batch output; nil when there is none.
func batchRecord(v any) *components.BatchRecord {
	m, _ := v.(map[string]any)
	run, _ := m["run"].(string)
	if run == "" {
		return nil
	}
	ended, _ := m["ended"].(string)
	handedOver, _ := m["handedOver"].(bool)
	return &components.BatchRecord{Run: run, Ended: ended, HandedOver: handedOver}
}

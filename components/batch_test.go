package components

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	pt "github.com/pulumi-bytewax/pulumi-bytewax/components/bytewaxtest"
)

const typeJob = "kubernetes:batch/v1:Job"

func batchArgs(b *BatchArgs) *BytewaxDataflowArgs {
	args := flatArgs()
	args.Processes = pulumi.IntRef(3)
	args.Batch = b
	return args
}

func TestABatchIsAnIndexedJob(t *testing.T) {
	d := deploy(t, "wc", batchArgs(&BatchArgs{Run: "1"}))
	assert.Equal(t, 1.0, pt.Get(t, d.ByType(t, typeJob).Object(t), "spec", "backoffLimitPerIndex"), "by default one retry, so that an eviction, which fails every peer, does not fail the batch")
	d = deploy(t, "wc", batchArgs(&BatchArgs{Run: "7", Retries: pulumi.IntRef(2), ActiveDeadlineSeconds: pulumi.IntRef(600)}))
	assert.Empty(t, d.OfType(typeStatefulSet))
	assert.Empty(t, d.OfType(typePDB), "a Job has no scale for a budget's maxUnavailable")
	job := d.ByType(t, typeJob)
	obj := job.Object(t)
	assert.Equal(t, "wordcount-7", pt.Get(t, obj, "metadata", "name"))
	assert.Equal(t, "true", pt.Get(t, obj, "metadata", "annotations", "pulumi.com/skipAwait"), "up does not wait for the batch unless asked")
	spec := obj["spec"].(map[string]any)
	assert.Equal(t, "Indexed", spec["completionMode"])
	assert.Equal(t, 3.0, spec["completions"])
	assert.Equal(t, 3.0, spec["parallelism"], "every process starts at once")
	assert.Equal(t, 2.0, spec["backoffLimitPerIndex"], "retries count per process, so one crash that fails every peer costs one")
	assert.Empty(t, job.IgnoreChanges, "a new run gets the spec as it is now")
	assert.Equal(t, 0.0, spec["maxFailedIndexes"], "a process out of retries fails the Job")
	assert.Equal(t, 600.0, spec["activeDeadlineSeconds"])
	assert.NotContains(t, spec, "ttlSecondsAfterFinished")
	assert.Equal(t, map[string]any{"rules": []any{map[string]any{
		"action": "Ignore", "onPodConditions": []any{map[string]any{"type": "DisruptionTarget", "status": "True"}},
	}}}, spec["podFailurePolicy"])
	pod := pt.Get(t, spec, "template", "spec")
	assert.Equal(t, "Never", pt.Get(t, pod, "restartPolicy"))
	assert.Equal(t, "wordcount", pt.Get(t, pod, "subdomain"), "the headless Service resolves <job>-<index>")
	process := pt.Get(t, pod, "containers", 0)
	assert.Contains(t, pt.Get(t, process, "env"), map[string]any{"name": "BYTEWAX_PROCESS_ID", "valueFrom": map[string]any{
		"fieldRef": map[string]any{"apiVersion": "v1", "fieldPath": "metadata.annotations['batch.kubernetes.io/job-completion-index']"}}})
	assert.Contains(t, pt.Get(t, process, "env"), map[string]any{"name": "BYTEWAX_KEEP_CONTAINER_ALIVE", "value": "false"}, "the exit code ends the Job's pod")
	script := pt.Get(t, pod, "initContainers", 0, "command", 2).(string)
	assert.Contains(t, script, `wordcount-7-$i.wordcount.streams.svc.cluster.local:9999`)
	assert.False(t, job.RetainOnDelete)
	assert.True(t, job.DeleteBeforeReplace, "a new run's Job starts after the old one's pods are gone")
}

func TestABatchWithATTLIsHandedOverOnce(t *testing.T) {
	ttl := pulumi.IntRef(3600)
	d := deploy(t, "wc", batchArgs(&BatchArgs{Run: "7", TTLSecondsAfterFinished: ttl, Wait: true}))
	job := d.ByType(t, typeJob)
	assert.True(t, job.RetainOnDelete, "Kubernetes deletes it after its TTL")
	assert.Equal(t, 3600.0, pt.Get(t, job.Object(t), "spec", "ttlSecondsAfterFinished"))
	assert.Equal(t, `jsonpath={.status.conditions[?(@.status=="True")].type}`,
		pt.Get(t, job.Object(t), "metadata", "annotations", "pulumi.com/waitFor"), "up waits until the batch ends, completed or failed")

	tests := []struct {
		name     string
		args     BatchArgs
		declared bool
	}{
		{"submitted, not seen to end", BatchArgs{Run: "7", TTLSecondsAfterFinished: ttl, Wait: true, Last: &BatchRecord{Run: "7"}}, true},
		{"seen to end", BatchArgs{Run: "7", TTLSecondsAfterFinished: ttl, Wait: true, Last: &BatchRecord{Run: "7", Ended: "Failed"}}, false},
		{"handed over, the TTL since removed", BatchArgs{Run: "7", Last: &BatchRecord{Run: "7", Ended: "Complete", HandedOver: true}}, false},
		{"ended, without a TTL", BatchArgs{Run: "7", Last: &BatchRecord{Run: "7", Ended: "Complete"}}, true},
		{"a new run", BatchArgs{Run: "8", TTLSecondsAfterFinished: ttl, Wait: true, Last: &BatchRecord{Run: "7", Ended: "Complete", HandedOver: true}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := deploy(t, "wc", batchArgs(&tt.args))
			jobs := d.OfType(typeJob)
			if !tt.declared {
				assert.Empty(t, jobs, "left to Kubernetes: never submitted again, even once its TTL deleted it")
				return
			}
			require.Len(t, jobs, 1)
			assert.Equal(t, "wordcount-"+tt.args.Run, pt.Get(t, jobs[0].Object(t), "metadata", "name"))
			if tt.args.Last.Run == tt.args.Run {
				assert.Equal(t, []string{"spec", "metadata.labels", "metadata.annotations"}, jobs[0].IgnoreChanges,
					"a submitted run keeps its spec, so a change never runs it again, and the labels and annotations it ran with")
			}
		})
	}
}

func TestBatchChecks(t *testing.T) {
	tests := []struct {
		name   string
		modify func(a *BytewaxDataflowArgs)
		want   string
	}{
		{"no run", func(a *BytewaxDataflowArgs) {}, `Batch.Run: must name this run of the batch, such as "1"; a new Run runs the batch again (got "")`},
		{"a bad run", func(a *BytewaxDataflowArgs) { a.Batch.Run = "Run_1" }, `Batch.Run: a lowercase RFC 1123 label`},
		{"a run too long", func(a *BytewaxDataflowArgs) { a.Batch.Run = "abcdefghijklmnopqrstuvwxyz-abcdefghijklmnopqrstuvwxyz" }, `Batch.Run: must be at most 42 characters with Name ("wordcount")`},
		{"negative retries", func(a *BytewaxDataflowArgs) { a.Batch.Run = "1"; a.Batch.Retries = pulumi.IntRef(-1) }, `Batch.Retries: must be a whole number from 0 to 100 (got -1)`},
		{"a negative TTL", func(a *BytewaxDataflowArgs) { a.Batch.Run = "1"; a.Batch.TTLSecondsAfterFinished = pulumi.IntRef(-5) }, `Batch.TTLSecondsAfterFinished: must be a whole number of seconds from 0 to 604800 (got -5)`},
		{"a zero deadline", func(a *BytewaxDataflowArgs) { a.Batch.Run = "1"; a.Batch.ActiveDeadlineSeconds = pulumi.IntRef(0) }, `Batch.ActiveDeadlineSeconds: must be at least 1 second (got 0)`},
		{"a TTL without Wait", func(a *BytewaxDataflowArgs) { a.Batch.Run = "1"; a.Batch.TTLSecondsAfterFinished = pulumi.IntRef(60) }, `Batch.TTLSecondsAfterFinished: needs Wait: the Job is handed over to Kubernetes, which deletes it, only once an up has seen it end (got 60)`},
		{"keep-alive", func(a *BytewaxDataflowArgs) { a.Batch.Run = "1"; a.KeepAlive = pulumi.BoolRef(true) }, `KeepAlive: must be off with Batch: a container kept alive never completes`},
		{"recovery", func(a *BytewaxDataflowArgs) { a.Batch.Run = "1"; a.Recovery = &RecoveryArgs{Partitions: 3} }, `Recovery: is not offered with Batch`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := batchArgs(&BatchArgs{})
			tt.modify(args)
			d, err := tryDeploy(t, "wc", args)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Empty(t, d.Resources)
		})
	}
}

func TestTwoBatchesCannotShareAJobName(t *testing.T) {
	_, err := run(t, func(ctx *pulumi.Context) error {
		a := batchArgs(&BatchArgs{Run: "daily-1"})
		a.Name = "etl"
		if _, err := NewBytewaxDataflow(ctx, "etl", a); err != nil {
			return err
		}
		b := batchArgs(&BatchArgs{Run: "1"})
		b.Name = "etl-daily"
		_, err := NewBytewaxDataflow(ctx, "etl-daily", b)
		return err
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `Job "etl-daily-1" in namespace "streams" is dataflow "etl"'s already`)
}

// batchRecordOn is a cluster holding the batch record the stack's last up
// left.
func batchRecordOn(data map[string]any) *fakeCluster {
	return &fakeCluster{
		contents: map[objectKey]map[string]any{{"ConfigMap", "streams", "wordcount-batch"}: {"data": data, "metadata": ownMetadata}},
		objects: map[objectKey]*metav1.PartialObjectMetadata{
			{"ConfigMap", "streams", "wordcount-batch"}: existing(nil, map[string]string{stackAnnotation: "organization/project/stack"}),
		},
	}
}

func TestTheRunLastSubmittedIsReadFromTheCluster(t *testing.T) {
	ttl := pulumi.IntRef(60)
	cases := []struct {
		name    string
		record  map[string]any
		batch   *BatchArgs
		job     bool // the Job is declared
		ignored bool // and ignores changes, being submitted
	}{
		{"no record: a new run", nil, &BatchArgs{Run: "1"}, true, false},
		{"this run, submitted", map[string]any{"run": "1", "ended": "", "handedOver": "false"}, &BatchArgs{Run: "1"}, true, true},
		{"this run, seen to end, with a TTL: handed over", map[string]any{"run": "1", "ended": "Complete", "handedOver": "false"}, &BatchArgs{Run: "1", Wait: true, TTLSecondsAfterFinished: ttl}, false, false},
		{"handed over for good", map[string]any{"run": "1", "ended": "Failed", "handedOver": "true"}, &BatchArgs{Run: "1"}, false, false},
		{"another run", map[string]any{"run": "1", "ended": "Complete", "handedOver": "true"}, &BatchArgs{Run: "2"}, true, false},
		{"an explicit record wins", map[string]any{"run": "1", "ended": "Complete", "handedOver": "true"}, &BatchArgs{Run: "1", Last: &BatchRecord{Run: "0"}}, true, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cluster := &fakeCluster{}
			if c.record != nil {
				cluster = batchRecordOn(c.record)
			}
			onCluster(t, cluster)
			d := deploy(t, "wc", batchArgs(c.batch))
			jobs := d.OfType(typeJob)
			require.Equal(t, c.job, len(jobs) == 1, "the Job is declared")
			if c.job {
				assert.Equal(t, c.ignored, len(jobs[0].IgnoreChanges) > 0, "a submitted run ignores later changes")
			}
			record := d.Named(t, typeConfigMap, "wc-batch").Object(t)
			assert.Equal(t, c.batch.Run, pt.Get(t, record, "data", "run"))
			assert.Equal(t, map[bool]string{true: "false", false: "true"}[c.job], pt.Get(t, record, "data", "handedOver"))
		})
	}
}

func TestAStreamingDataflowCannotTurnIntoABatchInOneUp(t *testing.T) {
	onCluster(t, &fakeCluster{objects: map[objectKey]*metav1.PartialObjectMetadata{
		{"StatefulSet", "streams", "wordcount"}: existing(nil, map[string]string{stackAnnotation: "organization/project/stack"}),
	}})
	_, err := tryDeploy(t, "wc", batchArgs(&BatchArgs{Run: "1"}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Batch: the dataflow runs as a StatefulSet now")
}

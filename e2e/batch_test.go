package e2e

import (
	"bytes"
	"context"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// jobCondition is the status of a Job's condition of a type, "" when it
// has none.
func jobCondition(t *testing.T, ns, name, condition string) any {
	t.Helper()
	conditions, _ := field(get(t, "-n", ns, "job", name), "status", "conditions").([]any)
	for _, c := range conditions {
		if field(c, "type") == condition {
			return field(c, "status")
		}
	}
	return ""
}

// TestBatchJobs runs the batch example as an Indexed Job that completes, is
// not run again by a second up, hands its Job over to Kubernetes with a
// TTL without a refresh and up running it again, and fails as a whole when
// its processes crash.
func TestBatchJobs(t *testing.T) {
	const ns = "e2e-batch"
	p := newProject(t, ns, map[string]string{
		"createNamespace": "true", "processes": "3", "directory": "dataflows/batch", "pythonFile": "batch.py",
		"batch": "true", "batchRun": "1", "batchWait": "true",
	})
	p.destroyOnCleanup()
	p.setObject("podAnnotations", obj{"e2e.bytewax.io/run-time": "1s"})
	p.up()
	job := get(t, "-n", ns, "job", "my-dataflow-1")
	assert.EqualValues(t, 3, field(job, "status", "succeeded"), "every process completed")
	assert.Equal(t, "True", jobCondition(t, ns, "my-dataflow-1", "Complete"))
	assert.False(t, exists(t, "-n", ns, "statefulset", "my-dataflow"))
	pods := items(get(t, "-n", ns, "pods", "-l", "app.kubernetes.io/instance=my-dataflow"))
	require.Len(t, pods, 3)
	for _, pod := range pods {
		assert.Equal(t, "my-dataflow", field(pod, "spec", "subdomain"))
		assert.Regexp(t, `^my-dataflow-1-[0-2]$`, field(pod, "spec", "hostname"), "the hostfile's names")
	}
	outputs, err := p.stack.Outputs(context.Background())
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"run": "1", "job": "my-dataflow-1", "ended": "Complete", "handedOver": false}, outputs["batch"].Value)

	assert.Regexp(t, `(?m)^my-dataflow\s+`+ns+`\s+0/3\s+-\s+batch complete \(3 succeeded\)`, p.command("status"))

	// A finished Job holds up no up, and is not run again.
	uid := field(job, "metadata", "uid")
	p.requireNoChanges()
	p.refresh()
	p.up()
	assert.Equal(t, uid, field(get(t, "-n", ns, "job", "my-dataflow-1"), "metadata", "uid"))

	// A new run with a TTL: Kubernetes deletes its Job once it ends, and
	// neither refresh nor up runs it again.
	p.setConfig(map[string]string{"batchRun": "2", "batchTtlSeconds": "1"})
	p.up()
	assert.False(t, exists(t, "-n", ns, "job", "my-dataflow-1"), "the previous run's Job made way")
	eventually(t, 60*time.Second, "the TTL to delete the finished Job", func() bool {
		return !exists(t, "-n", ns, "job", "my-dataflow-2")
	})
	p.refresh()
	p.up()
	time.Sleep(2 * time.Second)
	assert.False(t, exists(t, "-n", ns, "job", "my-dataflow-2"), "not run again by surprise")
	p.requireNoChanges()

	// Processes that crash fail the Job once every process has used its
	// retry, and an up that waits for it fails.
	p.setConfig(map[string]string{"batchRun": "3", "batchTtlSeconds": "-1", "batchRetries": "1"})
	p.setObject("podAnnotations", obj{"e2e.bytewax.io/run-time": "1s", "e2e.bytewax.io/exit-code": "1"})
	var out bytes.Buffer
	_, err = p.stack.Up(context.Background(), optup.ProgressStreams(&out), optup.ErrorProgressStreams(&out))
	require.Error(t, err, "up waits for the batch and fails with it")
	assert.Contains(t, out.String(), "the batch's Job my-dataflow-3 failed (MaxFailedIndexesExceeded")
	// up returns at FailureTarget; Failed follows once no pod is left
	// running.
	eventually(t, 60*time.Second, "the Job to be Failed", func() bool {
		return jobCondition(t, ns, "my-dataflow-3", "Failed") == "True"
	})
	// Retries count per process: one whose run and retry both failed
	// failed the Job, and none ran more than twice. (How many of the
	// others had failed, or were stopped, by then depends on timing.)
	runs := map[any]int{}
	for _, pod := range items(get(t, "-n", ns, "pods", "-l", "job-name=my-dataflow-3")) {
		if field(pod, "status", "phase") == "Failed" {
			runs[field(pod, "metadata", "annotations", "batch.kubernetes.io/job-completion-index")]++
		}
	}
	for index, n := range runs {
		assert.LessOrEqual(t, n, 2, "process %v ran at most once more than its first run", index)
	}
	assert.Contains(t, slices.Collect(maps.Values(runs)), 2, "a process failed its run and its one retry: %v", runs)

	// The failed up recorded its run, so a change made afterwards reaches
	// the next run and never runs this one again.
	outputs, err = p.stack.Outputs(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "3", field(outputs["batch"].Value, "run"), "the failed up recorded the run it submitted")
	failedUID := field(get(t, "-n", ns, "job", "my-dataflow-3"), "metadata", "uid")
	p.setConfig(map[string]string{"batchWait": "false", "imageTag": "0.21.1-python3.10"})
	p.up()
	assert.Equal(t, failedUID, field(get(t, "-n", ns, "job", "my-dataflow-3"), "metadata", "uid"), "not run again")
	p.requireNoChanges()
}

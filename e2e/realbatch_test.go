package e2e

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// jobOutput is every number the pods of a Job printed, one a line.
func jobOutput(t *testing.T, ns, job string) []int {
	t.Helper()
	var numbers []int
	for _, pod := range items(get(t, "-n", ns, "pods", "-l", "job-name="+job)) {
		logs := podLogs(t, ns, field(pod, "metadata", "name").(string))
		for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
			if n, err := strconv.Atoi(strings.TrimSpace(line)); err == nil {
				numbers = append(numbers, n)
			}
		}
	}
	slices.Sort(numbers)
	return numbers
}

// TestRealNodeBatch runs the batch example as real Bytewax over three
// processes: the Job completes and the output is every doubled number once.
// Then a batch whose code raises: its pods end with Python's exit code, the
// Job fails once a process has failed its run and its retry, and the up that
// waits for it fails saying so.
func TestRealNodeBatch(t *testing.T) {
	requireRealNode(t)
	const ns = "e2e-real-batch"
	p := newProject(t, ns, map[string]string{
		"createNamespace": "true", "processes": "3", "directory": "dataflows/batch", "pythonFile": "batch.py",
		"batch": "true", "batchRun": "1", "batchWait": "true",
	})
	p.onRealNode()
	p.destroyOnCleanup()
	t.Cleanup(func() { _, _ = kubectl("delete", "namespace", ns, "--wait=false") })

	p.up()
	assert.Equal(t, "True", jobCondition(t, ns, "my-dataflow-1", "Complete"))
	assert.EqualValues(t, 3, field(get(t, "-n", ns, "job", "my-dataflow-1"), "status", "succeeded"), "every process completed")
	assert.Equal(t, []int{0, 2, 4, 6, 8, 10, 12, 14, 16, 18}, jobOutput(t, ns, "my-dataflow-1"),
		"every doubled number, each once, over the three processes")

	// A batch that raises on its sixth number.
	code, err := os.ReadFile(filepath.Join(p.dir, "dataflows", "batch", "batch.py"))
	require.NoError(t, err)
	raising := strings.Replace(string(code), "def double(x):\n", "def double(x):\n    if x == 5:\n        raise ValueError(\"five\")\n", 1)
	require.NotEqual(t, string(code), raising)
	p.writeFile("dataflows/batch/batch.py", raising)
	p.setConfig(map[string]string{"batchRun": "2", "batchRetries": "1"})
	var out bytes.Buffer
	started := time.Now()
	_, err = p.stack.Up(context.Background(), optup.ProgressStreams(&out), optup.ErrorProgressStreams(&out))
	require.Error(t, err, "up waits for the batch and fails with it")
	assert.Contains(t, out.String(), "the batch's Job my-dataflow-2 failed (MaxFailedIndexesExceeded")
	t.Logf("the failing batch's up returned after %.1f s", time.Since(started).Seconds())
	eventually(t, 120*time.Second, "the Job to be Failed", func() bool {
		return jobCondition(t, ns, "my-dataflow-2", "Failed") == "True"
	})
	// Every failed pod ended with an error; those whose dataflow raised,
	// with Python's exit code for an uncaught exception (others may have
	// been stopped when the Job failed).
	codes := map[float64]int{}
	for _, pod := range items(get(t, "-n", ns, "pods", "-l", "job-name=my-dataflow-2")) {
		if field(pod, "status", "phase") != "Failed" {
			continue
		}
		for _, s := range field(pod, "status", "containerStatuses").([]any) {
			if code, ok := field(s, "state", "terminated", "exitCode").(float64); ok && field(s, "name") == "process" {
				codes[code]++
			}
		}
	}
	assert.Greater(t, codes[1], 0, "pods that ended with exit code 1: %v", codes)
	assert.Zero(t, codes[0], "no failed pod ended with 0: %v", codes)
}

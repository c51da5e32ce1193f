package stack

import (
	"maps"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	pt "github.com/pulumi-bytewax/pulumi-bytewax/components/bytewaxtest"
)

// withLastOutputs makes the stack's last outputs those given, for one
// test.
func withLastOutputs(t *testing.T, outputs map[string]any) {
	t.Helper()
	saved := lastOutputs
	t.Cleanup(func() { lastOutputs = saved })
	lastOutputs = func(_ *pulumi.Context, keys ...string) (map[string]any, error) {
		out := map[string]any{}
		for _, k := range keys {
			out[k] = outputs[k]
		}
		return out, nil
	}
}

var recoveryOn = map[string]any{"recovery": true, "recoveryPartitions": 6}

func TestRecoveryFromConfig(t *testing.T) {
	withLastOutputs(t, nil)
	d := deployStack(t, "dev", merged(recoveryOn, map[string]any{
		"recoveryStorageClass": "fast", "recoverySize": "10Gi", "recoverySnapshotInterval": 60, "recoveryBackupInterval": 300,
	}))
	sts := d.ByType(t, pt.StatefulSet).Object(t)
	claim := pt.Get(t, sts, "spec", "volumeClaimTemplates", 0, "spec")
	assert.Equal(t, "fast", pt.Get(t, claim, "storageClassName"))
	assert.Equal(t, "10Gi", pt.Get(t, claim, "resources", "requests", "storage"))
	env := pt.Get(t, sts, "spec", "template", "spec", "containers", 0, "env")
	assert.Contains(t, env, map[string]any{"name": "BYTEWAX_SNAPSHOT_INTERVAL", "value": "60"})
	assert.Contains(t, env, map[string]any{"name": "BYTEWAX_RECOVERY_BACKUP_INTERVAL", "value": "300"})
	assert.True(t, d.ByType(t, pt.Namespace).RetainOnDelete, "the dev stack creates its namespace, which now holds claims")
}

// recorded is a cluster holding the recovery ConfigMap a dataflow's first
// run, by the stack, left in its namespace.
func recorded(stack, namespace, name string, data map[string]any) pt.Option {
	return pt.WithCluster(map[string]any{
		"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{
			"name": name + "-recovery", "namespace": namespace,
			"annotations": map[string]any{"bytewax.io/stack": "organization/project/" + stack},
		},
		"data": data,
	})
}

func TestRecoveryChangesAreCheckedAgainstWhatTheClusterRecords(t *testing.T) {
	record := recorded("dev", "bytewax", "my-dataflow", map[string]any{"partitions": "6", "holders": "3", "layout": "perProcess"})
	tests := []struct {
		name      string
		overrides map[string]any
		want      string
	}{
		{"another partition count", map[string]any{"recoveryPartitions": 8},
			"bytewax:recoveryPartitions: must stay 6, the count the recovery partitions were created with"},
		{"fewer processes", map[string]any{"processes": 2},
			"bytewax:processes: must be at least 3 while recovery keeps partitions on the volumes of processes 0 to 2"},
		{"another layout", map[string]any{"recoveryLayout": "shared"},
			"bytewax:recoveryLayout: must stay perProcess"},
		{"no partitions", map[string]any{"recoveryPartitions": 0},
			"bytewax:recoveryPartitions: must be set, to at least 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			withLastOutputs(t, nil)
			d, err := runStack(t, "dev", stackConfig(t, "dev", merged(recoveryOn, tt.overrides)), record)
			require.Error(t, err)
			msg := strings.ReplaceAll(err.Error(), " (not set in Pulumi.dev.yaml)", "")
			assert.Contains(t, msg, tt.want)
			assert.Equal(t, 1, strings.Count(msg, "\n  bytewax:"), "one problem: %s", msg)
			assert.Empty(t, d.Resources, "nothing is registered")
		})
	}

	withLastOutputs(t, nil)
	d, err := runStack(t, "dev", stackConfig(t, "dev", merged(recoveryOn, map[string]any{"processes": 5})), record)
	require.NoError(t, err)
	data := d.Named(t, pt.ConfigMap, "my-dataflow-recovery").Object(t)["data"]
	assert.Equal(t, "3", pt.Get(t, data, "holders"), "processes added since hold no partitions")
}

func TestListedDataflowsRecordTheirRecoveryApart(t *testing.T) {
	withLastOutputs(t, nil)
	record := recorded("env", "bytewax", "orders", map[string]any{"partitions": "4", "holders": "2", "layout": "perProcess"})
	stackFile := `config:
  bytewax:recovery: true
  bytewax:recoveryPartitions: 4
  bytewax:dataflows:
    orders:
      processes: 2
    clicks:
      processes: 1
`
	_, err := runStackFile(t, "env", stackFile, nil, record)
	require.NoError(t, err, "clicks has no recovery yet, and orders keeps its count")

	_, err = runStackFile(t, "env", strings.Replace(stackFile, "processes: 2", "processes: 1", 1), nil, record)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "bytewax:dataflows.orders.processes: must be at least 2")
	assert.NotContains(t, err.Error(), "clicks")
}

func TestABatchFromConfigIsSubmittedOnce(t *testing.T) {
	batch := map[string]any{"batch": true, "batchRun": "1", "batchTtlSeconds": 60, "batchWait": true, "directory": "dataflows/batch", "pythonFile": "batch.py"}
	withLastOutputs(t, nil)
	d := deployStack(t, "dev", batch)
	job := d.ByType(t, "kubernetes:batch/v1:Job").Object(t)
	assert.Equal(t, "my-dataflow-1", pt.Get(t, job, "metadata", "name"))
	assert.Equal(t, 60.0, pt.Get(t, job, "spec", "ttlSecondsAfterFinished"))
	assert.Contains(t, pt.Get(t, job, "spec", "template", "spec", "containers", 0, "env"),
		map[string]any{"name": "BYTEWAX_KEEP_CONTAINER_ALIVE", "value": "false"}, "keepAlive's default is for streams")

	withLastOutputs(t, map[string]any{"batch": map[string]any{"run": "1", "job": "my-dataflow-1", "ended": "Complete", "handedOver": false}})
	d = deployStack(t, "dev", batch)
	assert.Empty(t, d.OfType("kubernetes:batch/v1:Job"), "seen to end: handed over to Kubernetes, never submitted again")

	// A dataflow running as a StatefulSet cannot become a batch in one up.
	withLastOutputs(t, map[string]any{"statefulSet": "my-dataflow", "namespace": "bytewax"})
	streaming := pt.WithCluster(map[string]any{
		"apiVersion": "apps/v1", "kind": "StatefulSet",
		"metadata": map[string]any{"name": "my-dataflow", "namespace": "bytewax", "annotations": map[string]any{"bytewax.io/stack": "organization/project/dev"}},
	})
	_, err := runStack(t, "dev", stackConfig(t, "dev", batch), streaming)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "bytewax:batch (not set in Pulumi.dev.yaml): the dataflow runs as a StatefulSet now, which would keep running beside the batch")

	withLastOutputs(t, nil)
	_, err = runStackFile(t, "batch", `config:
  bytewax:batch: true
  bytewax:batchRun: "1"
  bytewax:keepAlive: true
`, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "bytewax:keepAlive: must be off with Batch", "a stack that asks for it is told")
}

// merged is base with more's keys over it.
func merged(base, more map[string]any) map[string]any {
	out := maps.Clone(base)
	maps.Copy(out, more)
	return out
}

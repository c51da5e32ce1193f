package components

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	pt "github.com/pulumi-bytewax/pulumi-bytewax/components/bytewaxtest"
)

func recoveryArgs(r *RecoveryArgs) *BytewaxDataflowArgs {
	args := flatArgs()
	args.Processes = pulumi.IntRef(3)
	args.Recovery = r
	return args
}

func TestRecoveryWithAClaimPerProcess(t *testing.T) {
	d := deploy(t, "wc", recoveryArgs(&RecoveryArgs{Partitions: 6, StorageClassName: pulumi.String("fast"), Size: "5Gi"}))
	sts := d.ByType(t, typeStatefulSet)
	spec := pt.Get(t, sts.Object(t), "spec").(map[string]any)
	assert.Equal(t, []any{map[string]any{
		"metadata": map[string]any{"name": "recovery", "labels": map[string]any{"app.kubernetes.io/name": "bytewax", "app.kubernetes.io/instance": "wordcount"}},
		"spec": map[string]any{
			"accessModes":      []any{"ReadWriteOnce"},
			"storageClassName": "fast",
			"resources":        map[string]any{"requests": map[string]any{"storage": "5Gi"}},
		},
	}}, spec["volumeClaimTemplates"])
	assert.Equal(t, map[string]any{"whenDeleted": "Retain", "whenScaled": "Retain"}, spec["persistentVolumeClaimRetentionPolicy"],
		"the claims outlive every replacement of the StatefulSet")

	pod := pt.Get(t, spec, "template", "spec").(map[string]any)
	process := pt.Get(t, pod, "containers", 0)
	env := envMap(t, process)
	assert.Equal(t, RecoveryDirectory, env["BYTEWAX_RECOVERY_DIRECTORY"])
	assert.Equal(t, "30", env["BYTEWAX_SNAPSHOT_INTERVAL"], "both intervals, or Bytewax refuses the directory")
	assert.Equal(t, "0", env["BYTEWAX_RECOVERY_BACKUP_INTERVAL"])
	assert.Contains(t, pt.Get(t, process, "volumeMounts"), map[string]any{"name": "recovery", "mountPath": RecoveryDirectory})

	init := pt.Get(t, pod, "initContainers", 1).(map[string]any)
	assert.Equal(t, "init-recovery", init["name"])
	assert.Equal(t, "bytewax/bytewax:0.21.1-python3.11", init["image"], "the dataflow's image, which has Bytewax")
	initEnv := envMap(t, init)
	assert.Equal(t, map[string]string{
		"BYTEWAX_RECOVERY_DIRECTORY": RecoveryDirectory, "BYTEWAX_RECOVERY_PARTITIONS": "6", "BYTEWAX_RECOVERY_HOLDERS": "3",
		"BYTEWAX_RECOVERY_LAYOUT": "perProcess", "BYTEWAX_RECOVERY_STATE": "/etc/bytewax-recovery", "BYTEWAX_POD_NAME": "",
	}, initEnv)
	assert.Equal(t, recoveryScript, pt.Get(t, init, "command", 2))
	assert.Contains(t, pod["volumes"], map[string]any{"name": "recovery-state", "configMap": map[string]any{"name": "wordcount-recovery", "optional": true}})

	marker := d.Named(t, typeConfigMap, "wc-recovery")
	assert.Equal(t, map[string]any{"partitions": "6", "holders": "3", "layout": "perProcess", "size": "5Gi", "storageClassName": "fast", "accessMode": "ReadWriteOnce"}, marker.Object(t)["data"])
	assert.True(t, marker.DependsOn(sts.URN), "made after the processes first ran")
	assert.True(t, marker.RetainOnDelete, "kept by destroy with the claims, so that a volume lost later is still known as lost")
	assert.Empty(t, d.OfType("kubernetes:core/v1:PersistentVolumeClaim"), "the StatefulSet makes the claims")
	assert.True(t, d.ByType(t, typeNamespace).RetainOnDelete, "a namespace holding claims is left by destroy, which would delete them")
}

func envMap(t *testing.T, container any) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, e := range pt.Get(t, container, "env").([]any) {
		v, _ := e.(map[string]any)["value"].(string)
		out[e.(map[string]any)["name"].(string)] = v
	}
	return out
}

func TestRecoveryWithASharedClaim(t *testing.T) {
	d := deploy(t, "wc", recoveryArgs(&RecoveryArgs{Partitions: 4, Layout: RecoverySharedClaim}))
	claim := d.ByType(t, "kubernetes:core/v1:PersistentVolumeClaim")
	assert.True(t, claim.RetainOnDelete, "destroy leaves the state")
	assert.Equal(t, "wordcount-recovery", pt.Get(t, claim.Object(t), "metadata", "name"))
	assert.Equal(t, []any{"ReadWriteMany"}, pt.Get(t, claim.Object(t), "spec", "accessModes"))
	sts := d.ByType(t, typeStatefulSet)
	assert.True(t, sts.DependsOn(claim.URN))
	assert.NotContains(t, pt.Get(t, sts.Object(t), "spec"), "volumeClaimTemplates")
	pod := pt.Get(t, sts.Object(t), "spec", "template", "spec")
	assert.Contains(t, pt.Get(t, pod, "volumes"), map[string]any{"name": "recovery", "persistentVolumeClaim": map[string]any{"claimName": "wordcount-recovery"}})
	assert.Equal(t, "1", envMap(t, pt.Get(t, pod, "initContainers", 1))["BYTEWAX_RECOVERY_HOLDERS"])
}

func TestRecoveryOffAddsNothing(t *testing.T) {
	d := deploy(t, "wc", flatArgs())
	spec := pt.Get(t, d.ByType(t, typeStatefulSet).Object(t), "spec").(map[string]any)
	assert.NotContains(t, spec, "volumeClaimTemplates")
	assert.Len(t, pt.Get(t, spec, "template", "spec", "initContainers"), 1)
	assert.NotContains(t, envMap(t, pt.Get(t, spec, "template", "spec", "containers", 0)), "BYTEWAX_RECOVERY_DIRECTORY")
	assert.False(t, d.ByType(t, typeNamespace).RetainOnDelete)
}

func TestRecoveryChecks(t *testing.T) {
	old := &RecoveryState{Partitions: 6, Holders: 3, Layout: RecoveryClaimPerProcess}
	tests := []struct {
		name      string
		processes int
		recovery  RecoveryArgs
		want      string
	}{
		{"no partitions", 3, RecoveryArgs{}, "Recovery.Partitions: must be set, to at least 1: the number of recovery partitions, fixed once created; Bytewax advises the most workers the dataflow will ever run (now 3 processes × 1 workers) (got 0)"},
		{"too many partitions", 3, RecoveryArgs{Partitions: 10001}, "Recovery.Partitions: must be at most 10000"},
		{"a snapshot interval of zero", 3, RecoveryArgs{Partitions: 3, SnapshotIntervalSeconds: pulumi.IntRef(0)}, "Recovery.SnapshotIntervalSeconds: must be a whole number of seconds from 1 to 604800 (got 0)"},
		{"a negative backup interval", 3, RecoveryArgs{Partitions: 3, BackupIntervalSeconds: pulumi.IntRef(-1)}, "Recovery.BackupIntervalSeconds: must be a whole number of seconds from 0 to 604800 (got -1)"},
		{"a bad size", 3, RecoveryArgs{Partitions: 3, Size: "lots"}, `Recovery.Size: must be a positive Kubernetes quantity, such as "1Gi" (got "lots")`},
		{"a zero size", 3, RecoveryArgs{Partitions: 3, Size: "0"}, `Recovery.Size: must be a positive Kubernetes quantity`},
		{"a bad layout", 3, RecoveryArgs{Partitions: 3, Layout: "striped"}, `Recovery.Layout: must be perProcess or shared (got "striped")`},
		{"a shared ReadWriteOnce claim", 3, RecoveryArgs{Partitions: 3, Layout: RecoverySharedClaim, AccessMode: "ReadWriteOnce"}, `Recovery.AccessMode: must be ReadWriteMany with a shared claim`},
		{"a bad access mode", 3, RecoveryArgs{Partitions: 3, AccessMode: "ReadOnlyMany"}, `Recovery.AccessMode: must be ReadWriteOnce, ReadWriteOncePod or ReadWriteMany (got "ReadOnlyMany")`},
		{"another partition count", 3, RecoveryArgs{Partitions: 8, Existing: old}, "Recovery.Partitions: must stay 6, the count the recovery partitions were created with: Bytewax cannot resume from another count; to start over, losing the saved state, turn recovery off with one up, delete the claims and the recovery ConfigMap (kubectl -n streams delete pvc -l app.kubernetes.io/instance=wordcount; kubectl -n streams delete configmap wordcount-recovery), then turn it on again (got 8)"},
		{"another layout", 3, RecoveryArgs{Partitions: 6, Layout: RecoverySharedClaim, Existing: old}, "Recovery.Layout: must stay perProcess, the layout the recovery volumes were created with"},
		{"fewer processes than hold partitions", 2, RecoveryArgs{Partitions: 6, Existing: old}, "Processes: must be at least 3 while recovery keeps partitions on the volumes of processes 0 to 2: with fewer, partitions no process mounts would be missing and the dataflow could not resume"},
		{"another size", 3, RecoveryArgs{Partitions: 6, Size: "2Gi", Existing: &RecoveryState{Partitions: 6, Holders: 3, Layout: RecoveryClaimPerProcess, Size: "1Gi"}}, `Recovery.Size: must stay "1Gi", which the recovery claims were made with: they keep their size`},
		{"another class", 3, RecoveryArgs{Partitions: 6, StorageClassName: pulumi.String("b"), Existing: &RecoveryState{Partitions: 6, Holders: 3, Layout: RecoveryClaimPerProcess, StorageClassName: "a"}}, `Recovery.StorageClassName: must stay "a"`},
		{"another access mode", 3, RecoveryArgs{Partitions: 6, AccessMode: "ReadWriteOncePod", Existing: &RecoveryState{Partitions: 6, Holders: 3, Layout: RecoveryClaimPerProcess, AccessMode: "ReadWriteOnce"}}, `Recovery.AccessMode: must stay "ReadWriteOnce"`},
		{"a storage class that is no object name", 3, RecoveryArgs{Partitions: 6, StorageClassName: pulumi.String("Fast_SSD!")}, `Recovery.StorageClassName: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters`},
		{"the same namespace, named in the record", 3, RecoveryArgs{Partitions: 8, Existing: &RecoveryState{Partitions: 6, Holders: 3, Layout: RecoveryClaimPerProcess, Namespace: "streams"}}, "Recovery.Partitions: must stay 6"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := recoveryArgs(&tt.recovery)
			args.Processes = pulumi.IntRef(tt.processes)
			d, err := run(t, func(ctx *pulumi.Context) error {
				_, err := NewBytewaxDataflow(ctx, "wc", args)
				return err
			})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Empty(t, d.Resources, "nothing is registered")
		})
	}
}

func TestRecoveryStateCarriesOver(t *testing.T) {
	tests := []struct {
		name      string
		processes int
		recovery  RecoveryArgs
		want      RecoveryState
	}{
		{"a first run", 3, RecoveryArgs{Partitions: 6},
			RecoveryState{Partitions: 6, Holders: 3, Layout: RecoveryClaimPerProcess, Size: "1Gi", AccessMode: "ReadWriteOnce", Namespace: "streams"}},
		{"more processes than hold partitions", 5, RecoveryArgs{Partitions: 6, StorageClassName: pulumi.String("fast"), Existing: &RecoveryState{Partitions: 6, Holders: 3, Layout: RecoveryClaimPerProcess}},
			RecoveryState{Partitions: 6, Holders: 3, Layout: RecoveryClaimPerProcess, Size: "1Gi", StorageClassName: "fast", AccessMode: "ReadWriteOnce", Namespace: "streams"}},
		{"a shared claim, fewer processes", 1, RecoveryArgs{Partitions: 6, Layout: RecoverySharedClaim, Existing: &RecoveryState{Partitions: 6, Holders: 1, Layout: RecoverySharedClaim}},
			RecoveryState{Partitions: 6, Holders: 1, Layout: RecoverySharedClaim, Size: "1Gi", AccessMode: "ReadWriteMany", Namespace: "streams"}},
		{"fewer processes than hold partitions, where the rest hold none", 2, RecoveryArgs{Partitions: 2, Existing: &RecoveryState{Partitions: 2, Holders: 4, Layout: RecoveryClaimPerProcess}},
			RecoveryState{Partitions: 2, Holders: 4, Layout: RecoveryClaimPerProcess, Size: "1Gi", AccessMode: "ReadWriteOnce", Namespace: "streams"}},
		{"the same size, written otherwise", 3, RecoveryArgs{Partitions: 6, Size: "1024Mi", Existing: &RecoveryState{Partitions: 6, Holders: 3, Layout: RecoveryClaimPerProcess, Size: "1Gi"}},
			RecoveryState{Partitions: 6, Holders: 3, Layout: RecoveryClaimPerProcess, Size: "1Gi", AccessMode: "ReadWriteOnce", Namespace: "streams"}},
		{"moved to a namespace without claims", 2, RecoveryArgs{Partitions: 4, Existing: &RecoveryState{Partitions: 6, Holders: 3, Layout: RecoveryClaimPerProcess, Namespace: "old"}},
			RecoveryState{Partitions: 4, Holders: 2, Layout: RecoveryClaimPerProcess, Size: "1Gi", AccessMode: "ReadWriteOnce", Namespace: "streams"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := recoveryArgs(&tt.recovery)
			args.Processes = pulumi.IntRef(tt.processes)
			var got *RecoveryState
			d, err := run(t, func(ctx *pulumi.Context) error {
				df, err := NewBytewaxDataflow(ctx, "wc", args)
				if err == nil {
					got = df.RecoveryStateOf()
				}
				return err
			})
			require.NoError(t, err)
			require.NotNil(t, got)
			assert.Equal(t, tt.want, *got)
			data := d.Named(t, typeConfigMap, "wc-recovery").Object(t)["data"]
			assert.Equal(t, strconv.Itoa(tt.want.Holders), data.(map[string]any)["holders"], "the recovery ConfigMap never changes")
		})
	}
}

// volume is a process's recovery volume, with the recovery script run
// against it as the init-container runs it: a stub `python` stands for
// Bytewax's `python -m bytewax.recovery DIR N`, recording each call.
type volume struct {
	t                 *testing.T
	dir, state, calls string
	env               []string
}

func newVolume(t *testing.T, layout string, partitions, holders int) *volume {
	t.Helper()
	root := t.TempDir()
	v := &volume{t: t, dir: filepath.Join(root, "recovery"), state: filepath.Join(root, "state"), calls: filepath.Join(root, "calls")}
	bin := filepath.Join(root, "bin")
	for _, d := range []string{v.dir, v.state, bin} {
		require.NoError(t, os.MkdirAll(d, 0o755))
	}
	stub := `#!/bin/sh
[ "$1 $2" = "-m bytewax.recovery" ] || { echo "unexpected python $*" >&2; exit 2; }
echo "$3 $4" >>"` + v.calls + `"
# As Bytewax, which makes the files but not their folder.
[ -d "$3" ] || { echo "unable to open database file" >&2; exit 1; }
i=0
while [ "$i" -lt "$4" ]; do echo fresh >"$3/part-$i.sqlite3"; i=$((i + 1)); done
`
	require.NoError(t, os.WriteFile(filepath.Join(bin, "python"), []byte(stub), 0o755))
	v.env = []string{
		"PATH=" + bin + ":" + os.Getenv("PATH"),
		"BYTEWAX_RECOVERY_DIRECTORY=" + v.dir,
		"BYTEWAX_RECOVERY_PARTITIONS=" + strconv.Itoa(partitions),
		"BYTEWAX_RECOVERY_HOLDERS=" + strconv.Itoa(holders),
		"BYTEWAX_RECOVERY_LAYOUT=" + layout,
		"BYTEWAX_RECOVERY_STATE=" + v.state,
		"BYTEWAX_RECOVERY_WAIT=2",
	}
	return v
}

// start runs the script as process i and returns its exit code and output.
func (v *volume) start(process int, extraEnv ...string) (int, string) {
	v.t.Helper()
	cmd := exec.Command("sh", "-c", recoveryScript)
	cmd.Env = append(append(v.env, "BYTEWAX_POD_NAME=orders-"+strconv.Itoa(process)), extraEnv...)
	out, err := cmd.CombinedOutput()
	if exit, ok := err.(*exec.ExitError); ok {
		return exit.ExitCode(), string(out)
	}
	require.NoError(v.t, err)
	return 0, string(out)
}

func (v *volume) files() []string {
	entries, err := os.ReadDir(v.dir)
	require.NoError(v.t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func (v *volume) pythonCalls() int {
	raw, err := os.ReadFile(v.calls)
	if os.IsNotExist(err) {
		return 0
	}
	require.NoError(v.t, err)
	return strings.Count(string(raw), "\n")
}

// ranBefore marks the dataflow as having run with recovery, as the
// recovery ConfigMap does once it is mounted.
func (v *volume) ranBefore() {
	require.NoError(v.t, os.WriteFile(filepath.Join(v.state, "holders"), []byte("3"), 0o644))
}

func TestRecoveryScriptMakesEachProcessItsShareOnce(t *testing.T) {
	v := newVolume(t, RecoveryClaimPerProcess, 7, 3)
	code, out := v.start(1)
	require.Zero(t, code, out)
	assert.Equal(t, []string{".bytewax-recovery", "part-1.sqlite3", "part-4.sqlite3"}, v.files(), "process 1 of 3 holds partitions 1 and 4 of 7")
	assert.Equal(t, 1, v.pythonCalls())
	assert.Contains(t, out, "made partitions 1 4 in")

	// Bytewax writes to its partitions; a restart, before or after the
	// dataflow is known to have run, uses them as they are.
	require.NoError(t, os.WriteFile(filepath.Join(v.dir, "part-4.sqlite3"), []byte("snapshots"), 0o644))
	for _, ran := range []bool{false, true} {
		if ran {
			v.ranBefore()
		}
		code, out = v.start(1)
		require.Zero(t, code, out)
		assert.Contains(t, out, "resuming from")
		assert.Equal(t, 1, v.pythonCalls(), "partitions are made once")
		raw, err := os.ReadFile(filepath.Join(v.dir, "part-4.sqlite3"))
		require.NoError(t, err)
		assert.Equal(t, "snapshots", string(raw), "never truncated")
	}
}

func TestRecoveryScriptRefusesWhatItCannotResumeFrom(t *testing.T) {
	t.Run("a lost volume", func(t *testing.T) {
		v := newVolume(t, RecoveryClaimPerProcess, 6, 3)
		v.ranBefore()
		code, out := v.start(2)
		assert.Equal(t, 1, code)
		assert.Contains(t, out, "holds no partitions, but this dataflow has run with recovery before: the volume of process 2 was lost or replaced")
		assert.Zero(t, v.pythonCalls(), "no empty partitions are made")
		assert.Empty(t, v.files())
	})
	t.Run("a missing partition", func(t *testing.T) {
		v := newVolume(t, RecoveryClaimPerProcess, 6, 3)
		code, out := v.start(0)
		require.Zero(t, code, out)
		require.NoError(t, os.Remove(filepath.Join(v.dir, "part-3.sqlite3")))
		code, out = v.start(0)
		assert.Equal(t, 1, code)
		assert.Contains(t, out, "partition 3 is missing from")
	})
	t.Run("another partition count", func(t *testing.T) {
		v := newVolume(t, RecoveryClaimPerProcess, 6, 3)
		code, out := v.start(0)
		require.Zero(t, code, out)
		code, out = v.start(0, "BYTEWAX_RECOVERY_PARTITIONS=8")
		assert.Equal(t, 1, code)
		assert.Contains(t, out, "was set up with partitions=6 holders=3 layout=perProcess, not partitions=8 holders=3 layout=perProcess")
	})
	t.Run("a process that is not a number", func(t *testing.T) {
		v := newVolume(t, RecoveryClaimPerProcess, 6, 3)
		cmd := exec.Command("sh", "-c", recoveryScript)
		cmd.Env = append(v.env, "BYTEWAX_POD_NAME=orders")
		out, err := cmd.CombinedOutput()
		require.Error(t, err)
		assert.Contains(t, string(out), "expected whole numbers")
		assert.Empty(t, v.files())
	})
	t.Run("partitions restored without their record", func(t *testing.T) {
		v := newVolume(t, RecoveryClaimPerProcess, 6, 3)
		v.ranBefore()
		require.NoError(t, os.WriteFile(filepath.Join(v.dir, "part-1.sqlite3"), []byte("backup"), 0o644))
		code, out := v.start(1)
		assert.Equal(t, 1, code)
		assert.Contains(t, out, "holds partitions but no record of them")
		assert.Contains(t, out, "echo 'partitions=6 holders=3 layout=perProcess'")
	})
	t.Run("partitions it did not make", func(t *testing.T) {
		v := newVolume(t, RecoveryClaimPerProcess, 6, 3)
		require.NoError(t, os.WriteFile(filepath.Join(v.dir, "part-0.sqlite3"), []byte("someone's"), 0o644))
		code, out := v.start(0)
		assert.Equal(t, 1, code)
		assert.Contains(t, out, "which this dataflow did not make; it is never overwritten")
		raw, _ := os.ReadFile(filepath.Join(v.dir, "part-0.sqlite3"))
		assert.Equal(t, "someone's", string(raw))
	})
}

func TestRecoveryScriptAddedProcessesAndInterruptedRuns(t *testing.T) {
	t.Run("a process added later holds none", func(t *testing.T) {
		v := newVolume(t, RecoveryClaimPerProcess, 6, 3)
		v.ranBefore()
		code, out := v.start(4)
		require.Zero(t, code, out)
		assert.Equal(t, []string{".bytewax-recovery"}, v.files())
		assert.Zero(t, v.pythonCalls())
	})
	t.Run("a first run cut short is redone", func(t *testing.T) {
		v := newVolume(t, RecoveryClaimPerProcess, 6, 3)
		// Cut after one partition moved in, before the marker.
		require.NoError(t, os.WriteFile(filepath.Join(v.dir, "part-0.sqlite3"), []byte("fresh"), 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(v.dir, ".bytewax-recovery-pending"), []byte("part-0.sqlite3\n"), 0o644))
		code, out := v.start(0)
		require.Zero(t, code, out)
		assert.Equal(t, []string{".bytewax-recovery", "part-0.sqlite3", "part-3.sqlite3"}, v.files())
	})
}

func TestRecoveryScriptOnASharedClaim(t *testing.T) {
	v := newVolume(t, RecoverySharedClaim, 4, 1)
	code, out := v.start(1)
	assert.Equal(t, 1, code, "process 1 waits for process 0, then gives up")
	assert.Contains(t, out, "process 0 has not set up")
	code, out = v.start(0)
	require.Zero(t, code, out)
	assert.Equal(t, []string{".bytewax-recovery", "part-0.sqlite3", "part-1.sqlite3", "part-2.sqlite3", "part-3.sqlite3"}, v.files())
	code, out = v.start(1)
	require.Zero(t, code, out)
	assert.Contains(t, out, "resuming from")
	assert.Equal(t, 1, v.pythonCalls())
	// The shared volume lost while the dataflow has run: process 0 fails
	// rather than make empty partitions.
	require.NoError(t, os.RemoveAll(v.dir))
	require.NoError(t, os.MkdirAll(v.dir, 0o755))
	v.ranBefore()
	code, out = v.start(0)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "was lost or replaced")
}

func TestRecoveryStorageClassOutputIsCheckedAsItResolves(t *testing.T) {
	args := recoveryArgs(&RecoveryArgs{Partitions: 6, StorageClassName: output("Fast_SSD!")})
	d, err := run(t, func(ctx *pulumi.Context) error {
		_, err := NewBytewaxDataflow(ctx, "wc", args)
		return err
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `Recovery.StorageClassName: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters`)
	assert.Empty(t, d.OfType(typeStatefulSet), "no child is applied with it")
}

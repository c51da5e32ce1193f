package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// createVolumes makes n PersistentVolumes of a storage class of their
// own, which the real PV controller binds to matching claims: the local
// cluster has no provisioner.
func createVolumes(t *testing.T, class string, n int) {
	t.Helper()
	applyVolumes(t, class, n, func(i int) string {
		return fmt.Sprintf("hostPath:\n    path: /tmp/%s-%d\n", class, i)
	})
}

// applyVolumes makes n PersistentVolumes of 1Gi of a storage class,
// named <class>-<i>, whose spec ends with source(i), and deletes them when
// the test ends.
func applyVolumes(t *testing.T, class string, n int, source func(i int) string) {
	t.Helper()
	var manifests []string
	for i := range n {
		manifests = append(manifests, fmt.Sprintf(`apiVersion: v1
kind: PersistentVolume
metadata:
  name: %[1]s-%[2]d
  labels:
    e2e.bytewax.io/class: %[1]s
spec:
  capacity:
    storage: 1Gi
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: %[1]s
  %[3]s`, class, i, source(i)))
	}
	file := filepath.Join(t.TempDir(), "volumes.yaml")
	require.NoError(t, os.WriteFile(file, []byte(strings.Join(manifests, "---\n")), 0o644))
	_, err := kubectl("apply", "--server-side", "-f", file)
	require.NoError(t, err)
	t.Cleanup(func() {
		_, _ = kubectl("delete", "persistentvolumes", "-l", "e2e.bytewax.io/class="+class, "--wait=false")
	})
}

// claimUIDs are the UIDs of a dataflow's recovery claims, by name, once
// they are all bound.
func claimUIDs(t *testing.T, ns string, n int) map[string]any {
	t.Helper()
	uids := map[string]any{}
	eventually(t, 30*time.Second, fmt.Sprintf("%d recovery claims to be bound", n), func() bool {
		claims := items(get(t, "-n", ns, "persistentvolumeclaims", "-l", "app.kubernetes.io/instance=my-dataflow"))
		bound := 0
		for _, c := range claims {
			if field(c, "status", "phase") == "Bound" {
				bound++
			}
			uids[field(c, "metadata", "name").(string)] = field(c, "metadata", "uid")
		}
		return len(claims) == n && bound == n
	})
	return uids
}

// TestRecoveryWithAClaimPerProcess deploys the dev stack with recovery on
// pre-created volumes, and checks that the claims are bound, kept through
// a second up, a pod's restart, new code and destroy, and that a new
// partition count is refused with nothing applied.
func TestRecoveryWithAClaimPerProcess(t *testing.T) {
	const ns, class = "e2e-recovery", "e2e-recovery"
	createVolumes(t, class, 3)
	t.Cleanup(func() {
		_, _ = kubectl("delete", "namespace", ns, "--wait=false")
	})
	p := newProject(t, ns, map[string]string{
		"createNamespace": "true", "processes": "3",
		"recovery": "true", "recoveryPartitions": "6", "recoveryStorageClass": class,
	})
	p.destroyOnCleanup()
	p.up()
	requireRolledOut(t, ns, "my-dataflow", 3)
	claims := claimUIDs(t, ns, 3)
	for i := range 3 {
		assert.Contains(t, claims, fmt.Sprintf("recovery-my-dataflow-%d", i))
	}
	pod := get(t, "-n", ns, "pod", "my-dataflow-0")
	assert.Equal(t, "init-recovery", field(pod, "spec", "initContainers", 1, "name"))
	assert.Equal(t, map[string]any{"partitions": "6", "holders": "3", "layout": "perProcess", "size": "1Gi", "storageClassName": class, "accessMode": "ReadWriteOnce"},
		field(get(t, "-n", ns, "configmap", "my-dataflow-recovery"), "data"), "the dataflow has run with recovery")
	outputs, err := p.stack.Outputs(context.Background())
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"partitions": 6.0, "holders": 3.0, "layout": "perProcess", "size": "1Gi", "storageClassName": class, "accessMode": "ReadWriteOnce", "namespace": ns}, outputs["recovery"].Value)

	// A second up reads the first one's outputs and changes nothing.
	p.requireNoChanges()
	p.up()
	assert.Equal(t, claims, claimUIDs(t, ns, 3))

	// A restarted process gets its own claim back.
	podUID := field(get(t, "-n", ns, "pod", "my-dataflow-1"), "metadata", "uid")
	_, err = kubectl("-n", ns, "delete", "pod", "my-dataflow-1", "--wait=true")
	require.NoError(t, err)
	waitRolledOut(t, ns, "my-dataflow", 3)
	assert.NotEqual(t, podUID, field(get(t, "-n", ns, "pod", "my-dataflow-1"), "metadata", "uid"), "the process was restarted")
	assert.Equal(t, claims, claimUIDs(t, ns, 3))
	assert.Equal(t, "recovery-my-dataflow-1", field(get(t, "-n", ns, "pod", "my-dataflow-1"), "spec", "volumes", 0, "persistentVolumeClaim", "claimName"))

	// New code replaces the StatefulSet and never a claim.
	before := requireRolledOut(t, ns, "my-dataflow", 3)
	code, err := os.ReadFile(filepath.Join(p.dir, "dataflows", "basic", "basic.py"))
	require.NoError(t, err)
	p.writeFile("dataflows/basic/basic.py", string(code)+"\n# recovered\n")
	p.up()
	after := requireRolledOut(t, ns, "my-dataflow", 3)
	assert.NotEqual(t, before.revision, after.revision)
	assert.Equal(t, claims, claimUIDs(t, ns, 3), "an innocent change never replaces a volume")

	// Another partition count is refused before anything is applied.
	stsUID := field(get(t, "-n", ns, "statefulset", "my-dataflow"), "metadata", "uid")
	p.setConfig(map[string]string{"recoveryPartitions": "8"})
	var out bytes.Buffer
	_, err = p.stack.Up(context.Background(), optup.ProgressStreams(&out), optup.ErrorProgressStreams(&out))
	require.Error(t, err)
	assert.Contains(t, out.String(), "bytewax:recoveryPartitions: must stay 6, the count the recovery partitions were created with")
	assert.Equal(t, stsUID, field(get(t, "-n", ns, "statefulset", "my-dataflow"), "metadata", "uid"), "nothing applied")
	assert.Equal(t, "6", field(get(t, "-n", ns, "configmap", "my-dataflow-recovery"), "data", "partitions"))
	p.setConfig(map[string]string{"recoveryPartitions": "6"})

	// Destroy leaves the claims, and the namespace that holds them.
	p.destroy()
	assert.False(t, exists(t, "-n", ns, "statefulset", "my-dataflow"))
	assert.Equal(t, claims, claimUIDs(t, ns, 3), "the state survives destroy")
	assert.Equal(t, "Active", field(get(t, "namespace", ns), "status", "phase"))
}

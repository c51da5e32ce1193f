package status

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeKubectl answers kubectl's get commands from canned JSON, by resource.
func fakeKubectl(t *testing.T, byResource map[string]string) Kubectl {
	return func(args ...string) ([]byte, error) {
		require.Equal(t, []string{"-o", "json"}, args[len(args)-2:], "asks for JSON")
		for i, a := range args {
			if a == "get" {
				if out, ok := byResource[args[i+1]]; ok {
					return []byte(out), nil
				}
				return []byte(`{"items": []}`), nil
			}
		}
		return nil, fmt.Errorf("unexpected kubectl %v", args)
	}
}

const now = "2026-11-26T10:00:00Z"

func TestFromOutputs(t *testing.T) {
	tests := []struct {
		name    string
		outputs map[string]any
		want    []Dataflow
		err     string
	}{
		{"one dataflow", map[string]any{"namespace": "bytewax", "statefulSet": "my-dataflow"}, []Dataflow{{Name: "my-dataflow", Namespace: "bytewax"}}, ""},
		{"a list, sorted", map[string]any{"dataflows": map[string]any{
			"orders": map[string]any{"namespace": "b", "statefulSet": "orders"},
			"audit":  map[string]any{"namespace": "c", "statefulSet": "audit"},
			"clicks": map[string]any{"namespace": "b", "statefulSet": "clicks"},
		}}, []Dataflow{{Name: "clicks", Namespace: "b"}, {Name: "orders", Namespace: "b"}, {Name: "audit", Namespace: "c"}}, ""},
		{"a batch", map[string]any{"namespace": "b", "configMap": "orders", "batch": map[string]any{"run": "7", "job": "orders-7"}},
			[]Dataflow{{Name: "orders", Namespace: "b", Job: "orders-7"}}, ""},
		{"not deployed", map[string]any{}, nil, "has it been deployed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FromOutputs(tt.outputs)
			if tt.err != "" {
				require.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestRollouts(t *testing.T) {
	tests := []struct {
		name, status string
		generation   int
		want         string
	}{
		{"complete", `{"observedGeneration": 2, "readyReplicas": 3, "updatedReplicas": 3, "currentRevision": "r2", "updateRevision": "r2"}`, 2, "complete"},
		{"unseen change", `{"observedGeneration": 1, "readyReplicas": 3, "updatedReplicas": 3, "currentRevision": "r1", "updateRevision": "r1"}`, 2, "in progress (change not yet seen by the controller)"},
		{"new revision rolling", `{"observedGeneration": 2, "readyReplicas": 2, "updatedReplicas": 1, "currentRevision": "r1", "updateRevision": "r2"}`, 2, "in progress (1/3 on the new revision)"},
		{"a process not ready", `{"observedGeneration": 2, "readyReplicas": 2, "updatedReplicas": 3, "currentRevision": "r2", "updateRevision": "r2"}`, 2, "complete, 1 not ready"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sts := fmt.Sprintf(`{"items": [{"metadata": {"generation": %d}, "spec": {"replicas": 3}, "status": %s}]}`, tt.generation, tt.status)
			reports, err := Collect(fakeKubectl(t, map[string]string{"statefulsets": sts}), []Dataflow{{Name: "orders", Namespace: "data"}})
			require.NoError(t, err)
			assert.Equal(t, tt.want, reports[0].Rollout)
		})
	}
}

func TestAReportOfPodsClaimsAndTheLatestWarnings(t *testing.T) {
	var events []string
	for i := range 7 {
		events = append(events, fmt.Sprintf(`{"involvedObject": {"kind": "Pod", "name": "orders-1"}, "reason": "BackOff%d", "message": "m%d ", "count": 2, "lastTimestamp": "2026-11-26T09:5%d:00Z"}`, i, i, i))
	}
	events = append(events,
		`{"involvedObject": {"kind": "Pod", "name": "other-0"}, "reason": "NotOurs", "lastTimestamp": "2026-11-26T09:59:59Z"}`,
		`{"involvedObject": {"kind": "StatefulSet", "name": "orders"}, "reason": "FailedCreate", "message": "quota", "eventTime": "2026-11-26T09:59:30.000000Z", "series": {"count": 4, "lastObservedTime": "2026-11-26T09:59:50.000000Z"}}`,
	)
	kubectl := fakeKubectl(t, map[string]string{
		"statefulsets": `{"items": [{"metadata": {"generation": 1}, "spec": {"replicas": 2}, "status": {"observedGeneration": 1, "readyReplicas": 1, "updatedReplicas": 2, "currentRevision": "orders-abc", "updateRevision": "orders-abc"}}]}`,
		"pods": `{"items": [
			{"metadata": {"name": "orders-1", "labels": {"controller-revision-hash": "orders-abc"}}, "spec": {"nodeName": "n2"}, "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "False"}], "containerStatuses": [{"name": "process", "restartCount": 4}]}},
			{"metadata": {"name": "orders-0", "labels": {"controller-revision-hash": "orders-abc"}}, "spec": {"nodeName": "n1"}, "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}}
		]}`,
		"persistentvolumeclaims": `{"items": [
			{"metadata": {"name": "recovery-orders-1"}, "status": {"phase": "Pending"}},
			{"metadata": {"name": "recovery-orders-0"}, "status": {"phase": "Bound", "capacity": {"storage": "1Gi"}}}
		]}`,
		"events": `{"items": [` + strings.Join(events, ",") + `]}`,
	})
	reports, err := Collect(kubectl, []Dataflow{{Name: "orders", Namespace: "data"}})
	require.NoError(t, err)
	r := reports[0]
	assert.Equal(t, []Pod{
		{Name: "orders-0", Phase: "Running", Node: "n1", Revision: "orders-abc", Ready: true},
		{Name: "orders-1", Phase: "Running", Node: "n2", Revision: "orders-abc", Restarts: 4},
	}, r.Pods)
	assert.Equal(t, []Claim{{"recovery-orders-0", "Bound", "1Gi"}, {"recovery-orders-1", "Pending", ""}}, r.Claims)
	require.Len(t, r.Warnings, maxWarnings, "the latest few")
	assert.Equal(t, Event{Object: "StatefulSet/orders", Reason: "FailedCreate", Message: "quota", Count: 4,
		Last: time.Date(2026, 11, 26, 9, 59, 50, 0, time.UTC)}, r.Warnings[0], "the newest first, a series' last time and count")
	assert.Equal(t, "BackOff6", r.Warnings[1].Reason)
	for _, w := range r.Warnings {
		assert.NotEqual(t, "NotOurs", w.Reason, "another dataflow's events are left out")
	}

	var out bytes.Buffer
	at, _ := time.Parse(time.RFC3339, now)
	require.NoError(t, Print(&out, reports, at))
	text := out.String()
	assert.Regexp(t, `orders\s+data\s+1/2\s+orders-abc\s+complete, 1 not ready\s+1 Bound, 1 Pending`, text)
	assert.Regexp(t, `orders-1\s+Running\s+false\s+4\s+orders-abc\s+n2`, text)
	assert.Contains(t, text, "warning 10s ago, StatefulSet/orders: FailedCreate: quota (x4)")
}

func TestAMissingStatefulSetIsSaid(t *testing.T) {
	reports, err := Collect(fakeKubectl(t, nil), []Dataflow{{Name: "orders", Namespace: "data"}})
	require.NoError(t, err)
	var out bytes.Buffer
	require.NoError(t, Print(&out, reports, time.Now()))
	assert.Contains(t, out.String(), "no StatefulSet (not created yet, or being replaced)")
	assert.Contains(t, out.String(), "no pods")
}

func TestLogsArgsFollowEveryProcess(t *testing.T) {
	assert.Equal(t, []string{"-n", "data", "logs", "-l", "app.kubernetes.io/name=bytewax,app.kubernetes.io/instance=orders",
		"-c", "process", "--prefix", "--timestamps", "--max-log-requests", "12", "-f"}, LogsArgs(Dataflow{Name: "orders", Namespace: "data"}, 12, true))
	assert.NotContains(t, LogsArgs(Dataflow{Name: "orders", Namespace: "data"}, 0, false), "-f")
	assert.Contains(t, LogsArgs(Dataflow{Name: "orders", Namespace: "data"}, 0, false), "1", "at least one stream")
}

func TestABatchShowsItsJob(t *testing.T) {
	tests := []struct{ name, status, want string }{
		{"running", `{"active": 2, "succeeded": 1, "ready": 2}`, "batch running (2 active, 1 succeeded, 0 failed)"},
		{"complete", `{"succeeded": 3, "conditions": [{"type": "Complete", "status": "True"}]}`, "batch complete (3 succeeded)"},
		{"failed", `{"failed": 6, "conditions": [{"type": "Failed", "status": "True", "reason": "MaxFailedIndexesExceeded", "message": "too many"}]}`, "batch failed (MaxFailedIndexesExceeded: too many)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var asked []string
			kubectl := func(args ...string) ([]byte, error) {
				asked = append(asked, strings.Join(args, " "))
				if strings.Contains(strings.Join(args, " "), "get jobs") {
					return []byte(`{"items": [{"spec": {"completions": 3}, "status": ` + tt.status + `}]}`), nil
				}
				return []byte(`{"items": []}`), nil
			}
			reports, err := Collect(kubectl, []Dataflow{{Name: "orders", Namespace: "data", Job: "orders-7"}})
			require.NoError(t, err)
			assert.Equal(t, tt.want, reports[0].Rollout)
			assert.Contains(t, strings.Join(asked, "\n"), "get pods -l app.kubernetes.io/name=bytewax,app.kubernetes.io/instance=orders,batch.kubernetes.io/job-name=orders-7")
		})
	}
	reports, err := Collect(func(args ...string) ([]byte, error) { return []byte(`{"items": []}`), nil }, []Dataflow{{Name: "orders", Namespace: "data", Job: "orders-7"}})
	require.NoError(t, err)
	var out bytes.Buffer
	require.NoError(t, Print(&out, reports, time.Now()))
	assert.Contains(t, out.String(), "no Job orders-7 (not created yet, or deleted after its TTL)")
}

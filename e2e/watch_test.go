package e2e

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// podEvent is one event of a watch of pods, in the API server's order.
type podEvent struct {
	Type, Name, UID, Revision string
}

// podWatch records the events of the pods of a namespace as the API server
// streams them: their order is the order of the changes, which creation
// timestamps, to the second, cannot give.
type podWatch struct {
	t    *testing.T
	cmd  *exec.Cmd
	mu   sync.Mutex
	out  bytes.Buffer
	done chan struct{}
}

type lockedWriter struct{ w *podWatch }

func (l lockedWriter) Write(p []byte) (int, error) {
	l.w.mu.Lock()
	defer l.w.mu.Unlock()
	return l.w.out.Write(p)
}

// watchPods starts watching the pods of a namespace and returns once the
// watch has listed the pods there are, at least one.
func watchPods(t *testing.T, namespace string) *podWatch {
	t.Helper()
	w := &podWatch{t: t, done: make(chan struct{})}
	w.cmd = exec.Command("kubectl", "--kubeconfig", kubeconfig, "-n", namespace, "get", "pods",
		"--watch", "--output-watch-events", "-o", "json")
	w.cmd.Stdout = lockedWriter{w}
	require.NoError(t, w.cmd.Start())
	go func() { _ = w.cmd.Wait(); close(w.done) }()
	t.Cleanup(func() { _ = w.cmd.Process.Kill() })
	eventually(t, 30*time.Second, "the watch to list the pods", func() bool { return len(w.events()) > 0 })
	return w
}

func (w *podWatch) events() []podEvent {
	w.mu.Lock()
	raw := bytes.Clone(w.out.Bytes())
	w.mu.Unlock()
	var events []podEvent
	dec := json.NewDecoder(bytes.NewReader(raw))
	for {
		var e struct {
			Type   string         `json:"type"`
			Object map[string]any `json:"object"`
		}
		if err := dec.Decode(&e); errors.Is(err, io.EOF) || err != nil {
			// A partly written event ends what can be read so far.
			return events
		}
		rev, _ := field(e.Object, "metadata", "labels", "controller-revision-hash").(string)
		name, _ := field(e.Object, "metadata", "name").(string)
		uid, _ := field(e.Object, "metadata", "uid").(string)
		events = append(events, podEvent{Type: e.Type, Name: name, UID: uid, Revision: rev})
	}
}

// stop ends the watch and returns its events.
func (w *podWatch) stop() []podEvent {
	_ = w.cmd.Process.Kill()
	<-w.done
	return w.events()
}

// requireNoOverlap checks, from the order of the watch's events, that
// every pod of the old revision was gone before the first pod of the new
// revision was created: no old and new process ever ran side by side.
func requireNoOverlap(t *testing.T, events []podEvent, oldRevision, newRevision string, oldPods int) {
	t.Helper()
	require.NotEqual(t, oldRevision, newRevision)
	gone := map[string]int{}
	firstNew := -1
	for i, e := range events {
		switch {
		case e.Revision == oldRevision && e.Type == "DELETED":
			gone[e.UID] = i
		case e.Revision == newRevision && e.Type == "ADDED" && firstNew < 0:
			firstNew = i
		}
	}
	require.GreaterOrEqual(t, firstNew, 0, "the watch saw no pod of the new revision: %v", events)
	require.Len(t, gone, oldPods, "every old pod is deleted: %v", events)
	for uid, i := range gone {
		assert.Less(t, i, firstNew, "old pod %s was deleted after a new pod was created: %v", uid, events)
	}
}

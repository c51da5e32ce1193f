package e2e

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// podStop is how one pod of the real node stopped: when its dataflow
// container ended and with what exit code, and when the pod was gone,
// each as the watch saw it, from the moment the stop was asked for.
type podStop struct {
	ended, gone time.Duration
	exitCode    float64
	reason      string
}

// stopWatch watches the pods of a namespace and records, for each pod
// UID, how it stopped.
type stopWatch struct {
	mu    sync.Mutex
	since time.Time
	stops map[string]*podStop
	names map[string]string
	cmd   *exec.Cmd
	done  chan struct{}
}

func watchStops(t *testing.T, ns string) *stopWatch {
	t.Helper()
	w := &stopWatch{stops: map[string]*podStop{}, names: map[string]string{}, done: make(chan struct{})}
	w.cmd = exec.Command("kubectl", "--kubeconfig", kubeconfig, "-n", ns, "get", "pods", "--watch", "--output-watch-events", "-o", "json")
	out, err := w.cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, w.cmd.Start())
	t.Cleanup(func() { _ = w.cmd.Process.Kill() })
	go w.read(out)
	return w
}

func (w *stopWatch) read(out io.Reader) {
	defer close(w.done)
	dec := json.NewDecoder(bufio.NewReader(out))
	for {
		var e struct {
			Type   string         `json:"type"`
			Object map[string]any `json:"object"`
		}
		if dec.Decode(&e) != nil {
			return
		}
		w.mu.Lock()
		if !w.since.IsZero() {
			at := time.Since(w.since)
			uid, _ := field(e.Object, "metadata", "uid").(string)
			s := w.stops[uid]
			if s == nil {
				s = &podStop{exitCode: -1}
				w.stops[uid] = s
				w.names[uid], _ = field(e.Object, "metadata", "name").(string)
			}
			statuses, _ := field(e.Object, "status", "containerStatuses").([]any)
			for _, c := range statuses {
				if code, ok := field(c, "state", "terminated", "exitCode").(float64); ok && field(c, "name") == "process" && s.ended == 0 {
					s.ended, s.exitCode = at, code
					s.reason, _ = field(c, "state", "terminated", "reason").(string)
				}
			}
			if e.Type == "DELETED" {
				s.gone = at
			}
		}
		w.mu.Unlock()
	}
}

// start marks the moment the stop is asked for.
func (w *stopWatch) start() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.since = time.Now()
}

// gone returns how the pods named stopped, once all are gone.
func (w *stopWatch) gone(t *testing.T, names ...string) map[string]podStop {
	t.Helper()
	var out map[string]podStop
	eventually(t, 60*time.Second, "the pods to be gone: "+strings.Join(names, ", "), func() bool {
		w.mu.Lock()
		defer w.mu.Unlock()
		out = map[string]podStop{}
		for uid, s := range w.stops {
			if s.gone > 0 {
				out[w.names[uid]] = *s
			}
		}
		for _, n := range names {
			if _, ok := out[n]; !ok {
				return false
			}
		}
		return true
	})
	return out
}

// TestRealNodeStopping measures how real Bytewax processes stop on the
// real node, with the component's defaults (a grace period of 10 s), and
// checks what docs/real-node.md reports (Bytewax 0.21.1): when new code
// replaces the StatefulSet, every process of a formed cluster ends on its
// SIGTERM within a second or two (KeyboardInterrupt, exit code 130); a
// process deleted alone does not act on its SIGTERM while its peers run,
// and is killed at the grace period's end.
func TestRealNodeStopping(t *testing.T) {
	requireRealNode(t)
	const ns = "e2e-real-stop"
	p := newProject(t, ns, nil)
	p.onRealNode()
	p.destroyOnCleanup()
	p.up()
	requireRolledOut(t, ns, "my-dataflow", 3)
	grace := field(get(t, "-n", ns, "statefulset", "my-dataflow"), "spec", "template", "spec", "terminationGracePeriodSeconds").(float64)
	require.EqualValues(t, 10, grace)
	pods := []string{"my-dataflow-0", "my-dataflow-1", "my-dataflow-2"}
	// formed waits until every process of the current containers prints:
	// the cluster has formed (a process that still waits for its peers
	// checks no signal at all).
	formed := func(t *testing.T, marker string) {
		t.Helper()
		waitRolledOut(t, ns, "my-dataflow", 3)
		eventually(t, 90*time.Second, "output from every process", func() bool {
			for _, pod := range pods {
				out, err := kubectl("-n", ns, "logs", pod, "-c", "process")
				if err != nil || !strings.Contains(out, marker) {
					return false
				}
			}
			return true
		})
	}
	report := func(t *testing.T, stops map[string]podStop) {
		t.Helper()
		for name, s := range stops {
			t.Logf("%s: the process ended %.2f s after the stop (exit code %v, %s), the pod was gone after %.2f s",
				name, s.ended.Seconds(), s.exitCode, s.reason, s.gone.Seconds())
		}
	}
	stopsPromptly := func(t *testing.T, name string, s podStop) {
		t.Helper()
		assert.EqualValues(t, 130, s.exitCode, "%s ended with KeyboardInterrupt, not killed", name)
		assert.Less(t, s.ended.Seconds(), 3.0, "%s ended within seconds of its SIGTERM", name)
	}

	t.Run("new code replaces every process", func(t *testing.T) {
		formed(t, "<dance>")
		w := watchStops(t, ns)
		time.Sleep(time.Second)
		p.writeFile("dataflows/basic/basic.py", readProjectFile(t, p, "dataflows/basic/basic.py")+"\n# new code\n")
		w.start()
		p.up()
		stops := w.gone(t, pods...)
		report(t, stops)
		for name, s := range stops {
			stopsPromptly(t, name, s)
		}
	})

	t.Run("a process deleted alone", func(t *testing.T) {
		formed(t, "<dance>")
		w := watchStops(t, ns)
		time.Sleep(time.Second)
		w.start()
		_, err := kubectl("-n", ns, "delete", "pod", "my-dataflow-1", "--wait=false")
		require.NoError(t, err)
		stops := w.gone(t, "my-dataflow-1")
		report(t, stops)
		s := stops["my-dataflow-1"]
		assert.EqualValues(t, 137, s.exitCode, "Bytewax 0.21.1: a process acts on SIGTERM only once every process has one")
		assert.GreaterOrEqual(t, s.ended.Seconds(), grace-1, "killed at the grace period's end")
	})
}

func readProjectFile(t *testing.T, p *project, rel string) string {
	t.Helper()
	out, err := os.ReadFile(filepath.Join(p.dir, rel))
	require.NoError(t, err)
	return string(out)
}

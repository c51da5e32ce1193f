package e2e

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// createLocalVolumes makes n local PersistentVolumes on the real node, of a
// storage class of their own, each a fresh folder of the node's, and
// returns the folders. Local volumes, unlike hostPath ones, take the pod's
// fsGroup, as most real storage does: the recovery volume's writability
// check then sees what a cluster gives it.
func createLocalVolumes(t *testing.T, class string, n int) []string {
	t.Helper()
	var dirs []string
	for i := range n {
		dir := filepath.Join(repoRoot, ".cluster", "node", "volumes", fmt.Sprintf("%s-%d", class, i))
		require.NoError(t, os.RemoveAll(dir))
		require.NoError(t, os.MkdirAll(dir, 0o755))
		dirs = append(dirs, dir)
	}
	applyVolumes(t, class, n, func(i int) string {
		return fmt.Sprintf(`local:
    path: %s
  nodeAffinity:
    required:
      nodeSelectorTerms:
      - matchExpressions:
        - key: kubernetes.io/hostname
          operator: In
          values: [%s]
`, dirs[i], realNodeName)
	})
	t.Cleanup(func() {
		for _, dir := range dirs {
			_ = os.RemoveAll(dir)
		}
	})
	return dirs
}

// countLine is one line of the counting dataflow's output
// (e2e/testdata/counting): an item's partition and index, and the running
// count of its key once the item was counted.
type countLine struct {
	partition  string
	index, cnt int
	// run numbers a file's runs from 0; latest is its last run.
	run    int
	latest bool
	where  string
}

// countingOutput reads every line the counting dataflow wrote to the
// recovery volumes, over all its runs: each worker's file starts a run with
// a "start" line. runs is the most runs a file has.
func countingOutput(t *testing.T, dirs []string) (lines []countLine, runs int) {
	t.Helper()
	for _, dir := range dirs {
		files, err := filepath.Glob(filepath.Join(dir, "e2e-output-*.log"))
		require.NoError(t, err)
		for _, file := range files {
			raw, err := os.ReadFile(file)
			require.NoError(t, err)
			first := len(lines)
			run := -1
			scanner := bufio.NewScanner(bytes.NewReader(raw))
			for n := 1; scanner.Scan(); n++ {
				text := scanner.Text()
				if text == "start" {
					run++
					runs = max(runs, run+1)
					continue
				}
				f := strings.Fields(text)
				if len(f) != 4 {
					continue // a line cut short by a kill
				}
				index, err1 := strconv.Atoi(f[1])
				cnt, err2 := strconv.Atoi(f[3])
				require.NoError(t, err1, "%s:%d", file, n)
				require.NoError(t, err2, "%s:%d", file, n)
				lines = append(lines, countLine{partition: f[0], index: index, cnt: cnt, run: run,
					where: fmt.Sprintf("%s:%d", filepath.Base(file), n)})
			}
			for i := first; i < len(lines); i++ {
				lines[i].latest = lines[i].run == run
			}
		}
	}
	return lines, runs
}

// requireCountsResumed checks the counting dataflow's output over all its
// runs so far: every count is what one uninterrupted run gives at the
// item's position (index // 3 + 1), and each partition's indexes run from 0
// without a gap (items may repeat after a restart, from the last snapshot
// on, but none is skipped). It returns, per partition, the first index of
// the latest runs (of each file), and the last index of the runs before.
func requireCountsResumed(t *testing.T, dirs []string) (firstOfLatest, lastBefore map[string]int) {
	t.Helper()
	lines, _ := countingOutput(t, dirs)
	require.NotEmpty(t, lines)
	seen := map[string]map[int]bool{}
	firstOfLatest, lastBefore = map[string]int{}, map[string]int{}
	for _, l := range lines {
		require.Equal(t, l.index/3+1, l.cnt, "%s: the count of item %d of %s is what an uninterrupted run gives", l.where, l.index, l.partition)
		if seen[l.partition] == nil {
			seen[l.partition] = map[int]bool{}
		}
		seen[l.partition][l.index] = true
		if l.latest {
			if first, ok := firstOfLatest[l.partition]; !ok || l.index < first {
				firstOfLatest[l.partition] = l.index
			}
		} else {
			lastBefore[l.partition] = max(lastBefore[l.partition], l.index)
		}
	}
	require.Len(t, seen, 3, "all three partitions were read")
	for partition, indexes := range seen {
		keys := make([]int, 0, len(indexes))
		for i := range indexes {
			keys = append(keys, i)
		}
		sort.Ints(keys)
		for i, index := range keys {
			require.Equal(t, i, index, "partition %s: no item is skipped (item %d follows %d)", partition, index, i-1)
		}
	}
	return firstOfLatest, lastBefore
}

// countedSoFar is the highest index the counting dataflow wrote, over all
// partitions and runs. Below it, between two runs, an item may be missing
// for a while: the items of the epoch a stop cut short, which the next run
// counts again.
func countedSoFar(t *testing.T, dirs []string) int {
	t.Helper()
	lines, _ := countingOutput(t, dirs)
	highest := 0
	for _, l := range lines {
		highest = max(highest, l.index)
	}
	return highest
}

// waitCountingRun waits until the counting dataflow has started at least
// runs times and its latest runs have counted past index minIndex in every
// partition.
func waitCountingRun(t *testing.T, dirs []string, runs, minIndex int) {
	t.Helper()
	eventually(t, 120*time.Second, fmt.Sprintf("run %d of the counting dataflow past item %d", runs, minIndex), func() bool {
		lines, got := countingOutput(t, dirs)
		if got < runs {
			return false
		}
		past := map[string]bool{}
		for _, l := range lines {
			if l.latest && l.index >= minIndex {
				past[l.partition] = true
			}
		}
		return len(past) == 3
	})
}

// TestRealNodeRecovery runs a stateful dataflow with recovery (a claim per
// process, on local volumes of the real node) and restarts every process in
// each way a user does: new code, pods deleted by hand, and destroy
// followed by up. Each time the processes resume from the last snapshot:
// the counts go on from the input's position, never from zero, and no item
// is skipped. A partition count change is refused before anything is
// applied, and a lost volume stops its process with the reason.
func TestRealNodeRecovery(t *testing.T) {
	requireRealNode(t)
	const ns, class = "e2e-real-recovery", "e2e-real-recovery"
	dirs := createLocalVolumes(t, class, 3)
	t.Cleanup(func() { _, _ = kubectl("delete", "namespace", ns, "--wait=false") })
	p := newProject(t, ns, map[string]string{
		"createNamespace": "true", "processes": "3",
		"directory": "dataflows/counting", "pythonFile": "counting.py",
		"recovery": "true", "recoveryPartitions": "3", "recoveryStorageClass": class,
		"recoverySnapshotInterval": "1",
	})
	code, err := os.ReadFile(filepath.Join(repoRoot, "e2e", "testdata", "counting", "counting.py"))
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(filepath.Join(p.dir, "dataflows", "counting"), 0o755))
	p.writeFile("dataflows/counting/counting.py", string(code))
	p.onRealNode()
	p.destroyOnCleanup()

	p.up()
	requireRolledOut(t, ns, "my-dataflow", 3)
	waitCountingRun(t, dirs, 1, 30)
	requireCountsResumed(t, dirs)

	// requireResumed waits for run `runs` to count past where the runs
	// before it got to, then checks that it resumed: it starts after item 0
	// (from a snapshot), at most one item after where the runs before it
	// got to, and with nothing skipped.
	requireResumed := func(t *testing.T, runs int) {
		t.Helper()
		waitRolledOut(t, ns, "my-dataflow", 3)
		waitCountingRun(t, dirs, runs, countedSoFar(t, dirs)+20)
		first, last := requireCountsResumed(t, dirs)
		for _, partition := range []string{"p0", "p1", "p2"} {
			assert.Greater(t, first[partition], 0, "%s resumed from a snapshot, not from the start", partition)
			assert.LessOrEqual(t, first[partition], last[partition]+1, "%s skipped nothing", partition)
		}
	}

	t.Run("new code", func(t *testing.T) {
		p.writeFile("dataflows/counting/counting.py", string(code)+"\n# new code\n")
		p.up()
		requireResumed(t, 2)
	})

	t.Run("every pod deleted by hand", func(t *testing.T) {
		_, err := kubectl("-n", ns, "delete", "pods", "-l", "app.kubernetes.io/instance=my-dataflow", "--wait=true")
		require.NoError(t, err)
		requireResumed(t, 3)
	})

	t.Run("destroy, then up", func(t *testing.T) {
		p.destroy()
		assert.False(t, exists(t, "-n", ns, "statefulset", "my-dataflow"))
		p.up()
		requireResumed(t, 4)
	})

	t.Run("another partition count is refused before anything is applied", func(t *testing.T) {
		stsUID := field(get(t, "-n", ns, "statefulset", "my-dataflow"), "metadata", "uid")
		p.setConfig(map[string]string{"recoveryPartitions": "4"})
		var out bytes.Buffer
		_, err := p.stack.Up(context.Background(), optup.ProgressStreams(&out), optup.ErrorProgressStreams(&out))
		require.Error(t, err)
		assert.Contains(t, out.String(), "bytewax:recoveryPartitions: must stay 3")
		assert.Equal(t, stsUID, field(get(t, "-n", ns, "statefulset", "my-dataflow"), "metadata", "uid"), "nothing applied")
		p.setConfig(map[string]string{"recoveryPartitions": "3"})
	})

	t.Run("a lost volume stops its process with the reason", func(t *testing.T) {
		volume := field(get(t, "-n", ns, "persistentvolumeclaim", "recovery-my-dataflow-1"), "spec", "volumeName").(string)
		dir := dirs[slicesIndex(t, volume, class)]
		entries, err := os.ReadDir(dir)
		require.NoError(t, err)
		for _, e := range entries {
			require.NoError(t, os.RemoveAll(filepath.Join(dir, e.Name())))
		}
		_, err = kubectl("-n", ns, "delete", "pod", "my-dataflow-1", "--wait=true")
		require.NoError(t, err)
		eventually(t, 60*time.Second, "the recovery init-container of my-dataflow-1 to fail", func() bool {
			statuses, _ := field(get(t, "-n", ns, "pod", "my-dataflow-1"), "status", "initContainerStatuses").([]any)
			for _, s := range statuses {
				if field(s, "name") == "init-recovery" {
					code, _ := field(s, "lastState", "terminated", "exitCode").(float64)
					now, _ := field(s, "state", "terminated", "exitCode").(float64)
					return code == 1 || now == 1
				}
			}
			return false
		})
		logs, err := kubectl("-n", ns, "logs", "my-dataflow-1", "-c", "init-recovery")
		if err != nil {
			logs, err = kubectl("-n", ns, "logs", "my-dataflow-1", "-c", "init-recovery", "--previous")
		}
		require.NoError(t, err)
		assert.Contains(t, logs, "the volume of process 1 was lost or replaced")
		assert.False(t, podReadyNow(t, ns, "my-dataflow-1"))
	})
}

// slicesIndex is the index of a volume of createLocalVolumes, from its name.
func slicesIndex(t *testing.T, volume, class string) int {
	t.Helper()
	i, err := strconv.Atoi(strings.TrimPrefix(volume, class+"-"))
	require.NoError(t, err, "volume %s", volume)
	return i
}

package e2e

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pulumi-bytewax/pulumi-bytewax/internal/deploy"
)

// The real node that scripts/node.sh starts beside the kwok nodes, and how
// pods get there: they tolerate its taint and select its label.
const (
	realNodeName  = "bytewax-real-node"
	realNodeLabel = deploy.RealNodeLabel
	realNodeChain = "PULUMI-BYTEWAX-FORWARD"
	realNodeInput = "PULUMI-BYTEWAX-INPUT"
)

// realImages are the images the real node imported, by role: "pause",
// "init" and "bytewax".
func realImages(t *testing.T) map[string]string {
	t.Helper()
	images, err := deploy.RealNodeImages(repoRoot)
	require.NoError(t, err)
	return images
}

// requireRealNode fails, never skips, when the real node is not Ready: a
// machine that cannot run it fails the tests that need it.
func requireRealNode(t *testing.T) {
	t.Helper()
	requireE2E(t)
	node := get(t, "node", realNodeName)
	ready := false
	for _, c := range field(node, "status", "conditions").([]any) {
		if field(c, "type") == "Ready" {
			ready = field(c, "status") == "True"
		}
	}
	require.True(t, ready, "the real node %s is Ready", realNodeName)
}

// onRealNode sets a project's stack to run on the real node, as
// `make up REAL=1` does: the local images and the node's toleration and
// selector, through the component's own keys.
func (p *project) onRealNode() {
	p.t.Helper()
	path := filepath.Join(p.dir, "Pulumi.dev.yaml")
	raw, err := os.ReadFile(path)
	require.NoError(p.t, err)
	raw, err = deploy.WithRealNode(raw, realImages(p.t))
	require.NoError(p.t, err)
	require.NoError(p.t, os.WriteFile(path, raw, 0o644))
}

// podLogs returns a pod's logs, of its dataflow container.
func podLogs(t *testing.T, namespace, pod string) string {
	t.Helper()
	out, err := kubectl("-n", namespace, "logs", pod, "-c", "process")
	require.NoError(t, err)
	return out
}

// dataflowAPI asks a process's dataflow API, from the host, which reaches
// the pods on the node's bridge.
func dataflowAPI(podIP string) (map[string]any, error) {
	client := http.Client{Timeout: 3 * time.Second}
	resp, err := client.Get(fmt.Sprintf("http://%s:3030/dataflow", podIP))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %s: %s", resp.Status, body)
	}
	var flow map[string]any
	return flow, json.Unmarshal(body, &flow)
}

// podReadyNow reports a pod's Ready condition as the API server has it.
func podReadyNow(t *testing.T, namespace, pod string) bool {
	t.Helper()
	return podReady(get(t, "-n", namespace, "pod", pod))
}

// dataflowPID is the host's process id of the Python process of a pod's
// dataflow container on the real node: the process in the pod's cgroups
// whose program is Python.
func dataflowPID(t *testing.T, namespace, pod string) int {
	t.Helper()
	uid := field(get(t, "-n", namespace, "pod", pod), "metadata", "uid").(string)
	procs, err := filepath.Glob("/proc/[0-9]*")
	require.NoError(t, err)
	for _, proc := range procs {
		cgroup, err := os.ReadFile(filepath.Join(proc, "cgroup"))
		if err != nil || !strings.Contains(string(cgroup), "/pod"+uid+"/") {
			continue
		}
		if exe, err := os.Readlink(filepath.Join(proc, "exe")); err == nil && strings.Contains(filepath.Base(exe), "python3") {
			pid, err := strconv.Atoi(filepath.Base(proc))
			require.NoError(t, err)
			return pid
		}
	}
	t.Fatalf("no Python process in the cgroups of pod %s/%s (uid %s)", namespace, pod, uid)
	return 0
}

// signalDataflow sends a signal to the Python process of a pod's dataflow
// container, from the host: inside the pod, Python may be the first
// process of its PID namespace, which ignores SIGSTOP sent from there.
func signalDataflow(t *testing.T, namespace, pod string, signal syscall.Signal) {
	t.Helper()
	require.NoError(t, syscall.Kill(dataflowPID(t, namespace, pod), signal))
}

// TestRealNodeDevStack deploys the dev stack's settings to the real node
// and checks what the Bytewax processes do: they form one cluster, each
// serves its dataflow API and prints its share of the output, a pod's
// readiness follows its process, and new code replaces every process
// together, none of the old code running beside one of the new.
func TestRealNodeDevStack(t *testing.T) {
	requireRealNode(t)
	const ns = "e2e-real-dev"
	p := newProject(t, ns, nil)
	p.destroyOnCleanup()
	p.onRealNode()
	p.up()

	r := requireRolledOut(t, ns, "my-dataflow", 3)
	ips := map[string]string{}
	for _, pod := range r.pods {
		name := field(pod, "metadata", "name").(string)
		assert.Equal(t, realNodeName, field(pod, "spec", "nodeName"), "%s runs on the real node", name)
		ips[name] = field(pod, "status", "podIP").(string)
	}
	require.Len(t, ips, 3)

	t.Run("every process serves the dataflow API", func(t *testing.T) {
		for name, ip := range ips {
			flow, err := dataflowAPI(ip)
			require.NoError(t, err, "%s's dataflow API", name)
			assert.Equal(t, "basic", field(flow, "flow_id"), "%s runs the basic dataflow", name)
		}
	})

	t.Run("the cluster formed: every process prints its share", func(t *testing.T) {
		// basic.py spreads the numbers over every worker, so each process
		// prints some of them only if all three joined one cluster.
		eventually(t, 60*time.Second, "output from every process", func() bool {
			for name := range ips {
				if !strings.Contains(podLogs(t, ns, name), "<dance>") {
					return false
				}
			}
			return true
		})
		seen := map[string]string{}
		for name := range ips {
			scanner := bufio.NewScanner(strings.NewReader(podLogs(t, ns, name)))
			for scanner.Scan() {
				line := scanner.Text()
				if !strings.HasPrefix(line, "<dance>") {
					continue
				}
				other, dup := seen[line]
				assert.False(t, dup, "%s printed by %s and %s: each item goes to one worker", line, name, other)
				seen[line] = name
			}
		}
	})

	t.Run("readiness follows the process", func(t *testing.T) {
		pod := "my-dataflow-1"
		signalDataflow(t, ns, pod, syscall.SIGSTOP)
		eventually(t, 60*time.Second, pod+" to be NotReady while its process is stopped", func() bool {
			return !podReadyNow(t, ns, pod)
		})
		_, err := dataflowAPI(ips[pod])
		assert.Error(t, err, "a stopped process does not answer")
		signalDataflow(t, ns, pod, syscall.SIGCONT)
		eventually(t, 60*time.Second, pod+" to be Ready again", func() bool { return podReadyNow(t, ns, pod) })
	})

	t.Run("new code reaches every process together", func(t *testing.T) {
		before := waitRolledOut(t, ns, "my-dataflow", 3)
		code, err := os.ReadFile(filepath.Join(p.dir, "dataflows", "basic", "basic.py"))
		require.NoError(t, err)
		p.writeFile("dataflows/basic/basic.py", strings.ReplaceAll(string(code), "dance>", "tango>"))
		watch := watchPods(t, ns)
		p.up()
		after := requireRolledOut(t, ns, "my-dataflow", 3)
		requireNoOverlap(t, watch.stop(), before.revision, after.revision, 3)
		eventually(t, 60*time.Second, "the new code's output from every process", func() bool {
			for name := range ips {
				if !strings.Contains(podLogs(t, ns, name), "<tango>") {
					return false
				}
			}
			return true
		})
		for name := range ips {
			assert.NotContains(t, podLogs(t, ns, name), "<dance>", "%s runs the new code alone", name)
		}
	})
}

// TestRealNodeIsolation checks that nothing leaves the machine from a pod:
// the node's rules are in place, and a pod cannot connect to a listener in
// a network namespace outside the bridge, which the host itself reaches.
// Nothing is sent off the machine: the listener is the test's own.
func TestRealNodeIsolation(t *testing.T) {
	requireRealNode(t)
	rules, err := exec.Command("iptables", "-S", realNodeChain).CombinedOutput()
	require.NoError(t, err, "%s", rules)
	assert.Contains(t, string(rules), "-A "+realNodeChain+" -i bytewax0 ! -o bytewax0 -j DROP")
	assert.Contains(t, string(rules), "-A "+realNodeChain+" ! -i bytewax0 -o bytewax0 -j DROP")
	input, err := exec.Command("iptables", "-S", realNodeInput).CombinedOutput()
	require.NoError(t, err, "%s", input)
	assert.Contains(t, string(input), "-A "+realNodeInput+" -i bytewax0 -j DROP")
	nat, err := exec.Command("iptables", "-t", "nat", "-S").CombinedOutput()
	require.NoError(t, err, "%s", nat)
	assert.NotContains(t, string(nat), "MASQUERADE", "nothing is masqueraded")

	// Forwarding on, as a host running other containers has it: the rules,
	// not the kernel's default, must keep the pods in.
	forward, err := os.ReadFile("/proc/sys/net/ipv4/ip_forward")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile("/proc/sys/net/ipv4/ip_forward", []byte("1"), 0o644))
	t.Cleanup(func() { _ = os.WriteFile("/proc/sys/net/ipv4/ip_forward", forward, 0o644) })

	// The outside: a network namespace with its own address, routed from
	// the host, and a listener in it.
	const (
		netns     = "pulumi-bytewax-outside"
		hostSide  = "pbw-out-host"
		hostAddr  = "10.245.0.1"
		outerAddr = "10.245.0.2"
		port      = "18080"
	)
	run := func(args ...string) {
		t.Helper()
		out, err := exec.Command(args[0], args[1:]...).CombinedOutput()
		require.NoError(t, err, "%s: %s", strings.Join(args, " "), out)
	}
	_ = exec.Command("ip", "netns", "del", netns).Run()
	run("ip", "netns", "add", netns)
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", netns).Run() })
	run("ip", "link", "add", hostSide, "type", "veth", "peer", "name", "eth0", "netns", netns)
	t.Cleanup(func() { _ = exec.Command("ip", "link", "del", hostSide).Run() })
	run("ip", "addr", "add", hostAddr+"/30", "dev", hostSide)
	run("ip", "link", "set", hostSide, "up")
	run("ip", "netns", "exec", netns, "ip", "addr", "add", outerAddr+"/30", "dev", "eth0")
	run("ip", "netns", "exec", netns, "ip", "link", "set", "eth0", "up")
	run("ip", "netns", "exec", netns, "ip", "link", "set", "lo", "up")
	run("ip", "netns", "exec", netns, "ip", "route", "add", "default", "via", hostAddr)
	listener := exec.Command("ip", "netns", "exec", netns, "python3", "-m", "http.server", "--bind", outerAddr, port)
	require.NoError(t, listener.Start())
	t.Cleanup(func() { _ = listener.Process.Kill(); _ = listener.Wait() })
	url := "http://" + outerAddr + ":" + port + "/"
	eventually(t, 20*time.Second, "the host to reach the outside listener", func() bool {
		resp, err := (&http.Client{Timeout: time.Second}).Get(url)
		if err == nil {
			resp.Body.Close()
		}
		return err == nil
	})

	// From a pod on the real node: the cluster's DNS answers (the pod's
	// network works), and the outside listener cannot be reached.
	const ns = "e2e-real-isolation"
	_, _ = kubectl("create", "namespace", ns)
	t.Cleanup(func() { _, _ = kubectl("delete", "namespace", ns, "--wait=false") })
	// Python, from the Bytewax image, whose glibc resolves names as the
	// dataflows do; it tells a blocked connection (a time-out: the packets
	// are dropped) from any other failure.
	image := realImages(t)["bytewax"]
	probe := `import socket, sys
print("resolved", socket.gethostbyname("kubernetes.default.svc.cluster.local"))
try:
    socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5).close()
    print("REACHED")
except TimeoutError:
    print("BLOCKED")
`
	overrides, err := json.Marshal(map[string]any{"spec": map[string]any{
		"nodeSelector": map[string]any{realNodeLabel: "true"},
		"tolerations":  []any{map[string]any{"key": realNodeLabel, "operator": "Exists", "effect": "NoSchedule"}},
		"securityContext": map[string]any{
			"runAsNonRoot": true, "runAsUser": 10001, "seccompProfile": map[string]any{"type": "RuntimeDefault"},
		},
		"containers": []any{map[string]any{
			"name": "probe", "image": image, "imagePullPolicy": "IfNotPresent",
			"command": []any{"python3", "-c", probe, outerAddr, port},
			"securityContext": map[string]any{
				"allowPrivilegeEscalation": false, "capabilities": map[string]any{"drop": []any{"ALL"}},
			},
		}},
		"restartPolicy": "Never",
	}})
	require.NoError(t, err)
	out, err := kubectl("-n", ns, "run", "probe", "--image", image, "--restart", "Never", "--overrides", string(overrides))
	require.NoError(t, err, out)
	eventually(t, 90*time.Second, "the probe pod to finish", func() bool {
		phase := field(get(t, "-n", ns, "pod", "probe"), "status", "phase")
		return phase == "Succeeded" || phase == "Failed"
	})
	logs, err := kubectl("-n", ns, "logs", "probe")
	require.NoError(t, err)
	assert.Contains(t, logs, "resolved 10.0.0.1", "the pod resolves the cluster's names: %s", logs)
	assert.Contains(t, logs, "BLOCKED", "a pod cannot reach outside the bridge: %s", logs)
	assert.NotContains(t, logs, "REACHED")
}

// TestRealNodeSecretEnv checks that a secretEnv value reaches the Bytewax
// process, which prints a digest of it, and appears nowhere in plain text:
// not in the process's output, the StatefulSet or the stack's state.
func TestRealNodeSecretEnv(t *testing.T) {
	requireRealNode(t)
	const ns, secret = "e2e-real-secret", "s3cr3t-e2e-value"
	p := newProject(t, ns, map[string]string{
		"createNamespace": "true", "processes": "1",
		"directory": "dataflows/secret", "pythonFile": "secret.py",
	})
	code, err := os.ReadFile(filepath.Join(repoRoot, "e2e", "testdata", "secret", "secret.py"))
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(filepath.Join(p.dir, "dataflows", "secret"), 0o755))
	p.writeFile("dataflows/secret/secret.py", string(code))
	p.onRealNode()
	p.setSecretPath("secretEnv.E2E_SECRET", secret)
	p.destroyOnCleanup()
	p.up()
	digest := sha256.Sum256([]byte(secret))
	eventually(t, 90*time.Second, "the process to print the secret's digest", func() bool {
		out, err := kubectl("-n", ns, "logs", "my-dataflow-0", "-c", "process")
		return err == nil && strings.Contains(out, "E2E_SECRET sha256: "+hex.EncodeToString(digest[:]))
	})
	logs := podLogs(t, ns, "my-dataflow-0")
	assert.NotContains(t, logs, secret)
	sts, err := kubectl("-n", ns, "get", "statefulset", "my-dataflow", "-o", "json")
	require.NoError(t, err)
	assert.NotContains(t, sts, secret, "the StatefulSet refers to the Secret")
	assert.NotContains(t, p.export(), secret, "the stack's state holds the value encrypted")
}

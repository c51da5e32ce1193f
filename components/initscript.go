package components

import (
	"fmt"
	"strconv"
	"strings"
)

// Where the pod's volumes are mounted.
const (
	hostfileDir     = "/etc/bytewax"
	hostfilePath    = hostfileDir + "/hostfile.txt"
	workDir         = "/var/bytewax"
	pythonFilesDir  = "/tmp/bytewax"
	replicasEnvName = "BYTEWAX_REPLICAS"
)

// scriptPaths are the places the init-container script reads and writes;
// tests point them at temporary folders.
type scriptPaths struct {
	hostfile, source, workDir string
}

var podScriptPaths = scriptPaths{hostfile: hostfilePath, source: pythonFilesDir, workDir: workDir}

// peerAddress is the address of the process with the given ordinal: its
// pod's stable name under the headless Service. The ordinal is text so that
// the init-container script can pass a shell variable.
func peerAddress(statefulSet, service, namespace, clusterDomain string, port int, ordinal string) string {
	return fmt.Sprintf("%s-%s.%s.%s.svc.%s:%d", statefulSet, ordinal, service, namespace, clusterDomain, port)
}

// peerAddresses are the hostfile's lines, one per process.
func peerAddresses(statefulSet, service, namespace, clusterDomain string, port, processes int) []string {
	addrs := make([]string, processes)
	for i := range addrs {
		addrs[i] = peerAddress(statefulSet, service, namespace, clusterDomain, port, strconv.Itoa(i))
	}
	return addrs
}

// hostfileScript is the init-container's program. It writes one peer
// address per process (BYTEWAX_REPLICAS of them) to the hostfile, then puts
// the dataflow's files in the writable working directory: a plain copy of
// each ConfigMap key, or the tarball unpacked. It names the keys instead of
// copying the whole mount, which also holds the ConfigMap volume's hidden
// "..data" links.
func hostfileScript(s *dataflowSpec, namespace string, paths scriptPaths) string {
	var b strings.Builder
	fmt.Fprintf(&b, "set -eu\n")
	fmt.Fprintf(&b, "# One address per process: <pod>.<service>.<namespace>.svc.<domain>:<port>.\n")
	fmt.Fprintf(&b, ": > %s\n", paths.hostfile)
	fmt.Fprintf(&b, "i=0\n")
	fmt.Fprintf(&b, "while [ \"$i\" -lt \"$%s\" ]; do\n", replicasEnvName)
	fmt.Fprintf(&b, "  echo \"%s\" >> %s\n", peerAddress(s.podPrefix(), s.name, namespace, s.clusterDomain, s.port, "$i"), paths.hostfile)
	fmt.Fprintf(&b, "  i=$((i + 1))\n")
	fmt.Fprintf(&b, "done\n")
	fmt.Fprintf(&b, "# The dataflow's files, into the writable working directory.\n")
	if s.files.tarball {
		fmt.Fprintf(&b, "tar -xzf %s/%s -C %s\n", paths.source, tarballKey, paths.workDir)
	} else {
		for _, key := range s.files.keys() {
			fmt.Fprintf(&b, "cp %s/%s %s/%s\n", paths.source, key, paths.workDir, key)
		}
	}
	return b.String()
}

import * as pulumi from "@pulumi/pulumi";
import * as bytewax from "@pulumi-bytewax/bytewax";

const config = new pulumi.Config();
const namespace = config.get("namespace") ?? "bytewax-typescript";

// Creates the namespace, runs two processes and reads a secret from the
// stack's config (pulumi config set --secret apiToken VALUE).
const counter = new bytewax.BytewaxDataflow("counter", {
    name: "counter",
    namespace: namespace,
    createNamespace: true,
    processes: 2,
    // The YAML example's files, outside this program's folder.
    directory: "../yaml/dataflows",
    allowExternalDirectory: true,
    pythonFile: "counter.py:flow",
    env: [{ name: "API_TOKEN", value: config.requireSecret("apiToken") }],
    // Without a CPU limit: throttling one process stalls its peers.
    resources: {
        requests: { cpu: "250m", memory: "512Mi", "ephemeral-storage": "1Gi" },
        limits: { memory: "2Gi", "ephemeral-storage": "2Gi" },
    },
}, { version: "0.1.0" });

// Runs in the first dataflow's namespace, and so waits for it.
const doubler = new bytewax.BytewaxDataflow("doubler", {
    name: "doubler",
    namespace: counter.namespaceName,
    // The YAML example's files, outside this program's folder.
    directory: "../yaml/dataflows",
    allowExternalDirectory: true,
    pythonFile: "doubler.py:flow",
}, { version: "0.1.0" });

export const counterPeers = counter.peerAddresses;
export const doublerPeers = doubler.peerAddresses;
export const recoveryClaims = counter.recoveryClaimNames;

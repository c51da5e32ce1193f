"""The YAML example's two dataflows, from Python."""

import pulumi
import pulumi_bytewax as bytewax

config = pulumi.Config()
namespace = config.get("namespace") or "bytewax-python"

# Creates the namespace, runs two processes and reads a secret from the
# stack's config (pulumi config set --secret apiToken VALUE).
counter = bytewax.BytewaxDataflow(
    "counter",
    name="counter",
    namespace=namespace,
    create_namespace=True,
    processes=2,
    # The YAML example's files, outside this program's folder.
    directory="../yaml/dataflows",
    allow_external_directory=True,
    python_file="counter.py:flow",
    env=[bytewax.EnvVarArgs(name="API_TOKEN", value=config.require_secret("apiToken"))],
    # Without a CPU limit: throttling one process stalls its peers.
    resources=bytewax.ResourcesArgs(
        requests={"cpu": "250m", "memory": "512Mi", "ephemeral-storage": "1Gi"},
        limits={"memory": "2Gi", "ephemeral-storage": "2Gi"},
    ),
    opts=pulumi.ResourceOptions(version="0.1.0"),
)

# Runs in the first dataflow's namespace, and so waits for it.
doubler = bytewax.BytewaxDataflow(
    "doubler",
    name="doubler",
    namespace=counter.namespace_name,
    # The YAML example's files, outside this program's folder.
    directory="../yaml/dataflows",
    allow_external_directory=True,
    python_file="doubler.py:flow",
    opts=pulumi.ResourceOptions(version="0.1.0"),
)

pulumi.export("counterPeers", counter.peer_addresses)
pulumi.export("doublerPeers", doubler.peer_addresses)

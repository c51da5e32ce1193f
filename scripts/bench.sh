#!/usr/bin/env bash
# Measures deployments on the local cluster (its kwok nodes and its real
# node, which needs root: docs/real-node.md) and the component under mocks,
# and writes BENCHMARKS.md. Usage: scripts/bench.sh [runs]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PATH="$(scripts/tools.sh --print-path):$PATH"
export PULUMI_SKIP_UPDATE_CHECK=true
BYTEWAX_REAL_NODE=1 scripts/cluster.sh up
export KUBECONFIG=$root/.cluster/kubeconfig
go run ./scripts/bench -runs "${1:-5}" -out BENCHMARKS.md
echo "bench: wrote BENCHMARKS.md"

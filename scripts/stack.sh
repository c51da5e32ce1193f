#!/usr/bin/env bash
# Runs a Pulumi operation on a stack: up, preview, refresh, destroy or down.
#
# With a reachable cluster in the current kube context it deploys there;
# with none, it starts the project's local cluster (scripts/cluster.sh) and
# deploys to it. `down` destroys the stack, then stops the local cluster.
#
# Usage: scripts/stack.sh OPERATION [STACK]
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
op=${1:?usage: scripts/stack.sh up|preview|refresh|destroy|down [stack]}
stack=${2:-dev}
export PULUMI_SKIP_UPDATE_CHECK=true
cd "$root"

# A cluster of the user's own, reached with the user's kubectl, needs no
# local control plane, and none is built.
local_cluster=false
if [ -z "${BYTEWAX_LOCAL_CLUSTER:-}" ] && command -v kubectl >/dev/null &&
	kubectl version --request-timeout=5s >/dev/null 2>&1; then
	echo "stack: using the cluster of kube context $(kubectl config current-context)"
	tools=$("$root/scripts/tools.sh" --print-path --without-cluster)
	export PATH="${tools:+$tools:}$PATH"
else
	tools=$("$root/scripts/tools.sh" --print-path)
	export PATH="$tools:$PATH"
	local_cluster=true
	case "$op" in
	up | preview) scripts/cluster.sh up ;;
	*) scripts/cluster.sh status || { echo "stack: no cluster is running; nothing to $op"; exit 0; } ;;
	esac
	export KUBECONFIG=$root/.cluster/kubeconfig
fi

# The driver, built once for the operations below.
go build -o "$root/bin/stack" ./cmd/stack
run() { "$root/bin/stack" -stack "$stack" "$@"; }

case "$op" in
up)
	# up prints the stack's outputs; the pods are shown from two of them.
	run up
	namespace=$(run output namespace)
	statefulset=$(run output statefulSet)
	kubectl -n "$namespace" rollout status "statefulset/$statefulset" --timeout=5m
	kubectl -n "$namespace" get pods -l "app.kubernetes.io/instance=$statefulset" -o wide
	;;
preview | refresh | destroy)
	run "$op"
	;;
down)
	run destroy
	if $local_cluster; then scripts/cluster.sh down; fi
	;;
*)
	echo "usage: scripts/stack.sh up|preview|refresh|destroy|down [stack]" >&2
	exit 2
	;;
esac

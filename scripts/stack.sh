#!/usr/bin/env bash
# Runs an operation on a stack: up, preview, refresh, destroy, down, status
# or logs.
#
# With a reachable cluster in the current kube context it deploys there;
# with none, it starts the project's local cluster (scripts/cluster.sh) and
# deploys to it. `down` destroys the stack, then stops the local cluster.
#
# status shows each dataflow's processes, revision, rollout, claims and
# warnings; logs prints the logs of all processes of one dataflow (FOLLOW=1
# or FOLLOW=true follows them; 0, false or unset does not).
#
# up and preview refuse a stack without its Pulumi.<stack>.yaml: a mistyped
# name would otherwise deploy the project's defaults as a new stack.
#
# With BYTEWAX_REAL_NODE=1 (make up REAL=1), the local cluster gets its real
# node (scripts/node.sh: root, Debian packages, changes to the host's network
# that `down` undoes), and up, preview and refresh run the stack's pods there
# as real Bytewax processes, with the node's images: the stack file itself is
# left as it is.
#
# Usage: [BYTEWAX_REAL_NODE=1] scripts/stack.sh OPERATION [STACK] [DATAFLOW]
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
op=${1:?usage: scripts/stack.sh up|preview|refresh|destroy|down|status|logs [stack] [dataflow]}
stack=${2:-dev}
export PULUMI_SKIP_UPDATE_CHECK=true
cd "$root"
follow=()
if [ "$op" = logs ]; then
	case ${FOLLOW:-0} in
	1 | true) follow=(-f) ;;
	0 | false) ;;
	*)
		echo "stack: FOLLOW must be 1 or true to follow the logs, 0 or false not to (got \"$FOLLOW\")" >&2
		exit 2
		;;
	esac
fi
if [[ $op == up || $op == preview ]] && [ ! -f "Pulumi.$stack.yaml" ]; then
	stacks=$(for f in Pulumi.*.yaml; do f=${f#Pulumi.}; printf ' %s' "${f%.yaml}"; done)
	echo "stack: there is no Pulumi.$stack.yaml, so stack $stack would deploy the project's defaults; the stacks here are:$stacks (to deploy the defaults as $stack, create an empty Pulumi.$stack.yaml)" >&2
	exit 2
fi
real=${BYTEWAX_REAL_NODE:-0}
[ "$real" = 1 ] || real=0
export BYTEWAX_REAL_NODE=$real

# A cluster of the user's own, reached with the user's kubectl, needs no
# local control plane, and none is built.
local_cluster=false
if [ -z "${BYTEWAX_LOCAL_CLUSTER:-}" ] && command -v kubectl >/dev/null &&
	kubectl version --request-timeout=5s >/dev/null 2>&1; then
	echo "stack: using the cluster of kube context $(kubectl config current-context)"
	if [ "$real" = 1 ]; then
		echo "stack: REAL=1 runs the pods on the local cluster's real node, but kube context $(kubectl config current-context) is another cluster" >&2
		exit 2
	fi
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
on_node=()
[ "$real" = 1 ] && on_node=(-real-node)

case "$op" in
up)
	# up waits until every process runs; status then shows them.
	run "${on_node[@]}" up
	echo
	run status
	;;
preview | refresh)
	run "${on_node[@]}" "$op"
	;;
destroy | status)
	run "$op"
	;;
logs)
	run logs "${follow[@]}" "${3:?usage: scripts/stack.sh logs STACK DATAFLOW}"
	;;
down)
	run destroy
	if $local_cluster; then scripts/cluster.sh down; fi
	;;
*)
	echo "usage: scripts/stack.sh up|preview|refresh|destroy|down|status|logs [stack] [dataflow]" >&2
	exit 2
	;;
esac

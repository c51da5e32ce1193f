#!/usr/bin/env bash
# The project's local Kubernetes cluster: a real etcd, kube-apiserver (with
# Pod Security admission), kube-controller-manager and kube-scheduler, run as
# plain processes by kwokctl, with kwok playing the kubelets of a few nodes so
# that pods become Running and Ready without containers.
#
# Usage: scripts/cluster.sh up|down|status
#   up      start the cluster (or reuse the running one); writes .cluster/kubeconfig
#   down    stop it and delete its data
#   status  exit 0 when the API server answers
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
name=${BYTEWAX_CLUSTER_NAME:-bytewax}
nodes=${BYTEWAX_CLUSTER_NODES:-3}
dir=$root/.cluster
kubeconfig=$dir/kubeconfig
export KWOK_WORKDIR=$dir/kwok
export PATH="$("$root/scripts/tools.sh" --print-path):$PATH"

ready() {
	[ -f "$kubeconfig" ] && kubectl --kubeconfig "$kubeconfig" get --raw /readyz >/dev/null 2>&1
}

create() {
	local bin
	bin=$(dirname "$(command -v kube-apiserver)")
	kwokctl create cluster --name "$name" --runtime binary \
		--kubeconfig "$kubeconfig" \
		--etcd-binary "$bin/etcd" \
		--kube-apiserver-binary "$bin/kube-apiserver" \
		--kube-controller-manager-binary "$bin/kube-controller-manager" \
		--kube-scheduler-binary "$bin/kube-scheduler" \
		--kwok-controller-binary "$bin/kwok" \
		--wait 5m
	kwokctl scale node --name "$name" --replicas "$nodes"
	# The default namespace's ServiceAccount appears shortly after start;
	# wait for it so the first deployment never races the controllers.
	for _ in $(seq 60); do
		kubectl --kubeconfig "$kubeconfig" get serviceaccount default >/dev/null 2>&1 && return 0
		sleep 1
	done
	echo "cluster: the controllers did not start" >&2
	return 1
}

case "${1:-}" in
up)
	mkdir -p "$dir"
	if ready; then
		echo "cluster: $name is running (KUBECONFIG=$kubeconfig)"
		exit 0
	fi
	# A cluster left stopped (a reboot, a killed session) is restarted; one
	# that cannot be is replaced.
	if [ -d "$KWOK_WORKDIR/clusters/$name" ]; then
		kwokctl start cluster --name "$name" --wait 2m >/dev/null 2>&1 || true
		ready || kwokctl delete cluster --name "$name" --kubeconfig "$kubeconfig" >/dev/null 2>&1 || true
	fi
	ready || create
	echo "cluster: $name is running (KUBECONFIG=$kubeconfig)"
	;;
down)
	if [ -d "$KWOK_WORKDIR/clusters/$name" ]; then
		kwokctl delete cluster --name "$name" --kubeconfig "$kubeconfig"
	fi
	rm -rf "$dir"
	;;
status)
	ready
	;;
*)
	echo "usage: $0 up|down|status" >&2
	exit 2
	;;
esac

#!/usr/bin/env bash
# The project's local Kubernetes cluster: a real etcd, kube-apiserver (with
# Pod Security admission), kube-controller-manager and kube-scheduler, run as
# plain processes by kwokctl, with kwok playing the kubelets of a few nodes so
# that pods become Running and Ready without containers, and, when asked, a
# real node beside them that runs real containers (scripts/node.sh: root only,
# and it changes the host's network until `down`).
#
# Usage: [BYTEWAX_REAL_NODE=1] scripts/cluster.sh up|down|status
#   up      start the cluster (or reuse the running one); writes .cluster/kubeconfig;
#           with BYTEWAX_REAL_NODE=1, starts the real node too
#   down    stop it, the real node included, and delete its data
#   status  exit 0 when every component runs and the API server answers (and,
#           with BYTEWAX_REAL_NODE=1, the real node is Ready)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
name=${BYTEWAX_CLUSTER_NAME:-bytewax}
nodes=${BYTEWAX_CLUSTER_NODES:-3}
dir=$root/.cluster
kubeconfig=$dir/kubeconfig
export KWOK_WORKDIR=$dir/kwok
export PATH="$("$root/scripts/tools.sh" --print-path):$PATH"

# running: every component's process runs. The API server answers /readyz
# without a scheduler or controllers, and pods would then stay Pending
# without a word (the kernel's OOM killer can take one of them).
components="etcd kube-apiserver kube-controller-manager kube-scheduler kwok-controller"
running() {
	local component
	for component in $components; do
		pgrep -f "^$KWOK_WORKDIR/clusters/$name/bin/$component " >/dev/null || return 1
	done
}

# partlyRunning: some component's process runs, and so not all of them do
# when running is false.
partlyRunning() {
	local component
	for component in $components; do
		pgrep -f "^$KWOK_WORKDIR/clusters/$name/bin/$component " >/dev/null && return 0
	done
	return 1
}

ready() {
	[ -f "$kubeconfig" ] && running && kubectl --kubeconfig "$kubeconfig" get --raw /readyz >/dev/null 2>&1
}

# stageFiles are kwok's configuration files: its own stages for nodes and
# for pods becoming Ready, from the kwok module the tools are built from;
# ours for pods being deleted, which can take a while as real ones do, and
# for a Job's pods succeeding or failing as their annotations say; and the
# logs the pods serve.
stageFiles() {
	local kwok
	kwok=$(cd "$root/tools/cluster" && go mod download sigs.k8s.io/kwok && go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)
	[ -n "$kwok" ] && [ -d "$kwok" ] || { echo "cluster: the kwok module is not in Go's module cache" >&2; return 1; }
	local stage=$kwok/kustomize/stage
	echo "$stage/node/fast/node-initialize.yaml"
	echo "$stage/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml"
	echo "$stage/pod/fast/pod-ready.yaml"
	echo "$root/scripts/kwok/pod-delete.yaml"
	echo "$root/scripts/kwok/pod-complete.yaml"
	logsConfig
	componentArgs
}

# logsConfig writes, and names, kwok's logs configuration: every dataflow
# container serves scripts/kwok/process.log (in the CRI log format a kubelet
# reads) as its log, so that `kubectl logs` has something to show.
logsConfig() {
	mkdir -p "$dir"
	cat >"$dir/kwok-logs.yaml" <<-YAML
		kind: ClusterLogs
		apiVersion: kwok.x-k8s.io/v1alpha1
		metadata:
		  name: dataflow-process-logs
		spec:
		  logs:
		  - containers: [process]
		    logsFile: $root/scripts/kwok/process.log
		    follow: true
	YAML
	echo "$dir/kwok-logs.yaml"
}

# nodeAllocatable is what each kwok node offers: the size of a modest real
# node, ephemeral storage included, so that pods requesting it schedule as
# they would on a real cluster (kwok's own nodes offer no ephemeral storage).
nodeAllocatable='{"cpu": "4", "memory": "16Gi", "ephemeral-storage": "100Gi", "pods": "110"}'

# nodeIPs are the kwok nodes' addresses: loopback ones, where kwok serves
# their logs, since the API server reaches nodes by their InternalIP (see
# componentArgs). kwok's default, 192.0.2.1 and up, may be real addresses
# of the machine's network, and the API server would connect to them.
nodeIPs='["127.0.0.1"]'

# componentArgs make room for the real node (scripts/node.sh) beside kwok's:
#   - kwok manages only its own nodes, which carry its annotation; by default
#     it manages every node, and would mark the real node's pods Running and
#     Ready while the kubelet runs them;
#   - the API server reaches kubelets by their InternalIP (a node's host name
#     would be looked up in the machine's DNS), presenting the cluster's admin
#     certificate, which the real node's kubelet requires;
#   - the controller manager and the scheduler, one of each, elect no leader:
#     one that misses renewing its lease, as a loaded machine can make it,
#     exits, and kwokctl restarts nothing, so every later rollout would wait
#     out its timeout.
componentArgs() {
	local pki=$KWOK_WORKDIR/clusters/$name/pki
	mkdir -p "$dir"
	# A configuration file rather than kwokctl's --extra-args, which
	# mishandles several arguments to more than one component (kwok 0.8.0).
	cat >"$dir/kwokctl-components.yaml" <<-YAML
		kind: KwokctlConfiguration
		apiVersion: config.kwok.x-k8s.io/v1alpha1
		componentsPatches:
		- name: kwok-controller
		  extraArgs:
		  - key: manage-all-nodes
		    value: "false"
		  - key: manage-nodes-with-annotation-selector
		    value: kwok.x-k8s.io/node=fake
		- name: kube-controller-manager
		  extraArgs:
		  - key: leader-elect
		    value: "false"
		- name: kube-scheduler
		  extraArgs:
		  - key: leader-elect
		    value: "false"
		- name: kube-apiserver
		  extraArgs:
		  - key: kubelet-preferred-address-types
		    value: InternalIP
		  - key: kubelet-client-certificate
		    value: $pki/admin.crt
		  - key: kubelet-client-key
		    value: $pki/admin.key
	YAML
	echo "$dir/kwokctl-components.yaml"
}

sha256() {
	if command -v sha256sum >/dev/null; then sha256sum; else shasum -a 256; fi
}

# stagesDigest identifies the stages and nodes a cluster was made with,
# so that a change of either recreates the cluster.
stagesDigest() {
	local files file
	files=$(stageFiles) || return 1
	{
		while IFS= read -r file; do cat "$file" || return 1; done <<<"$files"
		echo "$nodes $nodeAllocatable $nodeIPs"
	} | sha256 | cut -c1-16
}

create() {
	local bin config=() log=$dir/kwokctl.log started=$SECONDS
	bin=$(dirname "$(command -v kube-apiserver)")
	local files file
	files=$(stageFiles)
	while IFS= read -r file; do config+=(--config "$file"); done <<<"$files"
	echo "cluster: starting $name (etcd, kube-apiserver, controller-manager, scheduler, $nodes kwok nodes); log: $log"
	if ! kwokctl create cluster --name "$name" --runtime binary "${config[@]}" \
		--kubeconfig "$kubeconfig" \
		--etcd-binary "$bin/etcd" \
		--kube-apiserver-binary "$bin/kube-apiserver" \
		--kube-controller-manager-binary "$bin/kube-controller-manager" \
		--kube-scheduler-binary "$bin/kube-scheduler" \
		--kwok-controller-binary "$bin/kwok" \
		--wait 5m >"$log" 2>&1 ||
		! kwokctl scale node --name "$name" --replicas "$nodes" \
			--param ".allocatable = $nodeAllocatable" --param ".nodeIPs = $nodeIPs" >>"$log" 2>&1; then
		echo "cluster: $name did not start; the last lines of $log:" >&2
		tail -n 20 "$log" >&2
		return 1
	fi
	stagesDigest >"$dir/stages.digest"
	# The default namespace's ServiceAccount appears shortly after start;
	# wait for it so the first deployment never races the controllers.
	for _ in $(seq 60); do
		if kubectl --kubeconfig "$kubeconfig" get serviceaccount default >/dev/null 2>&1; then
			echo "cluster: $name started in $((SECONDS - started)) s"
			return 0
		fi
		sleep 1
	done
	echo "cluster: the controllers did not start" >&2
	return 1
}

# deleteCluster stops the real node, whose kubelet belongs to the cluster,
# then deletes the control plane.
deleteCluster() {
	"$root/scripts/node.sh" down
	kwokctl delete cluster --name "$name" --kubeconfig "$kubeconfig" >/dev/null 2>&1 || true
}

realNode=${BYTEWAX_REAL_NODE:-0}

case "${1:-}" in
up)
	mkdir -p "$dir"
	# A cluster made with other stages or nodes is replaced: kwok reads them only
	# when the cluster is created.
	digest=$(stagesDigest)
	if [ -d "$KWOK_WORKDIR/clusters/$name" ] && [ "$(cat "$dir/stages.digest" 2>/dev/null)" != "$digest" ]; then
		echo "cluster: its stages or nodes changed; recreating $name"
		deleteCluster
	fi
	if ready; then
		[ "$realNode" = 1 ] && "$root/scripts/node.sh" up
		echo "cluster: $name is running (KUBECONFIG=$kubeconfig)"
		exit 0
	fi
	# A cluster left stopped (a reboot, a killed session) is restarted; one
	# that cannot be is replaced, and so is one with a component gone (kwok
	# restarted beside the others no longer moved pods along).
	if [ -d "$KWOK_WORKDIR/clusters/$name" ] && partlyRunning; then
		echo "cluster: a component of $name stopped; recreating it"
		deleteCluster
	fi
	if [ -d "$KWOK_WORKDIR/clusters/$name" ]; then
		"$root/scripts/node.sh" down
		kwokctl start cluster --name "$name" --wait 2m >/dev/null 2>&1 || true
		ready || deleteCluster
	fi
	ready || create
	[ "$realNode" = 1 ] && "$root/scripts/node.sh" up
	echo "cluster: $name is running (KUBECONFIG=$kubeconfig)"
	;;
down)
	# The real node may run without the control plane (a stopped session):
	# its changes to the host are undone whatever the cluster's state.
	"$root/scripts/node.sh" down
	if [ -d "$KWOK_WORKDIR/clusters/$name" ]; then
		kwokctl delete cluster --name "$name" --kubeconfig "$kubeconfig" >/dev/null 2>&1
		echo "cluster: $name stopped and deleted"
	fi
	rm -rf "$dir"
	;;
status)
	ready && { [ "$realNode" != 1 ] || "$root/scripts/node.sh" status; }
	;;
*)
	echo "usage: $0 up|down|status" >&2
	exit 2
	;;
esac

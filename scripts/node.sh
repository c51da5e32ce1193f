#!/usr/bin/env bash
# The local cluster's real node: a kubelet with containerd, runc, a CNI
# bridge and CoreDNS, beside the kwok nodes, so that real Bytewax processes
# run on this machine. docs/real-node.md describes it.
#
# It needs root, and changes the host, which `down` undoes (and so does the
# next `up` after an interrupted run):
#   - Debian packages it installs when missing: runc, containernetworking-plugins,
#     iptables, conntrack (and, for the images, debootstrap, busybox-static, umoci, gcc);
#   - a bridge, bytewax0, holding the pods, with a route for the Service range;
#   - iptables chains of its own: nothing is forwarded between the bridge
#     and any other interface, nothing is masqueraded, and pods reach the
#     host only for DNS; the kubelet's own canary chains;
#   - the sysctls the kubelet and the bridge plugin change (saved first);
#   - mounts and cgroups of the pods, and files under /run/pulumi-bytewax-node.
#
# The node registers with the taint and label pulumi-bytewax.local/real-node,
# so only pods that tolerate the taint and select the label run there.
#
# Usage: scripts/node.sh up|down|status|host-state
#   up          start the node (the control plane must run: scripts/cluster.sh up)
#   down        stop it and undo every change to the host
#   status      exit 0 when the node's processes run and the node is Ready
#   host-state  print what of the host the node changes, to compare before
#               up and after down
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cluster=$root/.cluster
kubeconfig=$cluster/kubeconfig
# dir holds what is large or belongs to this clone (images, volumes, logs);
# run what must have short paths (sockets) and the record of what the node
# changed, machine-wide, since one machine runs one real node.
dir=$cluster/node
run=/run/pulumi-bytewax-node
state=$run/state

NODE_NAME=bytewax-real-node
NODE_LABEL=pulumi-bytewax.local/real-node
BRIDGE=bytewax0
POD_CIDR=10.244.0.0/24
GATEWAY=10.244.0.1
CLUSTER_DOMAIN=cluster.local
# Ports on the host that the node's processes bind, clear of kwok's.
KUBELET_PORT=10250
KUBELET_HEALTHZ_PORT=10248
COREDNS_READY_PORT=18181
CHAIN_FORWARD=PULUMI-BYTEWAX-FORWARD
CHAIN_INPUT=PULUMI-BYTEWAX-INPUT
SYSCTLS="net.ipv4.ip_forward vm.overcommit_memory kernel.panic kernel.panic_on_oops"

say() { echo "node: $*" >&2; }
fail() { say "$*"; exit 1; }

# record KEY VALUE adds a line to the record of what the node changed.
record() { echo "$1 $2" >>"$state"; }
recorded() { [ -f "$state" ] && awk -v k="$1" '$1 == k { $1 = ""; sub(/^ /, ""); print }' "$state"; }

preflight() {
	[ "$(id -u)" = 0 ] || fail "the real node needs root (containers, a bridge, iptables); run as root, or leave it out"
	grep -qw overlay /proc/filesystems || fail "the kernel has no overlay filesystem, which containerd's snapshotter needs"
	[ -d /sys/fs/cgroup ] || fail "no cgroup filesystem at /sys/fs/cgroup"
	[ -f "$kubeconfig" ] || fail "the control plane is not running ($kubeconfig is missing): scripts/cluster.sh up first"
}

# ensure_packages installs the Debian packages missing among its arguments.
ensure_packages() {
	local missing=() pkg
	for pkg in "$@"; do
		dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	command -v apt-get >/dev/null || fail "Debian packages are missing (${missing[*]}) and there is no apt-get"
	say "installing Debian packages: ${missing[*]}"
	apt-get update -qq >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

pid_running() { [ -f "$run/$1.pid" ] && kill -0 "$(cat "$run/$1.pid")" 2>/dev/null; }

# start NAME CMD...: runs CMD in the background in a session of its own,
# its output in $dir/NAME.log.
start() {
	local name=$1; shift
	setsid "$@" >"$dir/$name.log" 2>&1 </dev/null &
	echo $! >"$run/$name.pid"
}

# wait_for WHAT SECONDS LOG CMD...: polls CMD until it succeeds.
wait_for() {
	local what=$1 seconds=$2 logfile=$3; shift 3
	local i
	for ((i = 0; i < seconds; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 1
	done
	say "$what did not happen within $seconds s; the end of $logfile:"
	tail -n 20 "$logfile" >&2
	return 1
}

kubectl_() { kubectl --kubeconfig "$kubeconfig" "$@"; }

# pki is the control plane's certificates' folder (kwokctl's).
pki() { echo "$cluster/kwok/clusters/${BYTEWAX_CLUSTER_NAME:-bytewax}/pki"; }

# service_cidrs are the API server's Service ranges.
service_cidrs() {
	kubectl_ get servicecidrs -o jsonpath='{.items[*].spec.cidrs[*]}' 2>/dev/null
}

network_up() {
	local cidr
	ip link add "$BRIDGE" type bridge
	ip addr add "$GATEWAY/${POD_CIDR#*/}" dev "$BRIDGE"
	ip link set "$BRIDGE" up
	# Service addresses stay on the bridge, where nothing answers them (no
	# kube-proxy: headless Services need none), instead of following the
	# default route off the machine.
	for cidr in $(service_cidrs); do
		case "$cidr" in *:*) continue ;; esac
		ip route add "$cidr" dev "$BRIDGE"
	done
	iptables -N "$CHAIN_FORWARD"
	iptables -A "$CHAIN_FORWARD" -i "$BRIDGE" ! -o "$BRIDGE" -j DROP
	iptables -A "$CHAIN_FORWARD" ! -i "$BRIDGE" -o "$BRIDGE" -j DROP
	iptables -I FORWARD 1 -j "$CHAIN_FORWARD"
	iptables -N "$CHAIN_INPUT"
	iptables -A "$CHAIN_INPUT" -i "$BRIDGE" -d "$GATEWAY" -p udp --dport 53 -j ACCEPT
	iptables -A "$CHAIN_INPUT" -i "$BRIDGE" -d "$GATEWAY" -p tcp --dport 53 -j ACCEPT
	iptables -A "$CHAIN_INPUT" -i "$BRIDGE" -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
	iptables -A "$CHAIN_INPUT" -i "$BRIDGE" -j DROP
	iptables -I INPUT 1 -j "$CHAIN_INPUT"
}

# chains lists every table's chains, of iptables and ip6tables, as
# "<command> <table> <chain>".
chains() {
	local cmd table
	for cmd in iptables ip6tables; do
		command -v "$cmd" >/dev/null || continue
		for table in filter nat mangle; do
			"$cmd" -t "$table" -S 2>/dev/null | awk -v c="$cmd" -v t="$table" '$1 == "-N" { print c, t, $2 }'
		done
	done | sort
}

containerd_up() {
	local sandbox
	sandbox=$(awk '$1 == "pause.tar" { print $2 }' "$images/images")
	mkdir -p "$dir/containerd" "$dir/cni/conf" "$dir/cni/ipam" "$run/containerd" "$run/s"
	cat >"$dir/containerd.toml" <<-TOML
		version = 3
		root = "$dir/containerd"
		state = "$run/containerd"
		[grpc]
		  address = "$run/containerd.sock"
		[ttrpc]
		  address = "$run/containerd.sock.ttrpc"
		[plugins."io.containerd.shim.v1.manager"]
		  socket_dir = "$run/s"
		[plugins."io.containerd.cri.v1.images"]
		  snapshotter = "overlayfs"
		  [plugins."io.containerd.cri.v1.images".pinned_images]
		    sandbox = "$sandbox"
		[plugins."io.containerd.cri.v1.runtime"]
		  # Root here may lack CAP_SYS_RESOURCE: runc must not lower a
		  # container's OOM score below its own.
		  restrict_oom_score_adj = true
		  netns_mounts_under_state_dir = true
		  enable_selinux = false
		  [plugins."io.containerd.cri.v1.runtime".containerd]
		    default_runtime_name = "runc"
		    [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc]
		      runtime_type = "io.containerd.runc.v2"
		      [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc.options]
		        BinaryName = "$(command -v runc)"
		        Root = "$run/runc"
		        SystemdCgroup = false
		  [plugins."io.containerd.cri.v1.runtime".cni]
		    bin_dirs = ["/usr/lib/cni"]
		    conf_dir = "$dir/cni/conf"
	TOML
	# One bridge, the node's own, with addresses from the pod range; the
	# gateway address is the host's, for DNS. No masquerading.
	cat >"$dir/cni/conf/10-bytewax.conflist" <<-JSON
		{
		  "cniVersion": "1.0.0",
		  "name": "pulumi-bytewax-node",
		  "plugins": [
		    {
		      "type": "bridge",
		      "bridge": "$BRIDGE",
		      "isGateway": true,
		      "ipMasq": false,
		      "hairpinMode": true,
		      "ipam": {
		        "type": "host-local",
		        "dataDir": "$dir/cni/ipam",
		        "ranges": [[{"subnet": "$POD_CIDR", "gateway": "$GATEWAY"}]],
		        "routes": [{"dst": "0.0.0.0/0"}]
		      }
		    },
		    {"type": "loopback"}
		  ]
		}
	JSON
	# The CNI library caches results in /var/lib/cni; note whether it was there.
	[ -e /var/lib/cni ] || record created /var/lib/cni
	[ -e /var/log/containers ] || record created /var/log/containers
	start containerd containerd --config "$dir/containerd.toml"
	wait_for "containerd's start" 60 "$dir/containerd.log" ctr --address "$run/containerd.sock" version
	local file name
	while read -r file name; do
		ctr --address "$run/containerd.sock" -n k8s.io images import \
			--base-name "${name%:*}" "$images/$file" >>"$dir/images.log" 2>&1 ||
			{ tail -n 20 "$dir/images.log" >&2; fail "importing $name failed"; }
	done <"$images/images"
	# The images' names, for the tests and stacks that run on the node.
	cp "$images/images" "$dir/images"
}

coredns_up() {
	# The cluster's names from the API server, nothing else: no forward, so
	# no name is looked up off the machine.
	cat >"$dir/Corefile" <<-COREFILE
		$CLUSTER_DOMAIN:53 {
		    bind $GATEWAY
		    ready 127.0.0.1:$COREDNS_READY_PORT
		    errors
		    kubernetes $CLUSTER_DOMAIN {
		        kubeconfig $kubeconfig
		    }
		}
		.:53 {
		    bind $GATEWAY
		    errors
		    template ANY ANY {
		        rcode NXDOMAIN
		    }
		}
	COREFILE
	start coredns coredns -conf "$dir/Corefile"
	wait_for "CoreDNS's start" 60 "$dir/coredns.log" curl -sf "http://127.0.0.1:$COREDNS_READY_PORT/ready"
}

kubelet_up() {
	mkdir -p "$dir/kubelet" "$dir/pod-logs"
	# Pods take their DNS from the cluster only: no search domain or server
	# of the host's.
	echo "options ndots:5" >"$dir/resolv.conf"
	cat >"$dir/kubelet.yaml" <<-YAML
		apiVersion: kubelet.config.k8s.io/v1beta1
		kind: KubeletConfiguration
		# This machine has cgroup v1, which a kubelet refuses unless told.
		failCgroupV1: false
		cgroupDriver: cgroupfs
		containerRuntimeEndpoint: unix://$run/containerd.sock
		# The API server reaches the kubelet (logs, exec) on the bridge's
		# address, with the cluster's admin certificate (scripts/cluster.sh);
		# pods cannot reach it (the INPUT chain lets them reach DNS only).
		address: $GATEWAY
		port: $KUBELET_PORT
		readOnlyPort: 0
		healthzBindAddress: 127.0.0.1
		healthzPort: $KUBELET_HEALTHZ_PORT
		authentication:
		  anonymous:
		    enabled: false
		  webhook:
		    enabled: false
		  x509:
		    clientCAFile: $(pki)/ca.crt
		authorization:
		  mode: AlwaysAllow
		clusterDNS: [$GATEWAY]
		clusterDomain: $CLUSTER_DOMAIN
		resolvConf: $dir/resolv.conf
		podLogsDir: $dir/pod-logs
		registerWithTaints:
		- key: $NODE_LABEL
		  value: "true"
		  effect: NoSchedule
		failSwapOn: false
		# A busy development disk must not evict the tests' pods.
		evictionHard:
		  memory.available: 200Mi
		  nodefs.available: 2%
		  imagefs.available: 2%
		imageGCHighThresholdPercent: 100
		serializeImagePulls: false
	YAML
	start kubelet kubelet --config "$dir/kubelet.yaml" --kubeconfig "$kubeconfig" \
		--root-dir "$dir/kubelet" --cert-dir "$dir/kubelet/pki" \
		--hostname-override "$NODE_NAME" --node-ip "$GATEWAY" \
		--node-labels "$NODE_LABEL=true" --v 1
	wait_for "the node's registration" 120 "$dir/kubelet.log" kubectl_ get node "$NODE_NAME"
	wait_for "the node's readiness" 120 "$dir/kubelet.log" \
		kubectl_ wait --for condition=Ready --timeout 1s node "$NODE_NAME"
}

up() {
	preflight
	[ -f "$(pki)/ca.crt" ] || fail "the control plane's certificates are not in $(pki)"
	if [ -f "$state" ]; then
		if running && [ "$(recorded dir)" = "$dir" ]; then
			say "$NODE_NAME is running"
			return 0
		fi
		say "undoing what an earlier node left behind ($(recorded dir))"
		down
	fi
	ensure_packages runc containernetworking-plugins iptables conntrack curl
	local started=$SECONDS
	PATH="$("$root/scripts/tools.sh" --print-path --with-node):$PATH"
	export PATH
	images=$("$root/scripts/images.sh" --print-dir)
	say "starting $NODE_NAME: containerd, CoreDNS and a kubelet on bridge $BRIDGE ($POD_CIDR); logs in $dir"
	mkdir -p "$run" "$dir"
	: >"$state"
	record dir "$dir"
	local name
	for name in $SYSCTLS; do record sysctl "$name=$(sysctl -n "$name")"; done
	chains | sed 's/^/chain-before /' >>"$state"
	# From here on, a failure undoes what was done.
	trap 'code=$?; if [ $code -ne 0 ]; then say "the node did not start; undoing its changes"; down; fi; exit $code' EXIT
	network_up
	containerd_up
	coredns_up
	kubelet_up
	trap - EXIT
	say "$NODE_NAME is Ready in $((SECONDS - started)) s"
}

running() {
	pid_running containerd && pid_running coredns && pid_running kubelet
}

# kill_pods kills every process of the node's pods: those in the
# kubepods cgroups (the kubelet's cgroupfs driver makes them on each
# hierarchy).
kill_pods() {
	local procs
	procs=$(find /sys/fs/cgroup/*/kubepods -name cgroup.procs -exec cat {} + 2>/dev/null | sort -u)
	[ -n "$procs" ] && kill -9 $procs 2>/dev/null || true
}

stop_pid() {
	local name=$1 pid i
	[ -f "$run/$name.pid" ] || return 0
	pid=$(cat "$run/$name.pid")
	if kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null || true
		for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
		kill -KILL "$pid" 2>/dev/null || true
	fi
	rm -f "$run/$name.pid"
}

down() {
	[ -f "$state" ] || return 0
	trap - EXIT
	set +e
	local node_dir line cmd table chain parent port
	node_dir=$(recorded dir)
	stop_pid kubelet
	kill_pods
	stop_pid coredns
	stop_pid containerd
	# Shims outlive containerd; theirs are the ones with its socket.
	pkill -KILL -f "containerd-shim-runc-v2 .*-address $run/containerd.sock" 2>/dev/null
	sleep 0.5
	kill_pods
	# Mounts the pods left: volumes, network namespaces, overlay roots.
	for target in $(findmnt -rn -o TARGET | grep -E "^($node_dir|$run)(/|$)" | sort -r); do
		umount "$target" 2>/dev/null || umount -l "$target"
	done
	# The pods' cgroups, deepest first.
	find /sys/fs/cgroup/*/kubepods -depth -type d -exec rmdir {} + 2>/dev/null
	# The pods' veth pairs go with their network namespaces, but only once
	# the kernel frees them, which can come later: delete them now.
	for port in $(ip -o link show master "$BRIDGE" 2>/dev/null | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'); do
		ip link del "$port" 2>/dev/null
	done
	ip link del "$BRIDGE" 2>/dev/null
	# Chains: ours and those the kubelet added (present now, not before).
	while read -r cmd table chain; do
		case "$chain" in PULUMI-BYTEWAX-* | KUBE-*) ;; *) continue ;; esac
		grep -qxF "chain-before $cmd $table $chain" "$state" && continue
		for parent in INPUT FORWARD OUTPUT PREROUTING POSTROUTING; do
			while "$cmd" -t "$table" -D "$parent" -j "$chain" 2>/dev/null; do :; done
		done
		"$cmd" -t "$table" -F "$chain" 2>/dev/null
		"$cmd" -t "$table" -X "$chain" 2>/dev/null
	done < <(chains)
	recorded sysctl | while IFS= read -r line; do sysctl -q -w "$line"; done
	# The kubelet links every container's log into /var/log/containers.
	if grep -qxF "created /var/log/containers" "$state"; then
		rm -rf /var/log/containers
	else
		find /var/log/containers -maxdepth 1 -type l -lname "$node_dir/*" -delete 2>/dev/null
	fi
	grep -qxF "created /var/lib/cni" "$state" && rm -rf /var/lib/cni
	if findmnt -rn -o TARGET | grep -qE "^($node_dir|$run)(/|$)"; then
		say "mounts under $node_dir remain; left in place"
		set -e
		return 1
	fi
	rm -rf "$node_dir" "$run"
	# The Node object, when its control plane still runs.
	[ -f "$kubeconfig" ] && kubectl_ delete node "$NODE_NAME" --ignore-not-found --wait=false \
		--request-timeout 5s >/dev/null 2>&1
	set -e
	say "$NODE_NAME stopped; the host's bridge, routes, rules, sysctls, mounts and cgroups are as before"
}

# host_state prints what of the host the node may change: links, routes,
# rules (without packet counters), the sysctls, mounts, cgroups, network
# namespaces and the folders the kubelet and the CNI library write.
host_state() {
	ip -br link | awk '{ print $1, $2 }'
	ip route
	ip -6 route
	local cmd
	for cmd in iptables-save ip6tables-save; do
		command -v "$cmd" >/dev/null && "$cmd" | grep -v '^#' | sed 's/ \[[0-9]*:[0-9]*\]$//'
	done
	sysctl $SYSCTLS
	findmnt -rn -o TARGET | sort
	find /sys/fs/cgroup -maxdepth 2 -type d | sort
	ip netns list
	ls -d /var/lib/cni /var/log/containers "$run" 2>/dev/null || true
}

status() {
	running && kubectl_ wait --for condition=Ready --timeout 1s node "$NODE_NAME" >/dev/null 2>&1
}

case "${1:-}" in
up) up ;;
down) down ;;
status) status ;;
host-state) host_state ;;
*)
	echo "usage: $0 up|down|status|host-state" >&2
	exit 2
	;;
esac

#!/usr/bin/env bash
# Builds the pinned tools the project runs for real: the Pulumi CLI, its YAML
# language host, the Kubernetes provider plugin, a local control plane (etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler, kubectl, kwok, kwokctl) and, when
# asked, what the real node runs (containerd, its runc shim, ctr, kubelet,
# CoreDNS; runc and the CNI plugins come from Debian, see scripts/node.sh).
#
# Everything comes from the Go module proxy and is cached outside the clone,
# keyed by the pinned versions and the tools' go.sum, so a fresh clone on the
# same machine reuses it. A cold build takes 20-40 minutes on 2 cores.
#
# A `pulumi` already on PATH is used when it is a v3 from v3.274 on, and the
# provider plugin is built only when that Pulumi's plugin cache lacks it; the
# YAML language host only when none is on PATH.
#
# Usage: scripts/tools.sh [--print-path] [--without-cluster] [--with-kube-score] [--with-node]
#   --print-path       print the bin directories to put on PATH (building first if needed)
#   --without-cluster  leave out the local control plane, for a cluster of one's own
#   --with-kube-score  add kube-score, which the tests run on every stack's objects
#   --with-node        add the real node's containerd, kubelet and CoreDNS
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)

# Pinned versions. The provider plugin must match
# github.com/pulumi/pulumi-kubernetes/sdk/v4 in the project's go.mod, or the
# engine warns that the plugin is older than the SDK expects.
PULUMI_VERSION=v3.274.1
# Pulumi's YAML language host (tools/pulumi-yaml/go.mod), for YAML programs
# such as examples/yaml.
PULUMI_YAML_VERSION=v1.25.0
KUBERNETES_VERSION=v1.36.1
KUBERNETES_PROVIDER_VERSION=4.25.0
# The proxy serves the provider module only as the pseudo-version of the
# commit the v4.25.0 release was cut from.
KUBERNETES_PROVIDER_MODULE_VERSION=v4.0.0-20260115033456-f47bc2d6f199
# kube-score, which the tests run on every stack's objects (tools/kube-score/go.mod).
KUBE_SCORE_VERSION=v1.20.0
# The real node's containerd (tools/containerd/go.mod) and CoreDNS
# (tools/coredns/go.mod); its kubelet is KUBERNETES_VERSION's.
CONTAINERD_VERSION=v2.4.2
COREDNS_VERSION=v1.15.0

cache=${PULUMI_BYTEWAX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-bytewax}
sum() { sha256sum "$@" | sha256sum | cut -c1-12; }

pulumi_dir=$cache/pulumi-$PULUMI_VERSION-yaml-$PULUMI_YAML_VERSION-$(sum "$root/tools/pulumi/go.sum" "$root/tools/pulumi-yaml/go.sum")
yaml_dir=$cache/pulumi-yaml-$PULUMI_YAML_VERSION-$(sum "$root/tools/pulumi-yaml/go.sum")
cluster_dir=$cache/cluster-$KUBERNETES_VERSION-$(sum "$root/tools/cluster/go.sum")
provider_dir=$cache/pulumi-resource-kubernetes-$KUBERNETES_PROVIDER_VERSION
kube_score_dir=$cache/kube-score-$KUBE_SCORE_VERSION-$(sum "$root/tools/kube-score/go.sum")
node_dir=$cache/node-$CONTAINERD_VERSION-$KUBERNETES_VERSION-$COREDNS_VERSION-$(sum "$root/tools/containerd/go.sum" "$root/tools/cluster/go.sum" "$root/tools/coredns/go.sum" "$root/tools/coredns/main.go")

log() { [ "${quiet:-}" = 1 ] || echo "tools: $*" >&2; }

# build_into DIR WHAT MINUTES CMD...: runs CMD to fill DIR/bin, saying what
# it builds and about how long that takes first, since a cold build is long;
# its output goes to DIR.log. DIR is marked complete only when CMD succeeds,
# so an interrupted build is redone instead of trusted.
build_into() {
	local dir=$1 what=$2 minutes=$3 started=$SECONDS; shift 3
	[ -f "$dir/.complete" ] && return 0
	rm -rf "$dir.tmp" && mkdir -p "$dir.tmp/bin"
	# Always said, even with --print-path: the wait is long.
	echo "tools: building $what from the Go module proxy, once: about $minutes minutes on 2 cores (progress: $dir.log)" >&2
	if ! "$@" "$dir.tmp/bin" >"$dir.log" 2>&1; then
		echo "tools: building $what failed; the end of $dir.log:" >&2
		tail -n 30 "$dir.log" >&2
		return 1
	fi
	touch "$dir.tmp/.complete"
	rm -rf "$dir" && mv "$dir.tmp" "$dir"
	echo "tools: built $what in $(((SECONDS - started) / 60)) min $(((SECONDS - started) % 60)) s, cached in $dir" >&2
}

# usable_pulumi prints a pulumi on PATH that is a v3 from v3.274 on, if any.
usable_pulumi() {
	local found version minor
	found=$(command -v pulumi 2>/dev/null) || return 1
	case "$found" in "$cache"/*) return 1 ;; esac
	version=$("$found" version 2>/dev/null) || return 1
	version=${version#v}
	[ "${version%%.*}" = 3 ] || return 1
	minor=${version#3.}; minor=${minor%%.*}
	[[ "$minor" =~ ^[0-9]+$ ]] && [ "$minor" -ge 274 ] || return 1
	echo "$found"
}

build_pulumi() {
	cd "$root/tools/pulumi"
	# The Automation API refuses a CLI that does not know its own version.
	go build -trimpath -o "$1/pulumi" \
		-ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION" \
		github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
	# Beside the CLI, where a release bundles it: found anywhere else, the
	# CLI warns on every run.
	build_yaml "$1"
}

build_yaml() {
	cd "$root/tools/pulumi-yaml" || return
	go build -trimpath -o "$1/pulumi-language-yaml" \
		-ldflags "-s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=$PULUMI_YAML_VERSION" \
		github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml
}

build_cluster() {
	cd "$root/tools/cluster"
	local minor=${KUBERNETES_VERSION#v1.}; minor=${minor%%.*}
	# kwokctl reads each binary's --version to pick its flags.
	local kube_ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$KUBERNETES_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean"
	go build -trimpath -o "$1/etcd" -ldflags "-s -w" go.etcd.io/etcd/server/v3
	for cmd in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
		go build -trimpath -o "$1/$cmd" -ldflags "$kube_ldflags" "k8s.io/kubernetes/cmd/$cmd"
	done
	for cmd in kwok kwokctl; do
		go build -trimpath -o "$1/$cmd" -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/$cmd"
	done
}

build_kube_score() {
	cd "$root/tools/kube-score"
	go build -trimpath -o "$1/kube-score" -ldflags "-s -w -X main.version=$KUBE_SCORE_VERSION" \
		github.com/zegl/kube-score/cmd/kube-score
}

build_node() {
	# containerd without cgo, btrfs or generated docs, as the node needs
	# none of them; the shim speaks ttrpc only.
	cd "$root/tools/containerd"
	local tags=urfave_cli_no_docs,no_btrfs
	CGO_ENABLED=0 go build -trimpath -tags "$tags" -o "$1/containerd" -ldflags "-s -w" \
		github.com/containerd/containerd/v2/cmd/containerd
	CGO_ENABLED=0 go build -trimpath -tags "$tags" -o "$1/ctr" -ldflags "-s -w" \
		github.com/containerd/containerd/v2/cmd/ctr
	CGO_ENABLED=0 go build -trimpath -tags "$tags,no_grpc" -o "$1/containerd-shim-runc-v2" -ldflags "-s -w" \
		github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2
	cd "$root/tools/cluster"
	local minor=${KUBERNETES_VERSION#v1.}; minor=${minor%%.*}
	go build -trimpath -o "$1/kubelet" \
		-ldflags "-s -w -X k8s.io/component-base/version.gitVersion=$KUBERNETES_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor" \
		k8s.io/kubernetes/cmd/kubelet
	cd "$root/tools/coredns"
	CGO_ENABLED=0 go build -trimpath -o "$1/coredns" -ldflags "-s -w" .
}

build_provider() {
	# The module zip lacks schema-embed.json, which the plugin embeds and the
	# module's own generate.go makes from schema.json, so build from a copy.
	local module=github.com/pulumi/pulumi-kubernetes/provider/v4
	local src=$cache/src/pulumi-kubernetes-provider-$KUBERNETES_PROVIDER_VERSION
	local modsrc
	modsrc=$(cd "$root/tools/pulumi" && go mod download -json "$module@$KUBERNETES_PROVIDER_MODULE_VERSION" |
		sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
	rm -rf "$src" && mkdir -p "$(dirname "$src")" && cp -r "$modsrc" "$src" && chmod -R u+w "$src"
	cd "$src"
	# Its go.mod points the SDK at a sibling folder of the repository.
	go mod edit -dropreplace=github.com/pulumi/pulumi-kubernetes/sdk/v4 \
		-require=github.com/pulumi/pulumi-kubernetes/sdk/v4@v$KUBERNETES_PROVIDER_VERSION
	go mod download github.com/pulumi/pulumi-kubernetes/sdk/v4
	(cd cmd/pulumi-resource-kubernetes && VERSION=$KUBERNETES_PROVIDER_VERSION go run -mod=mod generate.go)
	go build -mod=mod -trimpath -o "$1/pulumi-resource-kubernetes" \
		-ldflags "-s -w -X $module/pkg/version.Version=$KUBERNETES_PROVIDER_VERSION" \
		./cmd/pulumi-resource-kubernetes
}

print_path=false with_cluster=true with_kube_score=false with_node=false
for arg in "$@"; do
	case "$arg" in
	--print-path) print_path=true quiet=1 ;;
	--without-cluster) with_cluster=false ;;
	--with-kube-score) with_kube_score=true ;;
	--with-node) with_node=true ;;
	*) echo "usage: scripts/tools.sh [--print-path] [--without-cluster] [--with-kube-score] [--with-node]" >&2; exit 2 ;;
	esac
done

path=()
if pulumi=$(usable_pulumi); then
	log "using $pulumi ($("$pulumi" version))"
else
	build_into "$pulumi_dir" "the Pulumi CLI $PULUMI_VERSION and its YAML language host $PULUMI_YAML_VERSION" 12 build_pulumi
	pulumi=$pulumi_dir/bin/pulumi
	path+=("$pulumi_dir/bin")
fi

# A Pulumi of one's own without its YAML language host gets the one built
# here, on PATH.
if ! command -v pulumi-language-yaml >/dev/null 2>&1 && [ "$pulumi" != "$pulumi_dir/bin/pulumi" ]; then
	build_into "$yaml_dir" "Pulumi's YAML language host $PULUMI_YAML_VERSION" 2 build_yaml
	path+=("$yaml_dir/bin")
fi

# The engine takes the provider from Pulumi's plugin cache, as it would a
# downloaded one; found on PATH instead, it warns on every run.
# Read whole, then searched: grep -q on a pipe could end pulumi early, which
# pipefail would count as the plugin missing.
plugins=$("$pulumi" plugin ls 2>/dev/null || true)
if ! grep -Eq "^kubernetes +resource +$KUBERNETES_PROVIDER_VERSION " <<<"$plugins"; then
	build_into "$provider_dir" "the Kubernetes provider plugin $KUBERNETES_PROVIDER_VERSION" 8 build_provider
	log "installing the kubernetes $KUBERNETES_PROVIDER_VERSION plugin into Pulumi's plugin cache"
	"$pulumi" plugin install resource kubernetes "v$KUBERNETES_PROVIDER_VERSION" \
		--file "$provider_dir/bin/pulumi-resource-kubernetes" >&2
fi

if $with_cluster; then
	build_into "$cluster_dir" "a local control plane (etcd, Kubernetes $KUBERNETES_VERSION, kwok)" 20 build_cluster
	path+=("$cluster_dir/bin")
fi

if $with_kube_score; then
	build_into "$kube_score_dir" "kube-score $KUBE_SCORE_VERSION" 1 build_kube_score
	path+=("$kube_score_dir/bin")
fi

if $with_node; then
	build_into "$node_dir" "the real node's containerd $CONTAINERD_VERSION, kubelet $KUBERNETES_VERSION and CoreDNS $COREDNS_VERSION" 11 build_node
	path+=("$node_dir/bin")
fi

joined=$(IFS=:; echo "${path[@]+"${path[*]}"}")
if $print_path; then echo "$joined"; else log "ready: PATH=${joined:+$joined:}\$PATH"; fi

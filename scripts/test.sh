#!/usr/bin/env bash
# Runs every test: static checks, the unit tests (Pulumi mocks) and the
# end-to-end suite on the local cluster and its real node, which it builds
# and starts as needed (the real node needs root; see docs/real-node.md).
#
# Usage: scripts/test.sh [e2e]
#   e2e: the end-to-end suite alone (./e2e), without the static checks, the
#   unit tests, the example's and the plugin's module tests or kube-score
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

case ${1:-all} in
all) suite=all ;;
e2e) suite=e2e ;;
*)
	echo "usage: scripts/test.sh [e2e]" >&2
	exit 2
	;;
esac

if [ "$suite" = all ]; then
	unformatted=$(gofmt -l $(git ls-files '*.go'))
	if [ -n "$unformatted" ]; then
		echo "test: gofmt would change: $unformatted" >&2
		exit 1
	fi
	go vet ./...
	# The example platform program and the resource plugin are modules of
	# their own, with their own tests.
	(cd examples/platform && go vet ./... && go test -count=1 ./...)
	(cd provider && go vet ./... && go test -count=1 ./...)

	# Assigned apart from export, so that a failed build stops the run.
	tools=$(scripts/tools.sh --print-path --with-kube-score)
	export PATH="$tools:$PATH"

	# What other languages use: the SDKs and schema in sdk/ are what the
	# plugin's schema generates, and they build as their users build them.
	scripts/sdk.sh check
	scripts/sdk-check.sh

	# kube-score on the objects of every stack file, as a reviewer's tool would
	# see them. Skipped, for reasons the README gives: Always pulls (a pinned
	# tag or digest need not be pulled again), CPU limits (throttling one peer
	# stalls them all), and host anti-affinity (a soft topology spread does its
	# job and still schedules on one node).
	go build -o bin/stack ./cmd/stack
	rendered=$(mktemp -d)
	for file in Pulumi.*.yaml; do
		stack=${file#Pulumi.}; stack=${stack%.yaml}
		bin/stack -stack "$stack" render >"$rendered/$stack.json"
		echo "test: kube-score on the $stack stack's objects"
		kube-score score --kubernetes-version v1.27 --output-format ci \
			--ignore-test container-image-pull-policy \
			--ignore-container-cpu-limit \
			--ignore-test statefulset-has-host-podantiaffinity \
			--enable-optional-test container-seccomp-profile \
			"$rendered/$stack.json" | { grep -Ev '^\[(OK|SKIPPED)\]' || true; }
	done
	rm -rf "$rendered"
else
	tools=$(scripts/tools.sh --print-path)
	export PATH="$tools:$PATH"
fi
# The end-to-end suite runs real Bytewax on the real node (scripts/node.sh),
# beside the kwok nodes: it needs root, and fails without it.
export BYTEWAX_REAL_NODE=1
# Stop afterwards only what this run started: the whole cluster, or the
# real node beside a control plane that was already running. A node this
# run starts must leave the host as it found it: compared after its down.
hostBefore=$(mktemp)
finish() {
	local code=$? stop=$1
	"scripts/$stop" down
	if ! diff -u "$hostBefore" <(scripts/node.sh host-state) >&2; then
		echo "test: the host differs after the real node's down (above)" >&2
		code=1
	fi
	rm -f "$hostBefore"
	exit "$code"
}
if ! scripts/cluster.sh status; then
	scripts/node.sh host-state >"$hostBefore"
	if BYTEWAX_REAL_NODE=0 scripts/cluster.sh status; then
		trap 'finish node.sh' EXIT
	else
		trap 'finish cluster.sh' EXIT
	fi
fi
scripts/cluster.sh up

packages=./...
[ "$suite" = e2e ] && packages=./e2e/
BYTEWAX_E2E=1 go test -count=1 -timeout 60m "$packages"

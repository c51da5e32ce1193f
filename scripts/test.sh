#!/usr/bin/env bash
# Runs every test: static checks, the unit tests (Pulumi mocks) and the
# end-to-end suite on the local cluster, which it builds and starts as needed.
#
# Usage: scripts/test.sh [e2e]   (e2e: the end-to-end suite alone)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

unformatted=$(gofmt -l $(git ls-files '*.go'))
if [ -n "$unformatted" ]; then
	echo "test: gofmt would change: $unformatted" >&2
	exit 1
fi
go vet ./...
# The example platform program is a module of its own, with its own tests.
(cd examples/platform && go vet ./... && go test -count=1 ./...)

export PATH="$(scripts/tools.sh --print-path):$PATH"
# Stop the cluster afterwards only if this run started it.
if ! scripts/cluster.sh status; then
	trap 'scripts/cluster.sh down' EXIT
fi
scripts/cluster.sh up

packages=./...
[ "${1:-}" = e2e ] && packages=./e2e/
BYTEWAX_E2E=1 go test -count=1 -timeout 60m "$packages"

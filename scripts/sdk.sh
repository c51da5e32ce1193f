#!/usr/bin/env bash
# Regenerates what other languages use from the plugin's schema:
# provider/descriptions.json (from the doc comments of package components),
# then sdk/schema.json and the TypeScript and Python SDKs in sdk/.
#
# Usage: scripts/sdk.sh [check]
#   check: generate into a temporary folder and fail if anything differs
#   from what is checked in
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
case ${1:-write} in write | check) ;; *) echo "usage: scripts/sdk.sh [check]" >&2; exit 2 ;; esac

# The generator reads the Kubernetes package's schema through the CLI.
tools=$("$root/scripts/tools.sh" --print-path --without-cluster)
export PATH="$tools:$PATH"
cd "$root/provider"

if [ "${1:-write}" = write ]; then
	go generate ./...
	go run ./cmd/gen-sdk -out "$root/sdk"
	echo "sdk: wrote provider/descriptions.json and sdk/" >&2
	exit 0
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cp descriptions.json "$out/descriptions.json.before"
go run ./cmd/gen-descriptions
if ! diff -u "$out/descriptions.json.before" descriptions.json >&2; then
	cp "$out/descriptions.json.before" descriptions.json
	echo "sdk: provider/descriptions.json differs from the doc comments: run make sdk" >&2
	exit 1
fi
go run ./cmd/gen-sdk -out "$out/sdk"
# What building an SDK leaves there (.gitignore) is not generated.
built=(--exclude=node_modules --exclude=bin --exclude=package-lock.json --exclude=build --exclude=dist --exclude=venv --exclude='*.egg-info')
if ! diff -ru "${built[@]}" "$root/sdk" "$out/sdk" >&2; then
	echo "sdk: sdk/ differs from what the plugin's schema generates: run make sdk" >&2
	exit 1
fi
echo "sdk: sdk/ and provider/descriptions.json are up to date" >&2

#!/usr/bin/env bash
# Checks the generated SDKs (sdk/) as their users build them:
#   - the TypeScript SDK builds with tsc against @pulumi/pulumi and
#     @pulumi/kubernetes from npm, and examples/typescript type-checks
#     against what it built;
#   - the Python SDK imports with pulumi and pulumi-kubernetes from PyPI, and
#     examples/python runs under Pulumi's mocks, which record the properties
#     the SDK sends.
# The packages are installed once, pinned, into the cache outside the clone.
# The TypeScript and Python language hosts are not installed here, so these
# programs are not deployed (the YAML example is: e2e/yaml_test.go).
#
# Usage: scripts/sdk-check.sh
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
NODE_PULUMI=3.270.0 NODE_KUBERNETES=4.25.0 TYPESCRIPT=5.9.3 NODE_TYPES=22.20.7
PYTHON_PULUMI=3.272.0 PYTHON_KUBERNETES=4.25.0 PYTHON_WHEEL=0.45.1

cache=${PULUMI_BYTEWAX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-bytewax}
node_dir=$cache/sdk-nodejs-pulumi-$NODE_PULUMI-kubernetes-$NODE_KUBERNETES-typescript-$TYPESCRIPT-node-$NODE_TYPES
python_dir=$cache/sdk-python-pulumi-$PYTHON_PULUMI-kubernetes-$PYTHON_KUBERNETES-wheel-$PYTHON_WHEEL-$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')

log() { echo "sdk-check: $*" >&2; }

# install DIR CMD...: runs CMD in DIR once; DIR counts only when CMD succeeded.
install() {
	local dir=$1; shift
	[ -f "$dir/.complete" ] && return 0
	log "installing into $dir, once"
	rm -rf "$dir" && mkdir -p "$dir"
	(cd "$dir" && "$@") >"$dir.log" 2>&1 || { tail -n 30 "$dir.log" >&2; return 1; }
	touch "$dir/.complete"
}
node_install() {
	npm init -y >/dev/null
	npm install --no-audit --no-fund --ignore-scripts --save-exact \
		"@pulumi/pulumi@$NODE_PULUMI" "@pulumi/kubernetes@$NODE_KUBERNETES" \
		"typescript@$TYPESCRIPT" "@types/node@$NODE_TYPES"
}
python_install() {
	python3 -m venv venv
	venv/bin/pip install --quiet "pulumi==$PYTHON_PULUMI" "pulumi-kubernetes==$PYTHON_KUBERNETES" "wheel==$PYTHON_WHEEL"
}
install "$node_dir" node_install
install "$python_dir" python_install

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

log "TypeScript: the SDK builds as docs/typescript.md builds it"
cp -r "$root/sdk/nodejs" "$work/sdk"
ln -s "$node_dir/node_modules" "$work/sdk/node_modules"
(cd "$work/sdk" && "$node_dir/node_modules/.bin/tsc" && cp package.json README.md bin/)

log "TypeScript: examples/typescript type-checks against the built SDK, with its own tsconfig"
mkdir -p "$work/program/node_modules/@pulumi-bytewax"
cp "$root/examples/typescript/index.ts" "$root/examples/typescript/tsconfig.json" "$work/program/"
for dep in "$node_dir"/node_modules/* "$node_dir"/node_modules/.bin; do
	ln -s "$dep" "$work/program/node_modules/"
done
ln -s "$work/sdk/bin" "$work/program/node_modules/@pulumi-bytewax/bytewax"
(cd "$work/program" && "$node_dir/node_modules/.bin/tsc" -p tsconfig.json)

log "Python: the SDK installs and imports, and examples/python runs under mocks"
cp -r "$root/sdk/python" "$work/python-sdk"
"$python_dir/venv/bin/pip" install --quiet --no-deps --no-build-isolation --target "$work/site" "$work/python-sdk"
PYTHONPATH="$work/site" "$python_dir/venv/bin/python" "$root/scripts/sdk-check-python.py" "$root/examples/python"
log "ok"

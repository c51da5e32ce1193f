#!/usr/bin/env bash
# Builds the bytewax resource plugin (provider/) into bin/ and installs it
# into Pulumi's plugin cache as the component's version, replacing an
# earlier build of that version, so that programs in other languages (such
# as examples/yaml) use this repository's code.
#
# Usage: scripts/plugin.sh
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
version=$(sed -n 's/^const Version = "\(.*\)"$/\1/p' "$root/components/version.go")
[ -n "$version" ] || { echo "plugin: no Version in components/version.go" >&2; exit 1; }

# Assigned apart from export, so that a failed build stops the script.
tools=$("$root/scripts/tools.sh" --print-path --without-cluster)
export PATH="$tools:$PATH"
(cd "$root/provider" && go build -trimpath -o "$root/bin/pulumi-resource-bytewax" ./cmd/pulumi-resource-bytewax)
pulumi plugin install resource bytewax "$version" --file "$root/bin/pulumi-resource-bytewax" --reinstall >&2
echo "plugin: bytewax $version installed from $root/bin/pulumi-resource-bytewax" >&2

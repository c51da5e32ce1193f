#!/usr/bin/env bash
# Builds the images the local cluster's real node runs, as OCI archives,
# since no container registry is reachable from this machine:
#   - the sandbox (pause) image: a small static program of ours;
#   - the init image: Debian's busybox-static (sh, cp, tar and the rest);
#   - the Bytewax image: a Debian root made by debootstrap with Debian's
#     Python, and bytewax[kafka] from PyPI in the /venv virtualenv, laid out
#     as Bytewax's Dockerfile.release lays out its image (docs/real-node.md
#     lists the differences).
# Their names say what they are: localhost/pulumi-bytewax/..., never the
# upstream references, which they are not.
#
# The archives are cached outside the clone, keyed by what goes into them
# (this script, scripts/node/, the Debian suite and the pinned wheels). A
# cold build takes about 4 minutes. Needs root (debootstrap, chroot) and
# Debian's packages, which it installs: debootstrap, busybox-static, umoci,
# gcc.
#
# Usage: scripts/images.sh [--print-dir]
#   prints (with --print-dir) the folder holding the archives and "images",
#   a list of "<file> <name>" lines.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)

# The images' names. Tests and the stack files for the real node use them.
BYTEWAX_VERSION=0.21.1
DEBIAN_SUITE=bookworm
DEBIAN_MIRROR=${BYTEWAX_DEBIAN_MIRROR:-http://deb.debian.org/debian}
PAUSE_IMAGE=localhost/pulumi-bytewax/pause:1
INIT_IMAGE=localhost/pulumi-bytewax/busybox:debian-$DEBIAN_SUITE
BYTEWAX_IMAGE=localhost/pulumi-bytewax/bytewax:$BYTEWAX_VERSION-python3.11-debian-$DEBIAN_SUITE

cache=${PULUMI_BYTEWAX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-bytewax}
key=$({ cat "$0" "$root"/scripts/node/*; echo "$DEBIAN_SUITE $DEBIAN_MIRROR"; } | sha256sum | cut -c1-12)
out=$cache/images-$key

log() { [ "${quiet:-}" = 1 ] || echo "images: $*" >&2; }

# ensure_packages installs the Debian packages missing among its arguments.
ensure_packages() {
	local missing=() pkg
	for pkg in "$@"; do
		dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "images: installing Debian packages: ${missing[*]}" >&2
	apt-get update -qq >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# oci_archive LAYOUT ROOTFS TAG FILE CONFIG...: one image of one layer holding
# ROOTFS, configured by umoci's --config.* arguments, written as an OCI
# archive to FILE.
oci_archive() {
	local layout=$1 rootfs=$2 tag=$3 file=$4; shift 4
	rm -rf "$layout"
	umoci init --layout "$layout"
	umoci new --image "$layout:$tag"
	umoci insert --image "$layout:$tag" "$rootfs" /
	umoci config --image "$layout:$tag" --os linux --architecture amd64 "$@"
	umoci gc --layout "$layout"
	tar -C "$layout" -cf "$file" .
}

build_pause() {
	local work=$1/pause
	mkdir -p "$work/rootfs"
	gcc -static -Os -Wall -Werror -o "$work/rootfs/pause" "$root/scripts/node/pause.c"
	strip "$work/rootfs/pause"
	oci_archive "$work/layout" "$work/rootfs" "${PAUSE_IMAGE##*:}" "$1/pause.tar" \
		--config.entrypoint /pause
}

build_init() {
	local work=$1/init
	mkdir -p "$work/rootfs"/{bin,sbin,usr/bin,usr/sbin,tmp}
	chmod 1777 "$work/rootfs/tmp"
	cp /bin/busybox "$work/rootfs/bin/busybox"
	chroot "$work/rootfs" /bin/busybox --install -s
	oci_archive "$work/layout" "$work/rootfs" "${INIT_IMAGE##*:}" "$1/init.tar" \
		--config.env PATH=/usr/sbin:/usr/bin:/sbin:/bin --config.cmd sh
}

build_bytewax() {
	local work=$1/bytewax rootfs=$1/bytewax/rootfs
	mkdir -p "$work"
	log "debootstrap of Debian $DEBIAN_SUITE with Python 3 (progress: $work/debootstrap.log)"
	debootstrap --variant=minbase --include=python3,python3-venv \
		"$DEBIAN_SUITE" "$rootfs" "$DEBIAN_MIRROR" >"$work/debootstrap.log" 2>&1 || {
		tail -n 20 "$work/debootstrap.log" >&2
		return 1
	}
	# The wheels come through the host's pip, which knows how this machine
	# reaches PyPI; the image's pip installs them without a network.
	log "downloading bytewax[kafka]==$BYTEWAX_VERSION and its pinned dependencies from PyPI"
	mkdir -p "$rootfs/wheels"
	pip download --quiet --only-binary=:all: --no-deps --python-version 3.11 \
		--platform manylinux_2_31_x86_64 --platform manylinux_2_28_x86_64 \
		--platform manylinux_2_17_x86_64 --platform manylinux_2_5_x86_64 \
		-r "$root/scripts/node/requirements.txt" -d "$rootfs/wheels" >&2
	cp "$root/scripts/node/requirements.txt" "$rootfs/wheels/"
	chroot "$rootfs" /usr/bin/python3 -m venv /venv
	chroot "$rootfs" /venv/bin/pip install --quiet --no-index --find-links /wheels \
		-c /wheels/requirements.txt "bytewax[kafka]==$BYTEWAX_VERSION" >&2
	rm -rf "$rootfs/wheels" "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/*.log
	find "$rootfs/venv" -name __pycache__ -prune -exec rm -rf {} +
	# Python's official images have `python` in /usr/local/bin; Debian's has
	# only python3.
	ln -sf /usr/bin/python3 "$rootfs/usr/local/bin/python"
	: >"$rootfs/etc/resolv.conf"
	mkdir -p "$rootfs/bytewax"
	cp "$root/scripts/node/entrypoint.sh" "$rootfs/bytewax/entrypoint.sh"
	oci_archive "$work/layout" "$rootfs" "${BYTEWAX_IMAGE##*:}" "$1/bytewax.tar" \
		--config.env PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin \
		--config.env LANG=C.UTF-8 --config.env BYTEWAX_WORKDIR=/bytewax \
		--config.workingdir /bytewax --config.exposedports 9999/tcp --config.exposedports 3030/tcp \
		--config.entrypoint /bin/sh --config.entrypoint -c --config.entrypoint ./entrypoint.sh
}

# unmount_under DIR unmounts whatever an interrupted debootstrap left
# mounted below DIR, so that removing DIR never reaches into them.
unmount_under() {
	local target
	[ -d "$1" ] || return 0
	findmnt -rn -o TARGET | grep -F "$1/" | sort -r | while IFS= read -r target; do
		umount "$target" 2>/dev/null || umount -l "$target"
	done
}

build() {
	local started=$SECONDS
	[ "$(id -u)" = 0 ] || { echo "images: building the node's images needs root (debootstrap, chroot)" >&2; return 1; }
	ensure_packages debootstrap busybox-static umoci gcc libc6-dev binutils
	echo "images: building the real node's images once: about 4 minutes (into $out)" >&2
	unmount_under "$out.tmp"
	rm -rf "$out.tmp" && mkdir -p "$out.tmp"
	build_pause "$out.tmp"
	build_init "$out.tmp"
	build_bytewax "$out.tmp"
	rm -rf "$out.tmp"/{pause,init,bytewax}
	{
		echo "pause.tar $PAUSE_IMAGE"
		echo "init.tar $INIT_IMAGE"
		echo "bytewax.tar $BYTEWAX_IMAGE"
	} >"$out.tmp/images"
	rm -rf "$out" && mv "$out.tmp" "$out"
	echo "images: built in $((SECONDS - started)) s: $(cut -d' ' -f2 "$out/images" | tr '\n' ' ')" >&2
}

print_dir=false
for arg in "$@"; do
	case "$arg" in
	--print-dir) print_dir=true quiet=1 ;;
	*) echo "usage: scripts/images.sh [--print-dir]" >&2; exit 2 ;;
	esac
done

[ -f "$out/images" ] || build
if $print_dir; then echo "$out"; else log "ready in $out"; fi

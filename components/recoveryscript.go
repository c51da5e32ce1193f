package components

// recoveryScript prepares a process's recovery volume before the process
// starts. It runs in the dataflow's image, which has Python and Bytewax
// (in the /venv virtualenv of Bytewax's images, activated first), with:
//
//	BYTEWAX_RECOVERY_DIRECTORY   the volume
//	BYTEWAX_RECOVERY_PARTITIONS  the partition count
//	BYTEWAX_RECOVERY_HOLDERS     the processes whose volumes hold partitions
//	BYTEWAX_RECOVERY_LAYOUT      perProcess or shared
//	BYTEWAX_RECOVERY_STATE       the recovery ConfigMap's folder: it has
//	                             files once the dataflow has run with recovery
//	BYTEWAX_POD_NAME             <statefulset>-<process>
//
// With a claim per process, process i holds the partitions j with
// j mod holders = i, so that the cluster as a whole has every partition
// exactly once; with a shared claim, process 0 creates them all and the
// others wait for them. A marker file on the volume records what it was
// set up with. Partitions are created only on a first run and never
// again: a marked volume is checked and used as it is, and an unmarked one
// on a dataflow that has run before was lost, which stops the process
// rather than let it start from empty partitions while its peers resume.
const recoveryScript = `set -eu
` + activateVenv + `
dir=$BYTEWAX_RECOVERY_DIRECTORY
partitions=$BYTEWAX_RECOVERY_PARTITIONS
holders=$BYTEWAX_RECOVERY_HOLDERS
layout=$BYTEWAX_RECOVERY_LAYOUT
process=${BYTEWAX_POD_NAME##*-}
marker=$dir/.bytewax-recovery
pending=$dir/.bytewax-recovery-pending
setup="partitions=$partitions holders=$holders layout=$layout"
startover="to start over, losing the saved state, see the recovery section of pulumi-bytewax's README"

fail() {
	echo "recovery: $*" >&2
	exit 1
}

for n in "$partitions" "$holders" "$process"; do
	case $n in
	'' | *[!0-9]*) fail "expected whole numbers for the partitions, holders and process ($partitions, $holders, $process)" ;;
	esac
done
[ "$holders" -ge 1 ] || fail "holders must be at least 1"

# own lists the partitions this process's volume holds.
own() {
	j=0
	while [ "$j" -lt "$partitions" ]; do
		if [ "$layout" = shared ] || [ $((j % holders)) -eq "$process" ]; then
			echo "$j"
		fi
		j=$((j + 1))
	done
}

# resume checks that the volume holds what it was set up with, and every
# partition this process holds.
resume() {
	rm -f "$pending"
	recorded=$(cat "$marker")
	[ "$recorded" = "$setup" ] || fail "$dir was set up with $recorded, not $setup; Bytewax cannot resume from it: set the dataflow back to what was recorded (the process count among it), or $startover"
	for j in $(own); do
		[ -f "$dir/part-$j.sqlite3" ] || fail "partition $j is missing from $dir; restore it, or $startover"
	done
	echo "recovery: resuming from $dir ($setup)"
	exit 0
}

if [ -f "$marker" ]; then
	resume
fi

if [ "$layout" = shared ] && [ "$process" != 0 ]; then
	waited=0
	while [ ! -f "$marker" ]; do
		[ "$waited" -lt "${BYTEWAX_RECOVERY_WAIT:-300}" ] ||
			fail "process 0 has not set up $dir after ${BYTEWAX_RECOVERY_WAIT:-300} s"
		sleep 1
		waited=$((waited + 1))
	done
	resume
fi

# The volume must be writable by the pod's user, which fsGroup ensures for
# most volumes but not for every network file system.
probe=$dir/.bytewax-recovery-probe
{ : >"$probe" && rm -f "$probe"; } 2>/dev/null ||
	fail "$dir is not writable by user $(id -u), group $(id -g): give the volume's root to that group, or use a storage class that applies fsGroup"

if [ -f "$BYTEWAX_RECOVERY_STATE/holders" ]; then
	if [ "$layout" = perProcess ] && [ "$process" -ge "$holders" ]; then
		echo "$setup" >"$marker.new"
		mv "$marker.new" "$marker"
		echo "recovery: process $process was added after the partitions were made, and holds none"
		exit 0
	fi
	for found in "$dir"/part-*.sqlite3; do
		if [ -e "$found" ]; then
			fail "$dir holds partitions but no record of them ($marker): if they were restored from a backup of this volume, restore that file too, or write it: echo '$setup' >$marker"
		fi
	done
	fail "$dir holds no partitions, but this dataflow has run with recovery before: the volume of process $process was lost or replaced, and the other processes would resume without its partitions; restore the volume, or $startover"
fi

# A first run. Partitions named in the pending list are from a first run
# cut short here, before Bytewax ever used them.
if [ -f "$pending" ]; then
	while read -r made; do
		rm -f "$dir/$made"
	done <"$pending"
	rm -f "$pending"
fi
for found in "$dir"/part-*.sqlite3; do
	if [ -e "$found" ]; then
		fail "$dir holds $found, which this dataflow did not make; it is never overwritten: move it away, or mount another volume"
	fi
done
made=$dir/.bytewax-recovery-new
rm -rf "$made"
mkdir "$made"
python -m bytewax.recovery "$made" "$partitions"
: >"$pending"
for j in $(own); do
	echo "part-$j.sqlite3" >>"$pending"
	mv "$made/part-$j.sqlite3" "$dir/part-$j.sqlite3"
done
rm -rf "$made"
echo "$setup" >"$marker.new"
mv "$marker.new" "$marker"
rm -f "$pending"
echo "recovery: made partitions $(own | tr '\n' ' ')in $dir ($setup)"
`

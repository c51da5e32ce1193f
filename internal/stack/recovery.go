package stack

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pulumi-bytewax/pulumi-bytewax/components"
)

// recoveryOutput is the output that records what a dataflow's recovery
// volumes hold, for the next run to check changes against.
const recoveryOutput = "recovery"

// readRecovery reads the recovery keys into args, when recovery is on.
func readRecovery(r *reader) *components.RecoveryArgs {
	if on := r.bool("recovery"); on == nil || !*on {
		return nil
	}
	rec := &components.RecoveryArgs{
		SnapshotIntervalSeconds: r.int("recoverySnapshotInterval", maxInt32),
		BackupIntervalSeconds:   r.int("recoveryBackupInterval", maxInt32),
		Layout:                  r.string("recoveryLayout"),
		StorageClassName:        r.stringInput("recoveryStorageClass"),
		Size:                    r.string("recoverySize"),
		AccessMode:              r.string("recoveryAccessMode"),
	}
	if n := r.int("recoveryPartitions", maxInt32); n != nil {
		rec.Partitions = *n
	}
	return rec
}

// previousRecovery reads, from the stack's own last outputs, what the
// recovery volumes of each dataflow hold, so that the component refuses a
// change Bytewax could not resume from before anything is applied. A
// program does not see its stack's state; a reference to the stack itself
// does. It is made only when some dataflow has recovery on.
func previousRecovery(ctx *pulumi.Context, dfs []*dataflowConfig, listed bool) error {
	var wanted []*dataflowConfig
	for _, df := range dfs {
		if df.args.Recovery != nil {
			wanted = append(wanted, df)
		}
	}
	if len(wanted) == 0 {
		return nil
	}
	key := recoveryOutput
	if listed {
		key = dataflowsKey
	}
	previous, err := lastOutput(ctx, key)
	if err != nil {
		return err
	}
	for _, df := range wanted {
		v := previous
		if listed {
			entries, _ := v.(map[string]any)
			entry, _ := entries[df.name].(map[string]any)
			v = entry[recoveryOutput]
		}
		df.args.Recovery.Existing = recoveryState(v)
	}
	return nil
}

// lastOutput reads one of the stack's own outputs as its last update left
// it, through a reference to the stack itself; nil when there is none.
var lastOutput = func(ctx *pulumi.Context, key string) (any, error) {
	self := fmt.Sprintf("%s/%s/%s", ctx.Organization(), ctx.Project(), ctx.Stack())
	ref, err := pulumi.NewStackReference(ctx, "last-outputs", &pulumi.StackReferenceArgs{Name: pulumi.String(self)})
	if err != nil {
		return nil, err
	}
	details, err := ref.GetOutputDetails(key)
	if err != nil {
		return nil, fmt.Errorf("reading the stack's last outputs (%s): %w", self, err)
	}
	return details.Value, nil
}

// recoveryState decodes a recovery output; nil when there is none.
func recoveryState(v any) *components.RecoveryState {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	count := func(key string) int {
		n, _ := m[key].(float64)
		return int(n)
	}
	layout, _ := m["layout"].(string)
	st := &components.RecoveryState{Partitions: count("partitions"), Holders: count("holders"), Layout: layout}
	if st.Partitions < 1 || st.Holders < 1 || layout == "" {
		return nil
	}
	return st
}

// recoveryExport is a dataflow's recovery output; nil when recovery is
// off.
func recoveryExport(d *components.BytewaxDataflow) pulumi.Input {
	st := d.RecoveryStateOf()
	if st == nil {
		return nil
	}
	return pulumi.Map{
		"partitions": pulumi.Int(st.Partitions),
		"holders":    pulumi.Int(st.Holders),
		"layout":     pulumi.String(st.Layout),
	}
}

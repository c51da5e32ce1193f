package components

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAValuePerRunIsKeptForTheRunAndForgottenAfterIt(t *testing.T) {
	var counts perRun[int]
	_, err := run(t, func(ctx *pulumi.Context) error {
		for range 3 {
			counts.update(ctx, func(n *int) { *n++ })
		}
		var got int
		counts.update(ctx, func(n *int) { got = *n })
		assert.Equal(t, 3, got, "one value for the whole run")
		return nil
	})
	require.NoError(t, err)
	_, err = run(t, func(ctx *pulumi.Context) error {
		var got int
		counts.update(ctx, func(n *int) { got = *n })
		assert.Zero(t, got, "another run starts afresh")
		return nil
	})
	require.NoError(t, err)

	// Both contexts are unreachable now; their cleanups run after a GC.
	deadline := time.Now().Add(5 * time.Second)
	for {
		runtime.GC()
		counts.mu.Lock()
		left := len(counts.byRun)
		counts.mu.Unlock()
		if left == 0 || time.Now().After(deadline) {
			assert.Zero(t, left, "a finished run's value is forgotten")
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestDataflowsBuiltInContextsThatJoinedOneRunAreCheckedAgainstEachOther(t *testing.T) {
	// A component provider builds each dataflow of a program in a context
	// of its own; the run they join makes them one program's.
	shared := NewRun()
	built := 0
	build := func(joined *Run, namespace string) error {
		built++
		_, err := run(t, func(ctx *pulumi.Context) error {
			if joined != nil {
				joined.Join(ctx)
			}
			args := flatArgs()
			args.Namespace = pulumi.String(namespace)
			_, err := NewBytewaxDataflow(ctx, fmt.Sprintf("wc%d", built), args)
			return err
		})
		return err
	}
	require.NoError(t, build(shared, "streams"))
	err := build(shared, "streams")
	require.Error(t, err, "the second dataflow of the run writes the first one's objects")
	assert.Contains(t, err.Error(), `  name: is already the name of dataflow "wc1" in namespace "streams" of this program`, "named as the schema names the property")

	require.NoError(t, build(shared, "other"), "another namespace clashes with nothing")
	require.NoError(t, build(nil, "streams"), "a context that joined no run is a program of its own")
	require.NoError(t, build(NewRun(), "streams"), "another run starts afresh")
}

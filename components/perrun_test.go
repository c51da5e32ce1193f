package components

import (
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

package components

import (
	"runtime"
	"sync"
	"weak"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// perRun keeps a value for each program run, such as what the dataflows of
// one program have claimed, keyed weakly by the run's context, so that a
// finished run's value is forgotten.
type perRun[V any] struct {
	mu    sync.Mutex
	byRun map[weak.Pointer[pulumi.Context]]V
}

// update calls fn, under the lock, with the run's value (the zero value
// the first time), and keeps what fn leaves in it.
func (r *perRun[V]) update(ctx *pulumi.Context, fn func(v *V)) {
	run := weak.Make(ctx)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.byRun == nil {
		r.byRun = map[weak.Pointer[pulumi.Context]]V{}
	}
	v, seen := r.byRun[run]
	fn(&v)
	r.byRun[run] = v
	if !seen {
		runtime.AddCleanup(ctx, func(run weak.Pointer[pulumi.Context]) {
			r.mu.Lock()
			delete(r.byRun, run)
			r.mu.Unlock()
		}, run)
	}
}

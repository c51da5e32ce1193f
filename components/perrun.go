package components

import (
	"runtime"
	"sync"
	"weak"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// A Run is one deployment of a program whose dataflows are built in several
// Pulumi contexts, as a component provider builds each in a Construct call
// of its own. The checks that span dataflows (two dataflows writing one
// object, a namespace created twice) see every dataflow built in a context
// that joined the run. A Go program needs none: its dataflows share its
// context.
type Run struct{ _ byte }

// NewRun starts a run; keep it as long as its deployment lasts.
func NewRun() *Run { return &Run{} }

// Join makes the dataflows built with ctx part of the run. Call it before
// building any dataflow with ctx.
func (r *Run) Join(ctx *pulumi.Context) {
	joinedRuns.mu.Lock()
	defer joinedRuns.mu.Unlock()
	if joinedRuns.of == nil {
		joinedRuns.of = map[weak.Pointer[pulumi.Context]]*Run{}
	}
	key := weak.Make(ctx)
	if _, seen := joinedRuns.of[key]; !seen {
		runtime.AddCleanup(ctx, func(key weak.Pointer[pulumi.Context]) {
			joinedRuns.mu.Lock()
			delete(joinedRuns.of, key)
			joinedRuns.mu.Unlock()
		}, key)
	}
	joinedRuns.of[key] = r
}

// joinedRuns maps the contexts that joined a Run to it.
var joinedRuns struct {
	mu sync.Mutex
	of map[weak.Pointer[pulumi.Context]]*Run
}

// runOf is the Run ctx joined, nil for a context of its own.
func runOf(ctx *pulumi.Context) *Run {
	joinedRuns.mu.Lock()
	defer joinedRuns.mu.Unlock()
	return joinedRuns.of[weak.Make(ctx)]
}

// perRun keeps a value for each program run, such as what the dataflows of
// one program have claimed, keyed weakly by the run's context, or by the
// Run the context joined, so that a finished run's value is forgotten.
type perRun[V any] struct {
	mu    sync.Mutex
	byRun map[any]V
}

// update calls fn, under the lock, with the run's value (the zero value
// the first time), and keeps what fn leaves in it.
func (r *perRun[V]) update(ctx *pulumi.Context, fn func(v *V)) {
	joined := runOf(ctx)
	var run any = weak.Make(ctx)
	if joined != nil {
		run = weak.Make(joined)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.byRun == nil {
		r.byRun = map[any]V{}
	}
	v, seen := r.byRun[run]
	fn(&v)
	r.byRun[run] = v
	if seen {
		return
	}
	forget := func(run any) {
		r.mu.Lock()
		delete(r.byRun, run)
		r.mu.Unlock()
	}
	if joined != nil {
		runtime.AddCleanup(joined, forget, run)
	} else {
		runtime.AddCleanup(ctx, forget, run)
	}
}

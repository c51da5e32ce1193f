package main

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// trace records when each part of one `up` happens: the program entered
// and returned, and each resource's step started (its pre event) and ended
// (its outputs event), as the engine's event stream reports them.
type trace struct {
	mu                                   sync.Mutex
	started, programIn, programOut, done time.Time
	steps                                map[string]*step
}

type step struct {
	urn, op    string
	start, end time.Time
}

// program wraps a program so that the trace sees when it runs.
func (tr *trace) program(p pulumi.RunFunc) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		tr.mu.Lock()
		tr.programIn = time.Now()
		tr.mu.Unlock()
		err := p(ctx)
		tr.mu.Lock()
		tr.programOut = time.Now()
		tr.mu.Unlock()
		return err
	}
}

// options stream the engine's events into the trace.
func (tr *trace) options() []optup.Option {
	ch := make(chan events.EngineEvent)
	go func() {
		for e := range ch {
			now := time.Now()
			tr.mu.Lock()
			switch {
			case e.ResourcePreEvent != nil:
				m := e.ResourcePreEvent.Metadata
				tr.steps[m.URN+" "+string(m.Op)] = &step{urn: m.URN, op: string(m.Op), start: now}
			case e.ResOutputsEvent != nil:
				m := e.ResOutputsEvent.Metadata
				if s := tr.steps[m.URN+" "+string(m.Op)]; s != nil {
					s.end = now
				}
			}
			tr.mu.Unlock()
		}
	}()
	return []optup.Option{optup.EventStreams(ch)}
}

func newTrace() *trace { return &trace{steps: map[string]*step{}} }

// report describes the trace: where the time of the `up` went.
func (tr *trace) report() string {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	var b strings.Builder
	since := func(t time.Time) string { return fmt.Sprintf("%5.2f s", t.Sub(tr.started).Seconds()) }
	fmt.Fprintf(&b, "| at | what |\n|---|---|\n")
	fmt.Fprintf(&b, "| %s | the engine, the language runtime and the Kubernetes provider start; the program is entered |\n", since(tr.programIn))
	fmt.Fprintf(&b, "| %s | the program returns: config read, files read and packed, every check, every resource declared (%.0f ms) |\n",
		since(tr.programOut), tr.programOut.Sub(tr.programIn).Seconds()*1000)
	steps := make([]*step, 0, len(tr.steps))
	for _, s := range tr.steps {
		steps = append(steps, s)
	}
	sort.Slice(steps, func(i, j int) bool { return steps[i].start.Before(steps[j].start) })
	var last time.Time
	for _, s := range steps {
		if s.end.IsZero() || strings.HasSuffix(s.urn, "pulumi:pulumi:Stack") {
			continue
		}
		name := s.urn[strings.LastIndex(s.urn, "::")+2:]
		typ := s.urn[strings.LastIndex(s.urn[:strings.LastIndex(s.urn, "::")], "::")+2 : strings.LastIndex(s.urn, "::")]
		if i := strings.LastIndex(typ, "$"); i >= 0 {
			typ = typ[i+1:]
		}
		fmt.Fprintf(&b, "| %s → %s | %s %s %s (%.0f ms) |\n", since(s.start), since(s.end), s.op, typ, name, s.end.Sub(s.start).Seconds()*1000)
		if s.end.After(last) {
			last = s.end
		}
	}
	if last.IsZero() {
		last = tr.programOut
	}
	fmt.Fprintf(&b, "| %s | `up` returns: the engine writes the state and stops the plugins (%.0f ms after the last step) |\n",
		since(tr.done), tr.done.Sub(last).Seconds()*1000)
	return b.String()
}

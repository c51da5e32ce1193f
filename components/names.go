package components

import (
	"runtime"
	"sync"
	"weak"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// dataflowKey is where a dataflow's objects live.
type dataflowKey struct{ namespace, name string }

// namesInUse remembers, per program run, which dataflow holds each name in
// each namespace: two dataflows with one name in one namespace would write
// the same StatefulSet, Service and ConfigMap. Runs are keyed weakly, so a
// finished run is forgotten.
var namesInUse = struct {
	sync.Mutex
	byRun map[weak.Pointer[pulumi.Context]]map[dataflowKey]string
}{byRun: map[weak.Pointer[pulumi.Context]]map[dataflowKey]string{}}

// checkNameInUse reports a dataflow of the same run that already has the
// name in a known namespace, and claims the name when claim is set.
func checkNameInUse(ctx *pulumi.Context, p *problems, s *dataflowSpec, claim bool) {
	ns, known := knownString(s.namespace)
	if !known || ctx == nil {
		return
	}
	key := dataflowKey{namespace: ns, name: s.name}
	run := weak.Make(ctx)
	namesInUse.Lock()
	defer namesInUse.Unlock()
	names := namesInUse.byRun[run]
	if other, taken := names[key]; taken && other != s.resource {
		p.add("Name", s.name, "is already the name of dataflow %q in namespace %q of this program; two dataflows would write the same StatefulSet, Service and ConfigMap: give one another Name or Namespace", other, ns)
		return
	}
	if !claim {
		return
	}
	if names == nil {
		names = map[dataflowKey]string{}
		namesInUse.byRun[run] = names
		runtime.AddCleanup(ctx, func(run weak.Pointer[pulumi.Context]) {
			namesInUse.Lock()
			delete(namesInUse.byRun, run)
			namesInUse.Unlock()
		}, run)
	}
	names[key] = s.resource
}

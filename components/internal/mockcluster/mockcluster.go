// Package mockcluster holds the cluster a program run under Pulumi's mocks
// sees, as bytewaxtest.WithCluster sets it: the objects the component then
// finds when it reads the cluster before creating anything.
package mockcluster

import "sync"

var (
	// running serialises the runs that hold a cluster.
	running sync.Mutex
	mu      sync.Mutex
	held    []map[string]any
	holding bool
)

// Hold makes objects, each a Kubernetes object as JSON values, the mocked
// cluster until release is called; runs that hold one wait for each other.
func Hold(objects []map[string]any) (release func()) {
	running.Lock()
	mu.Lock()
	held, holding = objects, true
	mu.Unlock()
	return func() {
		mu.Lock()
		held, holding = nil, false
		mu.Unlock()
		running.Unlock()
	}
}

// Objects returns the held objects, and false when no cluster is held.
func Objects() ([]map[string]any, bool) {
	mu.Lock()
	defer mu.Unlock()
	return held, holding
}

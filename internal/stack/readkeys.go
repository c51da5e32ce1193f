package stack

import (
	"reflect"
	"slices"
)

// ReadKeys are the config keys the program reads for its dataflows, each
// with the type a list or object key is read into (nil for a key read as
// text, a number or a boolean). They are found by running the program's
// own readers over a source that answers every key with "true": every
// switch is then on, so the keys read only when another is set (recovery's,
// batch's, the PodMonitor's, the registry secret's name) are read too.
// Nothing is registered, and the problems the readers find are dropped.
func ReadKeys() map[string]reflect.Type {
	src := &recordingSource{read: map[string]reflect.Type{}}
	top := &reader{src: src, report: &report{}}
	readEntries(top, nil, nil)
	df := readDataflow(top)
	planNamespaces(top, []*dataflowConfig{df})
	return src.read
}

// recordingSource answers every key with "true" and records the keys read.
type recordingSource struct{ read map[string]reflect.Type }

func (s *recordingSource) get(key string) (string, bool) {
	if _, seen := s.read[key]; !seen {
		s.read[key] = nil
	}
	return "true", true
}

func (s *recordingSource) secret(string) bool        { return false }
func (s *recordingSource) fullKey(key string) string { return Namespace + ":" + key }

func (s *recordingSource) decoding(key string, out any) {
	s.read[key] = reflect.TypeOf(out).Elem()
}

// SecretKeys are the keys whose values may be secrets, kept in Secrets on
// the cluster; a secret value of any other key is refused.
func SecretKeys() []string { return slices.Clone(secretKeys) }

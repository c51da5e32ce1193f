// Package components provides BytewaxDataflow, a Pulumi component resource
// that runs a Bytewax dataflow on Kubernetes as a cluster of processes.
//
// One BytewaxDataflow composes, all parented to it:
//
//   - a Namespace (or an existing one used as is), labelled to enforce the
//     Pod Security Standards "restricted" profile;
//   - a ConfigMap holding the dataflow's Python files, or a deterministic
//     gzip tarball of them when they are nested in folders;
//   - a headless Service that gives every process a stable DNS name;
//   - a StatefulSet whose init-container writes the peers' hostfile and puts
//     the files in the working directory, and whose pod template carries a
//     checksum of the files so that new code rolls every pod; in batch mode,
//     an Indexed Job instead;
//   - a ServiceAccount with the image pull secrets, and optionally the
//     registry credentials Secret itself, and a Secret for the variables
//     whose values may be secret;
//   - a NetworkPolicy and a PodDisruptionBudget, unless disabled; with
//     recovery, its claim and the record of its partitions; optionally a
//     PodMonitor.
//
// Input known when NewBytewaxDataflow is called is checked before any
// resource is registered, so a mistake fails `pulumi preview` with an error
// that names the field, the value and what is allowed; outputs are checked
// as they resolve, before any child is sent to the cluster. Among the
// checks, the cluster's: an object the dataflow would create that exists
// and that the stack did not create is never taken over, and an API server
// too old for a feature is refused.
package components

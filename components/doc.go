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
//     checksum of the files so that new code rolls every pod;
//   - a ServiceAccount with the image pull secrets, and optionally the
//     registry credentials Secret itself.
//
// All input is checked before any resource is registered, so a mistake fails
// `pulumi preview` with an error that names the field, the value and what is
// allowed.
package components

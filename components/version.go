package components

// Version is this release of the component. Every object the component
// creates carries it in the bytewax.io/component-version annotation (never
// the pod template, so that an upgrade restarts no dataflow), and the
// cluster sees it as the user agent of the component's own reads.
const Version = "0.1.0"

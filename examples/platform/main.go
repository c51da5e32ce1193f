// Command platform is the streaming platform's Pulumi program: it deploys
// the orders and payments Bytewax dataflows to Kubernetes, in a namespace
// it owns, through an explicit Kubernetes provider. Run it with
// `pulumi up`; see README.md.
package main

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

func main() {
	pulumi.Run(Program)
}

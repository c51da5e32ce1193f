// Command pulumi-bytewax is the Pulumi program that deploys a Bytewax
// dataflow to Kubernetes as the stack's config describes. Run it with
// `pulumi up`; see docs/configuration.md for the config keys.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pulumi-bytewax/pulumi-bytewax/internal/stack"
)

func main() {
	pulumi.Run(stack.Program)
}

// Command pulumi-resource-bytewax is the Pulumi resource plugin that serves
// the bytewax package, bytewax:index:BytewaxDataflow, to programs in every
// Pulumi language. The engine starts it; install it with
//
//	pulumi plugin install resource bytewax <version> --file pulumi-resource-bytewax
package main

import (
	"context"
	"fmt"
	"os"

	p "github.com/pulumi/pulumi-go-provider"

	"github.com/pulumi-bytewax/pulumi-bytewax/components"
	"github.com/pulumi-bytewax/pulumi-bytewax/provider"
)

func main() {
	prov, err := provider.New()
	if err == nil {
		err = p.RunProvider(context.Background(), provider.Name, components.Version, prov)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-resource-bytewax: %v\n", err)
		os.Exit(1)
	}
}

// Command gen-descriptions writes provider/descriptions.json, the
// descriptions the plugin's schema carries, from the doc comments of
// package components. Run it with go generate in provider/.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/pulumi-bytewax/pulumi-bytewax/provider/internal/describe"
)

func main() {
	types, err := describe.FromSource("../components")
	if err == nil {
		var out []byte
		if out, err = json.MarshalIndent(types, "", "  "); err == nil {
			err = os.WriteFile("descriptions.json", append(out, '\n'), 0o644)
		}
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "gen-descriptions: %v\n", err)
		os.Exit(1)
	}
}

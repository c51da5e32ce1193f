// Command configdoc writes docs/configuration.md, the reference of every
// stack config key, from Pulumi.yaml, docs/configuration.groups.yaml and
// the keys the program reads (see internal/configdoc). `make docs` runs it.
//
//	go run ./cmd/configdoc [-root .] [-check]
//
// With -check it writes nothing, and fails when the file is out of date.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pulumi-bytewax/pulumi-bytewax/internal/configdoc"
)

func main() {
	root := flag.String("root", ".", "project folder (holds Pulumi.yaml)")
	check := flag.Bool("check", false, "fail when the file is out of date instead of writing it")
	flag.Parse()
	if err := run(*root, *check); err != nil {
		fmt.Fprintf(os.Stderr, "configdoc: %v\n", err)
		os.Exit(1)
	}
}

func run(root string, check bool) error {
	doc, err := configdoc.GenerateFrom(root)
	if err != nil {
		return err
	}
	out := filepath.Join(root, configdoc.OutputFile)
	if check {
		current, err := os.ReadFile(out)
		if err != nil {
			return err
		}
		if !bytes.Equal(current, doc) {
			return fmt.Errorf("%s is out of date; run make docs", configdoc.OutputFile)
		}
		return nil
	}
	if err := os.WriteFile(out, doc, 0o644); err != nil {
		return err
	}
	fmt.Printf("configdoc: wrote %s\n", configdoc.OutputFile)
	return nil
}

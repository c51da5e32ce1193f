package components

import (
	"fmt"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

type nopMocks struct{}

func (nopMocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	return args.Name + "-id", args.Inputs, nil
}

func (nopMocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return args.Args, nil
}

// BenchmarkNewBytewaxDataflow measures a program that declares n dataflows,
// from validation to every child registered, under mocks.
func BenchmarkNewBytewaxDataflow(b *testing.B) {
	for _, n := range []int{1, 100, 1000} {
		b.Run(fmt.Sprintf("dataflows=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				err := pulumi.RunErr(func(ctx *pulumi.Context) error {
					for i := range n {
						name := fmt.Sprintf("flow-%d", i)
						_, err := NewBytewaxDataflow(ctx, name, &BytewaxDataflowArgs{
							Namespace: pulumi.String("bench"), Processes: pulumi.IntRef(3),
							Directory: "testdata/flat", Files: []string{"app.py", "helper.py"}, PythonFile: "app.py",
						})
						if err != nil {
							return err
						}
					}
					return nil
				}, pulumi.WithMocks("project", "stack", nopMocks{}), func(info *pulumi.RunInfo) { info.RootDirectory = packageDir })
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

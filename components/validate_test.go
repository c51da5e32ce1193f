package components

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	pt "github.com/pulumi-bytewax/pulumi-bytewax/internal/pulumitest"
)

func TestInvalidArgsFailBeforeAnyResourceIsRegistered(t *testing.T) {
	bigDir := t.TempDir()
	big := make([]byte, 900<<10) // 900 KiB of binary data is 1.17 MiB base64-encoded
	for i := range big {
		big[i] = byte(i*7919) | 0x80
	}
	require.NoError(t, os.WriteFile(filepath.Join(bigDir, "flow.py"), []byte("flow = None\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(bigDir, "model.bin"), big, 0o644))

	tests := []struct {
		name   string
		modify func(a *BytewaxDataflowArgs)
		field  string
		want   string
	}{
		{"zero processes", func(a *BytewaxDataflowArgs) { a.Processes = pulumi.IntRef(0) },
			"Processes", "Processes: must be a whole number of at least 1 (got 0)"},
		{"negative workers", func(a *BytewaxDataflowArgs) { a.WorkersPerProcess = pulumi.IntRef(-2) },
			"WorkersPerProcess", "WorkersPerProcess: must be a whole number of at least 1 (got -2)"},
		{"name not a DNS label", func(a *BytewaxDataflowArgs) { a.Name = "My_Flow" },
			"Name", `Name: a DNS-1035 label must consist of lower case alphanumeric characters or '-'`},
		{"name starting with a digit", func(a *BytewaxDataflowArgs) { a.Name = "1flow" },
			"Name", `start with an alphabetic character`},
		{"name too long for the revision label", func(a *BytewaxDataflowArgs) { a.Name = strings.Repeat("a", 53) },
			"Name", "Name: must be at most 52 characters, so that the pods' controller-revision-hash label fits in 63"},
		{"resource name used as name", func(a *BytewaxDataflowArgs) { a.Name = "" },
			"Name (defaulted from the resource name)", `Name (defaulted from the resource name): a DNS-1035 label`},
		{"bad namespace", func(a *BytewaxDataflowArgs) { a.Namespace = "Team.Streams" },
			"Namespace", `Namespace: a lowercase RFC 1123 label must consist of`},
		{"port zero", func(a *BytewaxDataflowArgs) { a.Port = pulumi.IntRef(0) },
			"Port", "Port: must be a port number from 1 to 65535 (got 0)"},
		{"port too high", func(a *BytewaxDataflowArgs) { a.Port = pulumi.IntRef(70000) },
			"Port", "Port: must be a port number from 1 to 65535 (got 70000)"},
		{"pull policy", func(a *BytewaxDataflowArgs) { a.Image.PullPolicy = "Sometimes" },
			"Image.PullPolicy", `Image.PullPolicy: must be one of Always, IfNotPresent, Never (got "Sometimes")`},
		{"init pull policy", func(a *BytewaxDataflowArgs) { a.InitImage.PullPolicy = "always" },
			"InitImage.PullPolicy", `InitImage.PullPolicy: must be one of Always, IfNotPresent, Never (got "always")`},
		{"tag in the repository", func(a *BytewaxDataflowArgs) { a.Image.Repository = "bytewax/bytewax:latest" },
			"Image.Repository", `Image.Repository: must name an image repository`},
		{"cluster domain", func(a *BytewaxDataflowArgs) { a.ClusterDomain = "cluster_local" },
			"ClusterDomain", `ClusterDomain: a lowercase RFC 1123 subdomain`},
		{"python file missing", func(a *BytewaxDataflowArgs) { a.PythonFile = "missing.py"; a.Files = nil },
			"Files", `Files: must name files or folders that exist under Directory "testdata/flat"`},
		{"python file not shipped", func(a *BytewaxDataflowArgs) { a.Files = []string{"helper.py"} },
			"PythonFile", `PythonFile: must be one of the shipped files: helper.py (got "app.py:flow")`},
		{"no python file", func(a *BytewaxDataflowArgs) { a.PythonFile = "" },
			"PythonFile", `PythonFile: must name the Python file that defines the dataflow`},
		{"python file escapes", func(a *BytewaxDataflowArgs) { a.PythonFile = "../flow.py" },
			"PythonFile", `PythonFile: must be a path inside Directory, without ".." (got "../flow.py")`},
		{"file escapes", func(a *BytewaxDataflowArgs) { a.Files = []string{"app.py", "../../go.mod"} },
			"Files[1]", `Files[1]: must be a path inside Directory, without ".." (got "../../go.mod")`},
		{"absolute file", func(a *BytewaxDataflowArgs) { a.Files = []string{"/etc/passwd"} },
			"Files[0]", `Files[0]: must be a path inside Directory`},
		{"over the ConfigMap limit", func(a *BytewaxDataflowArgs) {
			a.Directory, a.Files, a.PythonFile = bigDir, []string{"flow.py", "model.bin"}, "flow.py"
		}, "Files", "Files: make a ConfigMap of 1.17 MiB, over Kubernetes' 1 MiB limit (binary data counts base64-encoded); ship only the code and bake large data into the image or fetch it at run time"},
		{"env clashing with BYTEWAX_*", func(a *BytewaxDataflowArgs) { a.Env = []EnvVar{{Name: "BYTEWAX_REPLICAS", Value: "9"}} },
			"Env[0].Name", `Env[0].Name: is set by the component and cannot be overridden; reserved: BYTEWAX_PYTHON_FILE_PATH`},
		{"env name invalid", func(a *BytewaxDataflowArgs) { a.Env = []EnvVar{{Name: "A", Value: "1"}, {Name: "1=B", Value: "2"}} },
			"Env[1].Name", `Env[1].Name: a valid environment variable name must consist of`},
		{"env twice", func(a *BytewaxDataflowArgs) { a.Env = []EnvVar{{Name: "A"}, {Name: "A"}} },
			"Env[1].Name", `Env[1].Name: appears more than once (got "A")`},
		{"bad quantity", func(a *BytewaxDataflowArgs) { a.Resources.Limits = map[string]string{"memory": "lots"} },
			"Resources.Limits.memory", `Resources.Limits.memory: must be a Kubernetes quantity, such as "500m" or "1Gi" (got "lots")`},
		{"label value", func(a *BytewaxDataflowArgs) { a.Labels = map[string]string{"team": "data science"} },
			"Labels.team", `Labels.team: a valid label must be an empty string or consist of`},
		{"selector label", func(a *BytewaxDataflowArgs) { a.Labels = map[string]string{"app.kubernetes.io/instance": "x"} },
			"Labels", `Labels: is part of the StatefulSet's selector and is set by the component (got "app.kubernetes.io/instance")`},
		{"annotation key", func(a *BytewaxDataflowArgs) { a.Annotations = map[string]string{"bad key": "x"} },
			"Annotations", `Annotations: name part must consist of alphanumeric characters`},
		{"pull secret name", func(a *BytewaxDataflowArgs) { a.ImagePullSecrets = []string{"Creds"} },
			"ImagePullSecrets[0]", `ImagePullSecrets[0]: a lowercase RFC 1123 subdomain`},
		{"credentials without a value", func(a *BytewaxDataflowArgs) { a.RegistryCredentials = &RegistryCredentials{} },
			"RegistryCredentials.DockerConfigJSON", `RegistryCredentials.DockerConfigJSON: must hold the registry's docker config.json, as a Pulumi secret (got nothing)`},
		{"service account name", func(a *BytewaxDataflowArgs) { a.ServiceAccount.Name = "Runner!" },
			"ServiceAccount.Name", `ServiceAccount.Name: a lowercase RFC 1123 subdomain`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := flatArgs()
			tt.modify(args)
			d, err := pt.Run(t, func(ctx *pulumi.Context) error {
				_, err := NewBytewaxDataflow(ctx, "MyFlow", args)
				return err
			})
			require.Error(t, err)
			assert.Empty(t, d.Resources, "nothing may be registered for invalid input")
			var invalid *ValidationError
			require.True(t, errors.As(err, &invalid), "%T: %v", err, err)
			var fields []string
			for _, fe := range invalid.Errors {
				fields = append(fields, fe.Field)
			}
			assert.Contains(t, fields, tt.field)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), "goroutine", "no stack traces for user mistakes")
		})
	}
}

func TestEveryProblemIsReportedAtOnce(t *testing.T) {
	args := flatArgs()
	args.Processes = pulumi.IntRef(0)
	args.Port = pulumi.IntRef(0)
	args.Image.PullPolicy = "Sometimes"
	_, err := resolve("x", args)
	var invalid *ValidationError
	require.ErrorAs(t, err, &invalid)
	assert.Len(t, invalid.Errors, 3)
	assert.True(t, strings.HasPrefix(err.Error(), "invalid BytewaxDataflow arguments:\n  "))
}

func TestRenameFieldsNamesConfigKeys(t *testing.T) {
	_, err := resolve("x", &BytewaxDataflowArgs{Processes: pulumi.IntRef(0), Directory: "testdata/flat", PythonFile: "app.py"})
	var invalid *ValidationError
	require.ErrorAs(t, err, &invalid)
	invalid.RenameFields(func(f string) string { return "cfg:" + strings.ToLower(f) })
	assert.Equal(t, "invalid BytewaxDataflow arguments:\n  cfg:processes: must be a whole number of at least 1 (got 0)", err.Error())
}

package components

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	pt "github.com/pulumi-bytewax/pulumi-bytewax/components/bytewaxtest"
)

// output turns a literal into an output, as another resource's attribute
// would be: known only once it resolves.
func output(s string) pulumi.StringOutput {
	return pulumi.String(s).ToStringOutput().ApplyT(func(v string) string { return v }).(pulumi.StringOutput)
}

func TestOutputsArePassedThroughToTheObjects(t *testing.T) {
	args := flatArgs()
	args.Namespace = output("streams")
	args.Image = &ImageArgs{Repository: output("registry.example.com:5000/team/flow"), Tag: output("v2"), PullPolicy: output("Always")}
	args.Labels = pulumi.StringMap{"team": output("data")}
	args.Annotations = pulumi.StringMap{"example.com/owner": output("data")}
	args.ImagePullSecrets = pulumi.StringArray{output("team-registry")}
	args.Resources = &ResourcesArgs{Limits: pulumi.StringMap{"memory": output("1Gi")}}
	args.ServiceAccount = &ServiceAccountArgs{Name: output("runner")}
	d := deploy(t, "wc", args)

	sts := d.ByType(t, typeStatefulSet).Object(t)
	assert.Equal(t, "streams", pt.Get(t, sts, "metadata", "namespace"))
	assert.Equal(t, "data", pt.Get(t, sts, "metadata", "labels", "team"))
	assert.Equal(t, "v2", pt.Get(t, sts, "metadata", "labels", labelVersion))
	pod := pt.Get(t, sts, "spec", "template", "spec")
	assert.Equal(t, "registry.example.com:5000/team/flow:v2", pt.Get(t, pod, "containers", 0, "image"))
	assert.Equal(t, "Always", pt.Get(t, pod, "containers", 0, "imagePullPolicy"))
	assert.Equal(t, "1Gi", pt.Get(t, pod, "containers", 0, "resources", "limits", "memory"))
	assert.Equal(t, []any{map[string]any{"name": "team-registry"}}, pt.Get(t, pod, "imagePullSecrets"))
	assert.Equal(t, "runner", pt.Get(t, pod, "serviceAccountName"))
	assert.Equal(t, "data", pt.Get(t, sts, "spec", "template", "metadata", "annotations", "example.com/owner"))
	assert.Contains(t, pt.Get(t, pod, "initContainers", 0, "command", 2), "wordcount-$i.wordcount.streams.svc.cluster.local:9999")
	assert.Equal(t, "streams", pt.Get(t, d.ByType(t, typeNamespace).Object(t), "metadata", "name"))
}

func TestABadOutputFailsTheDeploymentBeforeAnyChildIsRegistered(t *testing.T) {
	args := flatArgs()
	args.Image = &ImageArgs{Repository: output("flow"), Tag: output("v1/beta")}
	args.Labels = pulumi.StringMap{"team": output("data science")}
	args.RegistryCredentials = &RegistryCredentialsArgs{DockerConfigJSON: pulumi.ToSecret(pulumi.String("hunter2")).(pulumi.StringOutput)}
	d, err := run(t, func(ctx *pulumi.Context) error {
		_, err := NewBytewaxDataflow(ctx, "wc", args)
		return err
	})
	require.Error(t, err)
	msg := err.Error()
	assert.Contains(t, msg, `invalid BytewaxDataflow arguments for "wc" (values that were outputs, checked as they resolved):`)
	assert.Contains(t, msg, `Image.Tag: must be an image tag: up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-' (got "v1/beta")`)
	assert.Contains(t, msg, `Labels.team: a valid label must be an empty string or consist of`)
	assert.Contains(t, msg, `RegistryCredentials.DockerConfigJSON: must be a docker config.json`)
	assert.NotContains(t, msg, "hunter2", "a secret never shows in an error")
	for _, r := range d.Resources {
		assert.False(t, strings.HasPrefix(r.Type, "kubernetes:"), "%s %s was registered with a bad value", r.Type, r.Name)
	}
}

func TestANamespaceOutputMakesEveryChildWaitForIt(t *testing.T) {
	d, err := run(t, func(ctx *pulumi.Context) error {
		first, err := NewBytewaxDataflow(ctx, "orders", flatArgs())
		if err != nil {
			return err
		}
		second := flatArgs()
		second.Name = "payments"
		second.CreateNamespace = false
		second.Namespace = first.NamespaceName
		_, err = NewBytewaxDataflow(ctx, "payments", second)
		return err
	})
	require.NoError(t, err)
	nsURN := "urn:pulumi:stack::project::" + BytewaxDataflowType + "$" + typeNamespace + "::orders"
	for _, r := range d.Resources {
		if r.Name == "payments" && strings.HasPrefix(r.Type, "kubernetes:") {
			assert.Contains(t, r.Dependencies, nsURN, "%s must wait for the namespace", r.Type)
		}
	}
}

func TestOptionalChildrenAreReportedNotNil(t *testing.T) {
	_, err := run(t, func(ctx *pulumi.Context) error {
		args := flatArgs()
		args.CreateNamespace = false
		args.ServiceAccount = &ServiceAccountArgs{Name: pulumi.String("runner"), Existing: true}
		d, err := NewBytewaxDataflow(ctx, "wc", args)
		if err != nil {
			return err
		}
		_, created := d.Namespace()
		assert.False(t, created)
		_, created = d.ServiceAccount()
		assert.False(t, created)
		_, created = d.RegistrySecret()
		assert.False(t, created)
		_, created = d.EnvSecret()
		assert.False(t, created)
		// Depending on the component waits for whatever it created.
		_, err = NewBytewaxDataflow(ctx, "other", &BytewaxDataflowArgs{
			Namespace: pulumi.String("streams"), Directory: "testdata/flat", PythonFile: "app.py",
		}, pulumi.DependsOn([]pulumi.Resource{d}))
		return err
	})
	require.NoError(t, err)
}

func TestSecretEnvValuesGoThroughTheComponentsSecret(t *testing.T) {
	args := flatArgs()
	args.Env = []EnvVarArgs{
		{Name: "RUST_LOG", Value: pulumi.String("warn")},
		{Name: "KAFKA_PASSWORD", Value: pulumi.ToSecret(pulumi.String("hunter2")).(pulumi.StringOutput)},
		{Name: "KAFKA_BROKERS", Value: output("kafka:9092")},
	}
	d := deploy(t, "wc", args)

	secret := d.Named(t, typeSecret, "wc-env")
	assert.True(t, secret.IsSecret("stringData"), "the values are Pulumi secrets in the state")
	obj := secret.Object(t)
	assert.Equal(t, "wordcount-env", pt.Get(t, obj, "metadata", "name"))
	assert.Equal(t, "streams", pt.Get(t, obj, "metadata", "namespace"))
	assert.Equal(t, map[string]any{"KAFKA_PASSWORD": "hunter2", "KAFKA_BROKERS": "kafka:9092"}, obj["stringData"])

	sts := d.ByType(t, typeStatefulSet)
	assert.False(t, sts.Inputs.ContainsSecrets(), "the StatefulSet stays readable: it holds no secret")
	env := pt.Get(t, sts.Object(t), "spec", "template", "spec", "containers", 0, "env").([]any)
	assert.Equal(t, map[string]any{"name": "RUST_LOG", "value": "warn"}, env[0])
	assert.Equal(t, map[string]any{"name": "KAFKA_PASSWORD", "valueFrom": map[string]any{
		"secretKeyRef": map[string]any{"name": "wordcount-env", "key": "KAFKA_PASSWORD"}}}, env[1])
	assert.Equal(t, map[string]any{"name": "KAFKA_BROKERS", "valueFrom": map[string]any{
		"secretKeyRef": map[string]any{"name": "wordcount-env", "key": "KAFKA_BROKERS"}}}, env[2])
	annotations := pt.Get(t, sts.Object(t), "spec", "template", "metadata", "annotations").(map[string]any)
	assert.Contains(t, annotations, envSecretVersionAnnotation, "a new version of the Secret rolls the pods")
	assert.Contains(t, sts.Dependencies, "urn:pulumi:stack::project::"+BytewaxDataflowType+"$"+typeSecret+"::wc-env")
}

func TestValueFromAndEnvFromReachThePod(t *testing.T) {
	args := flatArgs()
	args.Env = []EnvVarArgs{
		{Name: "DB_PASSWORD", ValueFrom: &EnvVarSourceArgs{SecretKeyRef: &KeyRefArgs{Name: pulumi.String("db"), Key: pulumi.String("password")}}},
		{Name: "MODE", ValueFrom: &EnvVarSourceArgs{ConfigMapKeyRef: &KeyRefArgs{Name: pulumi.String("settings"), Key: pulumi.String("mode"), Optional: pulumi.Bool(true)}}},
		{Name: "NODE", ValueFrom: &EnvVarSourceArgs{FieldRef: &FieldRefArgs{FieldPath: pulumi.String("spec.nodeName")}}},
		{Name: "TEAM", ValueFrom: &EnvVarSourceArgs{FieldRef: &FieldRefArgs{FieldPath: pulumi.String("metadata.labels['team']")}}},
		{Name: "MEMORY_MI", ValueFrom: &EnvVarSourceArgs{ResourceFieldRef: &ResourceFieldRefArgs{Resource: pulumi.String("limits.memory"), Divisor: pulumi.String("1Mi")}}},
	}
	args.EnvFrom = []EnvFromSourceArgs{
		{SecretRef: &ObjectRefArgs{Name: pulumi.String("kafka")}},
		{Prefix: pulumi.String("APP_"), ConfigMapRef: &ObjectRefArgs{Name: pulumi.String("app"), Optional: pulumi.Bool(true)}},
	}
	d := deploy(t, "wc", args)
	assert.Empty(t, d.OfType(typeSecret), "references need no Secret of the component's")
	process := pt.Get(t, d.ByType(t, typeStatefulSet).Object(t), "spec", "template", "spec", "containers", 0)
	env := pt.Get(t, process, "env").([]any)
	assert.Equal(t, []any{
		map[string]any{"name": "DB_PASSWORD", "valueFrom": map[string]any{"secretKeyRef": map[string]any{"name": "db", "key": "password"}}},
		map[string]any{"name": "MODE", "valueFrom": map[string]any{"configMapKeyRef": map[string]any{"name": "settings", "key": "mode", "optional": true}}},
		map[string]any{"name": "NODE", "valueFrom": map[string]any{"fieldRef": map[string]any{"fieldPath": "spec.nodeName"}}},
		map[string]any{"name": "TEAM", "valueFrom": map[string]any{"fieldRef": map[string]any{"fieldPath": "metadata.labels['team']"}}},
		map[string]any{"name": "MEMORY_MI", "valueFrom": map[string]any{"resourceFieldRef": map[string]any{
			"containerName": "process", "resource": "limits.memory", "divisor": "1Mi"}}},
	}, env[:5])
	assert.Equal(t, []any{
		map[string]any{"secretRef": map[string]any{"name": "kafka"}},
		map[string]any{"prefix": "APP_", "configMapRef": map[string]any{"name": "app", "optional": true}},
	}, pt.Get(t, process, "envFrom"))
}

func TestImagesArePinnedByTagDigestOrBoth(t *testing.T) {
	const digest = "sha256:" + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	for _, tt := range []struct {
		name  string
		image *ImageArgs
		want  string
	}{
		{"default", nil, "bytewax/bytewax:0.21.1-python3.11"},
		{"tag", &ImageArgs{Repository: pulumi.String("localhost:5000/flow"), Tag: pulumi.String("v1")}, "localhost:5000/flow:v1"},
		{"digest", &ImageArgs{Repository: pulumi.String("flow"), Digest: pulumi.String(digest)}, "flow@" + digest},
		{"both", &ImageArgs{Repository: pulumi.String("flow"), Tag: pulumi.String("v1"), Digest: pulumi.String(digest)}, "flow:v1@" + digest},
		{"digest of the default repository", &ImageArgs{Tag: pulumi.String("0.21.1-python3.11"), Digest: pulumi.String(digest)}, "bytewax/bytewax:0.21.1-python3.11@" + digest},
	} {
		t.Run(tt.name, func(t *testing.T) {
			args := flatArgs()
			args.Image = tt.image
			sts := deploy(t, "wc", args).ByType(t, typeStatefulSet).Object(t)
			assert.Equal(t, tt.want, pt.Get(t, sts, "spec", "template", "spec", "containers", 0, "image"))
		})
	}
}

func TestTwoDataflowsCannotShareANameInANamespace(t *testing.T) {
	d, err := run(t, func(ctx *pulumi.Context) error {
		if _, err := NewBytewaxDataflow(ctx, "orders", flatArgs()); err != nil {
			return err
		}
		again := flatArgs()
		again.CreateNamespace = false
		_, err := NewBytewaxDataflow(ctx, "orders-again", again)
		return err
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `Name: is already the name of dataflow "orders" in namespace "streams" of this program: both would write the same StatefulSet, Service and ConfigMap`)
	assert.Empty(t, d.OfType(BytewaxDataflowType)[1:], "the second dataflow registers nothing")

	_, err = run(t, func(ctx *pulumi.Context) error {
		if _, err := NewBytewaxDataflow(ctx, "orders", flatArgs()); err != nil {
			return err
		}
		elsewhere := flatArgs()
		elsewhere.Namespace = pulumi.String("staging")
		_, err := NewBytewaxDataflow(ctx, "orders-staging", elsewhere)
		return err
	})
	require.NoError(t, err, "the same name in another namespace is fine")
}

func TestTwoDataflowsCannotShareANameInANamespaceKnownLater(t *testing.T) {
	for _, tt := range []struct {
		name, second string
		clash        bool
	}{
		{"the same name", "wordcount", true},
		{"another name", "clicks", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := run(t, func(ctx *pulumi.Context) error {
				first, err := NewBytewaxDataflow(ctx, "orders", flatArgs())
				if err != nil {
					return err
				}
				second := flatArgs()
				second.Name, second.CreateNamespace = tt.second, false
				second.Namespace = first.NamespaceName
				_, err = NewBytewaxDataflow(ctx, "orders-again", second)
				return err
			})
			if !tt.clash {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), `Name: is already the name of dataflow "orders" in namespace "streams" of this program`)
		})
	}
}

func TestNoObjectHasTwoOwners(t *testing.T) {
	secretValue := func() pulumi.StringOutput { return pulumi.ToSecret(pulumi.String("x")).(pulumi.StringOutput) }
	for _, tt := range []struct {
		name   string
		second func(a *BytewaxDataflowArgs)
		want   string
	}{
		{"a namespace created twice", func(a *BytewaxDataflowArgs) { a.Name = "other" },
			`CreateNamespace: namespace "streams" is created by dataflow "first" already, and destroying one would delete the other's`},
		{"an account created twice", func(a *BytewaxDataflowArgs) {
			a.Name, a.CreateNamespace = "other", false
			a.ServiceAccount = &ServiceAccountArgs{Name: pulumi.String("wordcount-bytewax")}
		}, `ServiceAccount.Name: account "wordcount-bytewax" is created by dataflow "first" already; share it with Existing, or name another`},
		{"a pull secret created twice", func(a *BytewaxDataflowArgs) {
			a.Name, a.CreateNamespace = "other", false
			a.RegistryCredentials = &RegistryCredentialsArgs{SecretName: pulumi.String("wordcount-registry"), DockerConfigJSON: pulumi.String(`{"auths":{}}`)}
		}, `RegistryCredentials.SecretName: secret "wordcount-registry" is created by dataflow "first" already`},
	} {
		pair := func() (first, second *BytewaxDataflowArgs) {
			first = flatArgs()
			first.RegistryCredentials = &RegistryCredentialsArgs{DockerConfigJSON: pulumi.String(`{"auths":{}}`)}
			second = flatArgs()
			tt.second(second)
			return first, second
		}
		t.Run(tt.name, func(t *testing.T) {
			_, err := run(t, func(ctx *pulumi.Context) error {
				first, second := pair()
				if _, err := NewBytewaxDataflow(ctx, "first", first); err != nil {
					return err
				}
				_, err := NewBytewaxDataflow(ctx, "second", second)
				return err
			})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
		t.Run(tt.name+", found before either is registered", func(t *testing.T) {
			d, err := run(t, func(ctx *pulumi.Context) error {
				first, second := pair()
				var invalid ValidationErrors
				require.ErrorAs(t, ValidateAll(ctx, map[string]*BytewaxDataflowArgs{"first": first, "second": second}), &invalid)
				require.Len(t, invalid, 1)
				assert.Equal(t, "second", invalid[0].Resource)
				assert.Contains(t, invalid[0].Error(), tt.want)
				return nil
			})
			require.NoError(t, err)
			assert.Empty(t, d.Resources, "nothing is registered")
		})
	}

	t.Run("the pull secret named as the env secret", func(t *testing.T) {
		args := flatArgs()
		args.Env = []EnvVarArgs{{Name: "PASSWORD", Value: secretValue()}}
		args.RegistryCredentials = &RegistryCredentialsArgs{SecretName: pulumi.String("wordcount-env"), DockerConfigJSON: pulumi.String(`{"auths":{}}`)}
		err := validateArgs(t, "wc", args)
		require.Error(t, err)
		assert.Contains(t, err.Error(), `RegistryCredentials.SecretName: is the name of the Secret the component keeps the secret env values in`)
	})

	t.Run("the pull secret listed as existing", func(t *testing.T) {
		args := flatArgs()
		args.ImagePullSecrets = pulumi.ToStringArray([]string{"wordcount-registry"})
		args.RegistryCredentials = &RegistryCredentialsArgs{DockerConfigJSON: pulumi.String(`{"auths":{}}`)}
		err := validateArgs(t, "wc", args)
		require.Error(t, err)
		assert.Contains(t, err.Error(), `ImagePullSecrets: names the pull secret the component creates from RegistryCredentials`)
	})

	t.Run("children of differently named dataflows never share a URN", func(t *testing.T) {
		d, err := run(t, func(ctx *pulumi.Context) error {
			a := flatArgs()
			a.Name = "a"
			a.Env = []EnvVarArgs{{Name: "PASSWORD", Value: secretValue()}}
			if _, err := NewBytewaxDataflow(ctx, "a", a); err != nil {
				return err
			}
			b := flatArgs()
			b.Name, b.CreateNamespace = "b", false
			b.RegistryCredentials = &RegistryCredentialsArgs{DockerConfigJSON: pulumi.ToSecret(pulumi.String(`{"auths":{}}`)).(pulumi.StringOutput)}
			_, err := NewBytewaxDataflow(ctx, "a-env", b)
			return err
		})
		require.NoError(t, err)
		urns := map[string]bool{}
		for _, r := range d.Resources {
			assert.False(t, urns[r.URN], "two resources share %s", r.URN)
			urns[r.URN] = true
		}
	})
}

func TestEmptyAndNilInputsAreErrorsNotPanics(t *testing.T) {
	var nilString *pulumi.String
	args := flatArgs()
	args.Namespace = nilString
	d := deploy(t, "wc", args)
	assert.Equal(t, DefaultNamespace, pt.Get(t, d.ByType(t, typeStatefulSet).Object(t), "metadata", "namespace"), "a nil pointer is a missing value")

	args = flatArgs()
	args.Namespace = pulumi.StringOutput{}
	args.Labels = pulumi.StringMap{"team": nil}
	args.Env = []EnvVarArgs{{Name: "A", Value: pulumi.StringOutput{}}}
	args.Recovery = &RecoveryArgs{Partitions: 3, StorageClassName: pulumi.StringOutput{}}
	err := validateArgs(t, "wc", args)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Recovery.StorageClassName: is an empty output")
	assert.Contains(t, err.Error(), "Namespace: is an empty output")
	assert.Contains(t, err.Error(), "Labels.team: must be a value, not a nil input or an empty output")
	assert.Contains(t, err.Error(), "Env[0].Value: is an empty output")
}

func TestASecretNamespaceStaysSecretAndErrorsNeverQuoteSecrets(t *testing.T) {
	args := flatArgs()
	args.Namespace = pulumi.ToSecret(pulumi.String("streams")).(pulumi.StringOutput)
	args.Labels = pulumi.StringMap{"team": output("data")}
	d := deploy(t, "wc", args)
	assert.True(t, d.ByType(t, typeConfigMap).IsSecret("metadata"), "a secret namespace is not unveiled by the checks")

	args = flatArgs()
	args.Labels = pulumi.StringMap{"team": pulumi.ToSecret(pulumi.String("hunter2 secret!")).(pulumi.StringOutput)}
	args.Image = &ImageArgs{Repository: pulumi.String("flow"), Tag: pulumi.ToSecret(pulumi.String("bad/hunter2")).(pulumi.StringOutput)}
	_, err := run(t, func(ctx *pulumi.Context) error {
		_, err := NewBytewaxDataflow(ctx, "wc", args)
		return err
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Labels.team: a valid label must be an empty string or consist of")
	assert.Contains(t, err.Error(), "Image.Tag: must be an image tag")
	assert.NotContains(t, err.Error(), "hunter2")
}

// Values passed through to an object are inputs at every depth: outputs
// reach the objects, and are checked as they resolve.
func TestNestedPassThroughValuesTakeOutputs(t *testing.T) {
	boolOutput := func(b bool) pulumi.BoolPtrOutput {
		return pulumi.Bool(b).ToBoolOutput().ApplyT(func(v bool) *bool { return &v }).(pulumi.BoolPtrOutput)
	}
	args := flatArgs()
	args.Tolerations = []TolerationArgs{
		{Key: output("dedicated"), Operator: output(""), Value: output("streaming"), Effect: output("NoExecute"),
			TolerationSeconds: pulumi.Int(30).ToIntOutput().ApplyT(func(v int) *int { return &v }).(pulumi.IntPtrOutput)},
		{Key: pulumi.String("spot"), Operator: pulumi.String("")},
	}
	args.Env = []EnvVarArgs{{Name: "TOKEN", ValueFrom: &EnvVarSourceArgs{SecretKeyRef: &KeyRefArgs{Name: output("creds"), Key: output("token"), Optional: boolOutput(true)}}}}
	args.Volumes = []VolumeArgs{{Name: "scratch", MountPath: "/scratch", ReadOnly: boolOutput(false), EmptyDir: &EmptyDirVolumeArgs{Medium: output("Memory"), SizeLimit: output("1Gi")}}}
	args.NetworkPolicy = &NetworkPolicyArgs{APIFrom: []NetworkPeerArgs{
		{NamespaceLabels: pulumi.StringMap{"team": output("observability")}},
		{PodLabels: pulumi.StringMap{"app": output("prometheus")}, NamespaceLabels: pulumi.StringMap{}},
	}}
	args.PodMonitor = &PodMonitorArgs{Interval: output("15s"), Labels: pulumi.StringMap{"release": output("prom")}}
	d := deploy(t, "wc", args)

	pod := pt.Get(t, d.ByType(t, typeStatefulSet).Object(t), "spec", "template", "spec")
	assert.Equal(t, map[string]any{"key": "dedicated", "operator": "Equal", "value": "streaming", "effect": "NoExecute", "tolerationSeconds": float64(30)},
		pt.Get(t, pod, "tolerations", 0), "an empty operator is Equal")
	assert.Equal(t, map[string]any{"key": "spot", "operator": "Equal"}, pt.Get(t, pod, "tolerations", 1))
	assert.Equal(t, map[string]any{"name": "creds", "key": "token", "optional": true}, pt.Get(t, pod, "containers", 0, "env", 0, "valueFrom", "secretKeyRef"))
	assert.Equal(t, map[string]any{"medium": "Memory", "sizeLimit": "1Gi"}, pt.Get(t, pod, "volumes", 4, "emptyDir"))
	assert.Equal(t, map[string]any{"name": "scratch", "mountPath": "/scratch"}, pt.Get(t, pod, "containers", 0, "volumeMounts", 3), "false is left out")

	policy := d.ByType(t, typeNetworkPolicy).Object(t)
	api := pt.Get(t, policy, "spec", "ingress", 1, "from")
	assert.Equal(t, []any{
		map[string]any{"namespaceSelector": map[string]any{"matchLabels": map[string]any{"team": "observability"}}, "podSelector": map[string]any{}},
		// An empty map selects no namespaces: the dataflow's own.
		map[string]any{"podSelector": map[string]any{"matchLabels": map[string]any{"app": "prometheus"}}},
	}, api)

	monitor := d.ByType(t, typePodMonitor).Object(t)
	assert.Equal(t, "prom", pt.Get(t, monitor, "metadata", "labels", "release"))
	assert.Equal(t, "15s", pt.Get(t, monitor, "spec", "podMetricsEndpoints", 0, "interval"))
}

func TestBadNestedOutputsFailBeforeAnyChildIsRegistered(t *testing.T) {
	args := flatArgs()
	args.Tolerations = []TolerationArgs{{Key: output("dedicated"), Operator: output("Is")}}
	args.NetworkPolicy = &NetworkPolicyArgs{APIFrom: []NetworkPeerArgs{{NamespaceLabels: pulumi.StringMap{}.ToStringMapOutput()}}}
	args.PodMonitor = &PodMonitorArgs{Interval: output("soon")}
	d, err := run(t, func(ctx *pulumi.Context) error {
		_, err := NewBytewaxDataflow(ctx, "wc", args)
		return err
	})
	require.Error(t, err)
	msg := err.Error()
	assert.Contains(t, msg, `Tolerations[0].Operator: must be Equal or Exists (got "Is")`)
	assert.Contains(t, msg, `NetworkPolicy.APIFrom[0]: must select namespaces or pods by labels`)
	assert.Contains(t, msg, `PodMonitor.Interval: must be a duration`)
	assert.Empty(t, d.OfType(typeStatefulSet), "nothing is applied")
}

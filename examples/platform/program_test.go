package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/diag"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag/colors"
	resourceconfig "github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pulumi-bytewax/pulumi-bytewax/components"
	"github.com/pulumi-bytewax/pulumi-bytewax/components/bytewaxtest"
)

// kafkaPassword is the password the tests set; it may show in no resource
// but the orders dataflow's Secret.
const kafkaPassword = "correct-horse-battery-staple"

// kafkaPasswordKey is the password's config key, listed as secret.
const kafkaPasswordKey = "platform:kafkaPassword"

// stagingConfig is the config of a stack like Pulumi.staging.yaml, with
// the password set.
func stagingConfig() map[string]string {
	return map[string]string{
		"platform:namespace":   "streams-staging",
		"platform:kubeContext": "staging",
		kafkaPasswordKey:       kafkaPassword,
	}
}

// run runs program under mocks as a stack of this project, with its root
// at this folder, and returns what it registered.
func run(t *testing.T, program pulumi.RunFunc, cfg map[string]string) (bytewaxtest.Deployment, error) {
	t.Helper()
	root, err := filepath.Abs(".")
	require.NoError(t, err)
	return bytewaxtest.Run(t, program,
		bytewaxtest.WithProject("platform"),
		bytewaxtest.WithStack("staging"),
		bytewaxtest.WithRootDirectory(root),
		bytewaxtest.WithConfig(cfg, kafkaPasswordKey))
}

// deploy runs Program with the staging config and fails the test on error.
func deploy(t *testing.T) bytewaxtest.Deployment {
	t.Helper()
	d, err := run(t, Program, stagingConfig())
	require.NoError(t, err)
	return d
}

// childrenOf returns the resources registered with the dataflow named name
// as their parent.
func childrenOf(d bytewaxtest.Deployment, name string) []bytewaxtest.Registered {
	parent := "::" + components.BytewaxDataflowType + "::" + name
	var children []bytewaxtest.Registered
	for _, r := range d.Resources {
		if strings.HasSuffix(r.Parent, parent) {
			children = append(children, r)
		}
	}
	return children
}

// container returns the dataflow container of a StatefulSet object.
func container(t *testing.T, sts map[string]any) map[string]any {
	t.Helper()
	c, ok := bytewaxtest.Get(t, sts, "spec", "template", "spec", "containers", 0).(map[string]any)
	require.True(t, ok, "the StatefulSet has no container")
	require.Equal(t, "process", c["name"])
	return c
}

// envVar returns the container's variable named name.
func envVar(t *testing.T, c map[string]any, name string) map[string]any {
	t.Helper()
	env, _ := c["env"].([]any)
	for _, e := range env {
		if v := e.(map[string]any); v["name"] == name {
			return v
		}
	}
	require.Failf(t, "no such variable", "%s in %v", name, env)
	return nil
}

func TestProviderAndNamespaceFollowTheConfig(t *testing.T) {
	tests := []struct {
		name   string
		config map[string]string
		// kubeContext is the provider's context input: nil when the
		// provider is left to the current context.
		kubeContext any
		namespace   string
	}{
		{
			name:      "defaults",
			config:    map[string]string{kafkaPasswordKey: kafkaPassword},
			namespace: DefaultNamespace,
		},
		{
			name:      "empty kubeContext means the current context",
			config:    map[string]string{kafkaPasswordKey: kafkaPassword, "platform:kubeContext": ""},
			namespace: DefaultNamespace,
		},
		{
			name:        "staging",
			config:      stagingConfig(),
			kubeContext: "staging",
			namespace:   "streams-staging",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := run(t, Program, tt.config)
			require.NoError(t, err)

			provider := d.ByType(t, "pulumi:providers:kubernetes")
			assert.Equal(t, "cluster", provider.Name)
			assert.Equal(t, tt.kubeContext, provider.Object(t)["context"])

			ns := d.ByType(t, bytewaxtest.Namespace).Object(t)
			assert.Equal(t, tt.namespace, bytewaxtest.Get(t, ns, "metadata", "name"))
			for _, mode := range []string{"enforce", "audit", "warn"} {
				assert.Equal(t, "restricted", bytewaxtest.Get(t, ns, "metadata", "labels", "pod-security.kubernetes.io/"+mode), mode)
			}

			for _, r := range d.Resources {
				if strings.HasPrefix(r.Type, "kubernetes:") && r.Type != bytewaxtest.Namespace {
					assert.Equal(t, tt.namespace, bytewaxtest.Get(t, r.Object(t), "metadata", "namespace"), "%s %s", r.Type, r.Name)
				}
			}
		})
	}
}

func TestEveryKubernetesObjectUsesTheExplicitProvider(t *testing.T) {
	d := deploy(t)
	var objects int
	for _, r := range d.Resources {
		if !strings.HasPrefix(r.Type, "kubernetes:") {
			continue
		}
		objects++
		assert.Contains(t, r.Provider, "::pulumi:providers:kubernetes::cluster::", "%s %s", r.Type, r.Name)
	}
	// The namespace, 7 objects of orders (with its env Secret) and 6 of
	// payments.
	assert.Equal(t, 14, objects)
}

func TestDataflowsUseTheProgramsNamespace(t *testing.T) {
	d := deploy(t)
	// The program owns the namespace: neither dataflow creates one.
	ns := d.ByType(t, bytewaxtest.Namespace)
	assert.True(t, strings.HasSuffix(ns.Parent, "::pulumi:pulumi:Stack::platform-staging"), "the namespace belongs to the stack, not to a dataflow; its parent is %s", ns.Parent)
	namespaceURN := "::" + bytewaxtest.Namespace + "::" + ns.Name

	tests := []struct {
		dataflow string
		types    []string
	}{
		{"orders", []string{bytewaxtest.StatefulSet, bytewaxtest.ConfigMap, bytewaxtest.Secret, bytewaxtest.Service, bytewaxtest.ServiceAccount, bytewaxtest.NetworkPolicy, bytewaxtest.PodDisruptionBudget}},
		{"payments", []string{bytewaxtest.StatefulSet, bytewaxtest.ConfigMap, bytewaxtest.Service, bytewaxtest.ServiceAccount, bytewaxtest.NetworkPolicy, bytewaxtest.PodDisruptionBudget}},
	}
	for _, tt := range tests {
		t.Run(tt.dataflow, func(t *testing.T) {
			children := childrenOf(d, tt.dataflow)
			var types []string
			for _, c := range children {
				types = append(types, c.Type)
				waits := slices.ContainsFunc(c.Dependencies, func(urn string) bool {
					return strings.HasSuffix(urn, namespaceURN)
				})
				assert.True(t, waits, "%s %s does not wait for the namespace; it depends on %v", c.Type, c.Name, c.Dependencies)
				assert.Equal(t, "streams-staging", bytewaxtest.Get(t, c.Object(t), "metadata", "namespace"), "%s %s", c.Type, c.Name)
			}
			slices.Sort(types)
			assert.Equal(t, tt.types, types, "the dataflow's objects, in type order")
		})
	}
}

func TestKafkaPasswordIsOnlyInTheOrdersSecret(t *testing.T) {
	d := deploy(t)

	secret := d.ByType(t, bytewaxtest.Secret)
	assert.Equal(t, "orders-env", secret.Name)
	assert.True(t, secret.IsSecret("stringData"), "the Secret's stringData is not a Pulumi secret")
	assert.Equal(t, kafkaPassword, bytewaxtest.Get(t, secret.Object(t), "stringData", "KAFKA_PASSWORD"))

	sts := d.Named(t, bytewaxtest.StatefulSet, "orders")
	assert.False(t, sts.Inputs.ContainsSecrets(), "the StatefulSet's inputs hold a secret")
	c := container(t, sts.Object(t))
	assert.Equal(t, map[string]any{
		"name": "KAFKA_PASSWORD",
		"valueFrom": map[string]any{"secretKeyRef": map[string]any{
			"name": bytewaxtest.Get(t, secret.Object(t), "metadata", "name"),
			"key":  "KAFKA_PASSWORD",
		}},
	}, envVar(t, c, "KAFKA_PASSWORD"))
	assert.Equal(t, "librdkafka=warn,rdkafka::client=warn", envVar(t, c, "RUST_LOG")["value"])

	for _, r := range d.Resources {
		if r.Type == bytewaxtest.Secret {
			continue
		}
		raw, err := json.Marshal(r.Plain())
		require.NoError(t, err)
		assert.NotContains(t, string(raw), kafkaPassword, "%s %s holds the password", r.Type, r.Name)
		assert.False(t, r.Inputs.ContainsSecrets(), "%s %s holds a secret", r.Type, r.Name)
	}
}

func TestDataflowFilesReachTheirConfigMaps(t *testing.T) {
	d := deploy(t)
	tests := []struct {
		dataflow   string
		file       string
		onDisk     string
		pythonFile string
		processes  float64
	}{
		// Embedded in the program: the ConfigMap holds what was built in.
		{"orders", "orders.py", "flows/orders/orders.py", "orders.py:flow", 3},
		// Read from the project's folder when the program runs.
		{"payments", "payments.py", "flows/payments/payments.py", "payments.py", 2},
	}
	for _, tt := range tests {
		t.Run(tt.dataflow, func(t *testing.T) {
			want, err := os.ReadFile(tt.onDisk)
			require.NoError(t, err)

			cm := d.Named(t, bytewaxtest.ConfigMap, tt.dataflow).Object(t)
			assert.Equal(t, map[string]any{tt.file: string(want)}, cm["data"], "the ConfigMap ships the dataflow's file alone")

			sts := d.Named(t, bytewaxtest.StatefulSet, tt.dataflow).Object(t)
			assert.Equal(t, tt.processes, bytewaxtest.Get(t, sts, "spec", "replicas"))
			c := container(t, sts)
			assert.Equal(t, "/var/bytewax/"+tt.pythonFile, envVar(t, c, "BYTEWAX_PYTHON_FILE_PATH")["value"])
		})
	}
}

func TestPaymentsSettingsReachTheContainer(t *testing.T) {
	d := deploy(t)
	tests := []struct {
		dataflow string
		envFrom  any
	}{
		{"payments", []any{map[string]any{"configMapRef": map[string]any{"name": PaymentsSettings, "optional": true}}}},
		{"orders", nil},
	}
	for _, tt := range tests {
		t.Run(tt.dataflow, func(t *testing.T) {
			c := container(t, d.Named(t, bytewaxtest.StatefulSet, tt.dataflow).Object(t))
			assert.Equal(t, tt.envFrom, c["envFrom"])
		})
	}
}

func TestPeerAddresses(t *testing.T) {
	var orders, payments []string
	_, err := run(t, func(ctx *pulumi.Context) error {
		p, err := NewPlatform(ctx)
		if err != nil {
			return err
		}
		p.Orders.PeerAddresses.ApplyT(func(a []string) []string { orders = a; return a })
		p.Payments.PeerAddresses.ApplyT(func(a []string) []string { payments = a; return a })
		return nil
	}, stagingConfig())
	require.NoError(t, err)
	assert.Equal(t, []string{
		"orders-0.orders.streams-staging.svc.cluster.local:9999",
		"orders-1.orders.streams-staging.svc.cluster.local:9999",
		"orders-2.orders.streams-staging.svc.cluster.local:9999",
	}, orders)
	assert.Equal(t, []string{
		"payments-0.payments.streams-staging.svc.cluster.local:9999",
		"payments-1.payments.streams-staging.svc.cluster.local:9999",
	}, payments)
}

func TestMissingKafkaPasswordFailsBeforeAnythingIsRegistered(t *testing.T) {
	cfg := stagingConfig()
	delete(cfg, kafkaPasswordKey)
	d, err := run(t, Program, cfg)

	require.Error(t, err)
	assert.ErrorIs(t, err, config.ErrMissingVar)
	assert.ErrorContains(t, err, "pulumi config set --secret kafkaPassword <password>")
	assert.ErrorContains(t, err, "'platform:kafkaPassword'")
	for _, r := range d.Resources {
		assert.Equal(t, "pulumi:pulumi:Stack", r.Type, "%s %s registered without the password", r.Type, r.Name)
	}
}

func TestProjectAndStackFiles(t *testing.T) {
	project, err := workspace.LoadProject("Pulumi.yaml")
	require.NoError(t, err)
	assert.Equal(t, "platform", string(project.Name))
	assert.Equal(t, "go", project.Runtime.Name())

	keys := make([]string, 0, len(project.Config))
	for key, c := range project.Config {
		keys = append(keys, key)
		assert.NotEmpty(t, c.Description, key)
		require.NotNil(t, c.Type, key)
		assert.Equal(t, "string", *c.Type, key)
	}
	slices.Sort(keys)
	assert.Equal(t, []string{"kafkaPassword", "kubeContext", "namespace"}, keys)
	assert.True(t, project.Config["kafkaPassword"].Secret)
	assert.Nil(t, project.Config["kafkaPassword"].Default, "a secret has no default")
	assert.Equal(t, DefaultNamespace, project.Config["namespace"].Default)
	assert.Equal(t, "", project.Config["kubeContext"].Default)

	sink := diag.DefaultSink(os.Stdout, os.Stderr, diag.FormatOptions{Color: colors.Never})
	stack, err := workspace.LoadProjectStack(sink, project, "Pulumi.staging.yaml")
	require.NoError(t, err)
	values := map[string]string{}
	for key, v := range stack.Config {
		assert.False(t, v.Secure(), "%s is a secret value in the stack file", key)
		values[key.String()], err = v.Value(resourceconfig.NewPanicCrypter())
		require.NoError(t, err)
	}
	assert.Equal(t, map[string]string{"platform:namespace": "streams-staging"}, values)

	// The stack file, with the password set, deploys to its namespace.
	values[kafkaPasswordKey] = kafkaPassword
	d, err := run(t, Program, values)
	require.NoError(t, err)
	assert.Equal(t, "streams-staging", bytewaxtest.Get(t, d.ByType(t, bytewaxtest.Namespace).Object(t), "metadata", "name"))
}

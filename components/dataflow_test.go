package components

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	pt "github.com/pulumi-bytewax/pulumi-bytewax/components/bytewaxtest"
)

const (
	typeNamespace      = pt.Namespace
	typeConfigMap      = pt.ConfigMap
	typeService        = pt.Service
	typeServiceAccount = pt.ServiceAccount
	typeSecret         = pt.Secret
	typeStatefulSet    = pt.StatefulSet
	typeNetworkPolicy  = pt.NetworkPolicy
	typePDB            = pt.PodDisruptionBudget
	typePodMonitor     = "kubernetes:monitoring.coreos.com/v1:PodMonitor"
)

// packageDir plays the Pulumi project's root in these tests, so that
// Directory "testdata/flat" is this package's testdata.
var packageDir, _ = os.Getwd()

// run runs program under mocks with this package as the project's root.
func run(t *testing.T, program pulumi.RunFunc) (pt.Deployment, error) {
	t.Helper()
	return pt.Run(t, program, pt.WithRootDirectory(packageDir))
}

func deploy(t *testing.T, name string, args *BytewaxDataflowArgs, opts ...pulumi.ResourceOption) pt.Deployment {
	t.Helper()
	d, err := tryDeploy(t, name, args, opts...)
	require.NoError(t, err)
	return d
}

// tryDeploy runs a program of one dataflow, and returns its error.
func tryDeploy(t *testing.T, name string, args *BytewaxDataflowArgs, opts ...pulumi.ResourceOption) (pt.Deployment, error) {
	t.Helper()
	return run(t, func(ctx *pulumi.Context) error {
		_, err := NewBytewaxDataflow(ctx, name, args, opts...)
		return err
	})
}

func flatArgs() *BytewaxDataflowArgs {
	return &BytewaxDataflowArgs{
		Name:            "wordcount",
		Namespace:       pulumi.String("streams"),
		CreateNamespace: true,
		Processes:       pulumi.IntRef(2),
		Directory:       "testdata/flat",
		Files:           []string{"app.py", "helper.py"},
		PythonFile:      "app.py:flow",
	}
}

func TestComponentRegistersEveryChildUnderItself(t *testing.T) {
	d := deploy(t, "wc", flatArgs())

	comp := d.ByType(t, BytewaxDataflowType)
	assert.Equal(t, "wc", comp.Name)
	assert.Contains(t, comp.Parent, "pulumi:pulumi:Stack", "the component is a child of the stack here")
	types := []string{typeNamespace, typeConfigMap, typeService, typeServiceAccount, typeStatefulSet, typeNetworkPolicy, typePDB}
	for _, typ := range types {
		child := d.ByType(t, typ)
		assert.Equal(t, "wc", child.Name, typ)
		assert.True(t, strings.HasSuffix(child.Parent, "::wc"), "%s parent %q", typ, child.Parent)
		assert.Contains(t, child.Parent, BytewaxDataflowType)
	}
	assert.Len(t, d.Resources, len(types)+1, "no Secret without registry credentials")
}

func TestNamespaceEnforcesRestrictedPodSecurity(t *testing.T) {
	ns := deploy(t, "wc", flatArgs()).ByType(t, typeNamespace).Object(t)
	assert.Equal(t, "streams", pt.Get(t, ns, "metadata", "name"))
	labels := pt.Get(t, ns, "metadata", "labels").(map[string]any)
	for _, mode := range []string{"enforce", "audit", "warn"} {
		assert.Equal(t, "restricted", labels["pod-security.kubernetes.io/"+mode], mode)
	}
	assert.Equal(t, "pulumi", labels["app.kubernetes.io/managed-by"])
}

func TestNamespaceIsUsedAsItIsUnlessCreateNamespace(t *testing.T) {
	args := flatArgs()
	args.CreateNamespace = false
	d := deploy(t, "wc", args)
	assert.Empty(t, d.OfType(typeNamespace))
	for _, typ := range []string{typeConfigMap, typeService, typeServiceAccount, typeStatefulSet} {
		assert.Equal(t, "streams", pt.Get(t, d.ByType(t, typ).Object(t), "metadata", "namespace"), typ)
	}
}

func TestConfigMapHoldsFlatFilesByName(t *testing.T) {
	cm := deploy(t, "wc", flatArgs()).ByType(t, typeConfigMap).Object(t)
	app, _ := os.ReadFile("testdata/flat/app.py")
	helper, _ := os.ReadFile("testdata/flat/helper.py")
	assert.Equal(t, map[string]any{"app.py": string(app), "helper.py": string(helper)}, cm["data"])
	assert.Nil(t, cm["binaryData"])
	assert.Equal(t, "wordcount", pt.Get(t, cm, "metadata", "name"))
	assert.Equal(t, "streams", pt.Get(t, cm, "metadata", "namespace"))
}

func TestServiceIsHeadlessAndPublishesNotReadyPeers(t *testing.T) {
	args := flatArgs()
	args.Port = pulumi.IntRef(7000)
	svc := deploy(t, "wc", args).ByType(t, typeService).Object(t)
	assert.Equal(t, map[string]any{
		"clusterIP":                "None",
		"publishNotReadyAddresses": true,
		"ports": []any{map[string]any{
			"name": "worker", "port": 7000.0, "targetPort": 7000.0, "protocol": "TCP",
		}},
		"selector": map[string]any{"app.kubernetes.io/name": "bytewax", "app.kubernetes.io/instance": "wordcount"},
	}, svc["spec"])
	assert.Equal(t, "true", pt.Get(t, svc, "metadata", "annotations", "pulumi.com/skipAwait"),
		"a headless Service has nothing to await, and the provider's await can record a copy older than the update")
}

func TestServiceAccountCarriesPullSecretsAndNoToken(t *testing.T) {
	args := flatArgs()
	args.ImagePullSecrets = pulumi.ToStringArray([]string{"team-registry"})
	sa := deploy(t, "wc", args).ByType(t, typeServiceAccount).Object(t)
	assert.Equal(t, "wordcount-bytewax", pt.Get(t, sa, "metadata", "name"))
	assert.Equal(t, []any{map[string]any{"name": "team-registry"}}, sa["imagePullSecrets"])
	assert.Equal(t, false, sa["automountServiceAccountToken"])
}

func TestExistingServiceAccountIsNotCreated(t *testing.T) {
	args := flatArgs()
	args.ServiceAccount = &ServiceAccountArgs{Name: pulumi.String("shared-runner"), Existing: true}
	d := deploy(t, "wc", args)
	assert.Empty(t, d.OfType(typeServiceAccount))
	sts := d.ByType(t, typeStatefulSet).Object(t)
	assert.Equal(t, "shared-runner", pt.Get(t, sts, "spec", "template", "spec", "serviceAccountName"))
}

func TestRegistryCredentialsBecomeASecretPullSecret(t *testing.T) {
	args := flatArgs()
	args.ImagePullSecrets = pulumi.ToStringArray([]string{"other"})
	args.RegistryCredentials = &RegistryCredentialsArgs{DockerConfigJSON: pulumi.String(`{"auths":{}}`)}
	d := deploy(t, "wc", args)

	secret := d.ByType(t, typeSecret)
	obj := secret.Object(t)
	assert.Equal(t, "wordcount-registry", pt.Get(t, obj, "metadata", "name"))
	assert.Equal(t, "kubernetes.io/dockerconfigjson", obj["type"])
	assert.True(t, secret.Inputs["stringData"].ContainsSecrets(), "the credentials must stay a Pulumi secret")
	assert.Equal(t, `{"auths":{}}`, pt.Get(t, obj, "stringData", ".dockerconfigjson"))

	want := []any{map[string]any{"name": "other"}, map[string]any{"name": "wordcount-registry"}}
	assert.Equal(t, want, d.ByType(t, typeServiceAccount).Object(t)["imagePullSecrets"])
	assert.Equal(t, want, pt.Get(t, d.ByType(t, typeStatefulSet).Object(t), "spec", "template", "spec", "imagePullSecrets"))
}

func TestStatefulSetRunsTheProcesses(t *testing.T) {
	args := flatArgs()
	args.WorkersPerProcess = pulumi.IntRef(4)
	args.KeepAlive = pulumi.BoolRef(false)
	args.Env = []EnvVarArgs{{Name: "RUST_LOG", Value: pulumi.String("warn")}}
	args.Resources = &ResourcesArgs{Requests: pulumi.StringMap{"cpu": pulumi.String("250m")}, Limits: pulumi.StringMap{"memory": pulumi.String("1Gi")}}
	args.Labels = pulumi.StringMap{"team": pulumi.String("data")}
	args.Annotations = pulumi.StringMap{"example.com/owner": pulumi.String("data")}
	sts := deploy(t, "wc", args).ByType(t, typeStatefulSet).Object(t)

	spec := sts["spec"].(map[string]any)
	assert.Equal(t, "Parallel", spec["podManagementPolicy"])
	assert.Equal(t, 2.0, spec["replicas"])
	assert.Equal(t, "wordcount", spec["serviceName"])
	assert.Equal(t, map[string]any{"app.kubernetes.io/name": "bytewax", "app.kubernetes.io/instance": "wordcount"},
		pt.Get(t, spec, "selector", "matchLabels"))

	tmpl := spec["template"].(map[string]any)
	assert.Equal(t, map[string]any{"app.kubernetes.io/name": "bytewax", "app.kubernetes.io/instance": "wordcount", "team": "data"},
		pt.Get(t, tmpl, "metadata", "labels"))
	podAnn := pt.Get(t, tmpl, "metadata", "annotations").(map[string]any)
	assert.Equal(t, "data", podAnn["example.com/owner"])
	assert.Regexp(t, `^sha256:[0-9a-f]{64}$`, podAnn[filesChecksumAnnotation])

	pod := tmpl["spec"].(map[string]any)
	assert.Equal(t, map[string]any{
		"runAsNonRoot": true, "runAsUser": 10001.0, "runAsGroup": 10001.0, "fsGroup": 10001.0,
		"fsGroupChangePolicy": "OnRootMismatch", "seccompProfile": map[string]any{"type": "RuntimeDefault"},
	}, pod["securityContext"])
	assert.Equal(t, "wordcount-bytewax", pod["serviceAccountName"])
	assert.Equal(t, false, pod["automountServiceAccountToken"])
	assert.Equal(t, 10.0, pod["terminationGracePeriodSeconds"])

	process := pt.Get(t, pod, "containers", 0).(map[string]any)
	assert.Equal(t, "process", process["name"])
	assert.Equal(t, "bytewax/bytewax:0.21.1-python3.11", process["image"])
	assert.Equal(t, "IfNotPresent", process["imagePullPolicy"])
	assert.Equal(t, []any{
		map[string]any{"name": "RUST_LOG", "value": "warn"},
		map[string]any{"name": "BYTEWAX_PYTHON_FILE_PATH", "value": "/var/bytewax/app.py:flow"},
		map[string]any{"name": "BYTEWAX_WORKDIR", "value": "/var/bytewax"},
		map[string]any{"name": "BYTEWAX_WORKERS_PER_PROCESS", "value": "4"},
		map[string]any{"name": "BYTEWAX_POD_NAME", "valueFrom": map[string]any{
			"fieldRef": map[string]any{"apiVersion": "v1", "fieldPath": "metadata.name"}}},
		map[string]any{"name": "BYTEWAX_REPLICAS", "value": "2"},
		map[string]any{"name": "BYTEWAX_KEEP_CONTAINER_ALIVE", "value": "false"},
		map[string]any{"name": "BYTEWAX_HOSTFILE_PATH", "value": "/etc/bytewax/hostfile.txt"},
		map[string]any{"name": "BYTEWAX_STATEFULSET_NAME", "value": "wordcount"},
		map[string]any{"name": "BYTEWAX_DATAFLOW_API_ENABLED", "value": "true"},
		map[string]any{"name": "BYTEWAX_DATAFLOW_API_PORT", "value": "3030"},
		map[string]any{"name": "PYTHONUNBUFFERED", "value": "1"},
	}, process["env"])
	assert.Equal(t, []any{"sh", "-c", runScript}, process["command"], "the container runs Python so that it gets SIGTERM and its exit code counts")
	assert.Equal(t, map[string]any{
		"httpGet":       map[string]any{"path": "/dataflow", "port": "api"},
		"periodSeconds": 5.0, "failureThreshold": 3.0,
	}, process["readinessProbe"], "Ready only while the dataflow runs")
	assert.Nil(t, process["livenessProbe"], "a crashed dataflow is not restarted behind keep-alive's back")
	assert.Equal(t, map[string]any{
		"requests": map[string]any{"cpu": "250m"}, "limits": map[string]any{"memory": "1Gi"},
	}, process["resources"])
	assert.Equal(t, []any{
		map[string]any{"name": "process", "containerPort": 9999.0, "protocol": "TCP"},
		map[string]any{"name": "api", "containerPort": 3030.0, "protocol": "TCP"},
	}, process["ports"])

	init := pt.Get(t, pod, "initContainers", 0).(map[string]any)
	assert.Equal(t, "busybox:1.37.0", init["image"])
	assert.Equal(t, []any{map[string]any{"name": "BYTEWAX_REPLICAS", "value": "2"}}, init["env"])
	script := pt.Get(t, init, "command", 2).(string)
	assert.Contains(t, script, `wordcount-$i.wordcount.streams.svc.cluster.local:9999`)
	assert.Contains(t, script, "cp /tmp/bytewax/app.py /var/bytewax/app.py\n")
	assert.Contains(t, script, "cp /tmp/bytewax/helper.py /var/bytewax/helper.py\n")
	assert.Equal(t, map[string]any{
		"requests": map[string]any{"cpu": "10m", "memory": "16Mi", "ephemeral-storage": "16Mi"},
		"limits":   map[string]any{"memory": "64Mi", "ephemeral-storage": "64Mi"},
	}, init["resources"], "quotas and LimitRanges count the init-container too")

	for _, c := range []map[string]any{process, init} {
		assert.Equal(t, map[string]any{
			"allowPrivilegeEscalation": false,
			"readOnlyRootFilesystem":   true,
			"capabilities":             map[string]any{"add": []any{"NET_BIND_SERVICE"}, "drop": []any{"ALL"}},
		}, c["securityContext"], c["name"])
	}
	assert.Equal(t, []any{
		map[string]any{"name": "hostfile", "emptyDir": map[string]any{}},
		map[string]any{"name": "python-files", "configMap": map[string]any{"name": "wordcount"}},
		map[string]any{"name": "working-directory", "emptyDir": map[string]any{}},
		map[string]any{"name": "tmp", "emptyDir": map[string]any{}},
	}, pod["volumes"])
}

func TestDefaultsAreApplied(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "flow.py"), []byte("flow = None\n"), 0o644))
	d := deploy(t, "orders", &BytewaxDataflowArgs{BaseDirectory: dir, PythonFile: "flow.py"})
	sts := d.ByType(t, typeStatefulSet).Object(t)
	assert.Equal(t, "orders", pt.Get(t, sts, "metadata", "name"), "Name defaults to the resource name")
	assert.Equal(t, DefaultNamespace, pt.Get(t, sts, "metadata", "namespace"))
	assert.Equal(t, 1.0, pt.Get(t, sts, "spec", "replicas"))
	process := pt.Get(t, sts, "spec", "template", "spec", "containers", 0)
	assert.Nil(t, pt.Get(t, process, "resources"))
	env := pt.Get(t, process, "env").([]any)
	assert.Contains(t, env, map[string]any{"name": "BYTEWAX_KEEP_CONTAINER_ALIVE", "value": "false"}, "a crashed dataflow is restarted")
	assert.Contains(t, env, map[string]any{"name": "BYTEWAX_WORKERS_PER_PROCESS", "value": "1"})
	assert.Nil(t, pt.Get(t, sts, "spec", "template", "spec", "imagePullSecrets"))
}

func TestNestedFilesAreShippedAsATarball(t *testing.T) {
	args := &BytewaxDataflowArgs{Name: "nested", Directory: "testdata/nested", Files: []string{"."}, PythonFile: "app.py"}
	d := deploy(t, "nested", args)
	cm := d.ByType(t, typeConfigMap).Object(t)
	assert.Nil(t, cm["data"])
	assert.Contains(t, cm["binaryData"], tarballKey)
	script := pt.Get(t, d.ByType(t, typeStatefulSet).Object(t), "spec", "template", "spec", "initContainers", 0, "command", 2)
	assert.Contains(t, script, "tar -xzf /tmp/bytewax/dataflow.tar.gz -C /var/bytewax\n")
}

func TestChangingTheFilesChangesThePodTemplate(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "flow.py")
	checksum := func() any {
		sts := deploy(t, "f", &BytewaxDataflowArgs{BaseDirectory: dir, PythonFile: "flow.py"}).ByType(t, typeStatefulSet).Object(t)
		return pt.Get(t, sts, "spec", "template", "metadata", "annotations", filesChecksumAnnotation)
	}
	require.NoError(t, os.WriteFile(file, []byte("v = 1\n"), 0o644))
	first := checksum()
	assert.Equal(t, first, checksum(), "unchanged files keep the pod template")
	require.NoError(t, os.WriteFile(file, []byte("v = 2\n"), 0o644))
	assert.NotEqual(t, first, checksum(), "new code must roll the pods")
}

func TestOutputsCanBeChained(t *testing.T) {
	var got map[string]any
	_, err := run(t, func(ctx *pulumi.Context) error {
		d, err := NewBytewaxDataflow(ctx, "wc", flatArgs())
		if err != nil {
			return err
		}
		// Exported, so that the run waits for the apply.
		ctx.Export("outputs", pulumi.All(d.NamespaceName, d.StatefulSetName, d.ServiceName, d.ConfigMapName, d.ServiceAccountName, d.PeerAddresses).
			ApplyT(func(v []any) error {
				got = map[string]any{"ns": v[0], "sts": v[1], "svc": v[2], "cm": v[3], "sa": v[4], "peers": v[5]}
				return nil
			}))
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, map[string]any{
		"ns": "streams", "sts": "wordcount", "svc": "wordcount", "cm": "wordcount", "sa": "wordcount-bytewax",
		"peers": []string{
			"wordcount-0.wordcount.streams.svc.cluster.local:9999",
			"wordcount-1.wordcount.streams.svc.cluster.local:9999",
		},
	}, got)
}

func TestStatefulSetWaitsForWhatItRefersTo(t *testing.T) {
	args := flatArgs()
	args.RegistryCredentials = &RegistryCredentialsArgs{DockerConfigJSON: pulumi.String(`{"auths":{}}`)}
	d := deploy(t, "wc", args)
	deps := d.ByType(t, typeStatefulSet).Dependencies
	for _, typ := range []string{typeNamespace, typeServiceAccount, typeConfigMap, typeService} {
		assert.Contains(t, deps, "urn:pulumi:stack::project::"+BytewaxDataflowType+"$"+typ+"::wc",
			"the StatefulSet must be created after the %s", typ)
	}
	registry := "urn:pulumi:stack::project::" + BytewaxDataflowType + "$" + typeSecret + "::wc-registry"
	assert.Contains(t, deps, registry, "the StatefulSet must be created after the pull secret")
	assert.Contains(t, d.ByType(t, typeServiceAccount).Dependencies, registry, "the account refers to the pull secret")
}

func TestEveryProcessRestartsTogether(t *testing.T) {
	sts := deploy(t, "wc", flatArgs()).ByType(t, typeStatefulSet)
	assert.Equal(t, []string{"spec"}, sts.ReplaceOnChanges, "a change of the spec replaces the StatefulSet")
	assert.True(t, sts.DeleteBeforeReplace, "the old processes are gone before the new ones start")
}

func TestTheDataflowAPICanBeTurnedOffOrMoved(t *testing.T) {
	args := flatArgs()
	args.DataflowAPI = pulumi.BoolRef(false)
	args.Env = []EnvVarArgs{{Name: "PYTHONUNBUFFERED", Value: pulumi.String("0")}}
	process := pt.Get(t, deploy(t, "wc", args).ByType(t, typeStatefulSet).Object(t), "spec", "template", "spec", "containers", 0)
	assert.Nil(t, pt.Get(t, process, "readinessProbe"))
	assert.Len(t, pt.Get(t, process, "ports"), 1)
	for _, e := range pt.Get(t, process, "env").([]any) {
		name := pt.Get(t, e, "name")
		assert.NotEqual(t, "BYTEWAX_DATAFLOW_API_ENABLED", name, "Bytewax reads only whether it is set, so it is not set at all")
		if name == "PYTHONUNBUFFERED" {
			assert.Equal(t, "0", pt.Get(t, e, "value"), "the user's choice stands")
		}
	}

	args = flatArgs()
	args.DataflowAPIPort = pulumi.IntRef(8080)
	process = pt.Get(t, deploy(t, "wc", args).ByType(t, typeStatefulSet).Object(t), "spec", "template", "spec", "containers", 0)
	assert.Contains(t, pt.Get(t, process, "env"), map[string]any{"name": "BYTEWAX_DATAFLOW_API_PORT", "value": "8080"})
	assert.Equal(t, 8080.0, pt.Get(t, process, "ports", 1, "containerPort"))
}

func TestSchedulingReachesThePods(t *testing.T) {
	spread := func(when string) []any {
		return []any{map[string]any{
			"maxSkew": 1.0, "topologyKey": "kubernetes.io/hostname", "whenUnsatisfiable": when, "nodeTaintsPolicy": "Honor",
			"labelSelector": map[string]any{"matchLabels": map[string]any{"app.kubernetes.io/name": "bytewax", "app.kubernetes.io/instance": "wordcount"}},
		}}
	}
	for _, tt := range []struct {
		name   string
		modify func(a *BytewaxDataflowArgs)
		check  func(t *testing.T, pod any)
	}{
		{"processes spread over nodes, softly, by default", func(*BytewaxDataflowArgs) {}, func(t *testing.T, pod any) {
			assert.Equal(t, spread("ScheduleAnyway"), pt.Get(t, pod, "topologySpreadConstraints"))
			assert.Equal(t, 10.0, pt.Get(t, pod, "terminationGracePeriodSeconds"))
			assert.Nil(t, pt.Get(t, pod, "nodeSelector"))
			assert.Nil(t, pt.Get(t, pod, "tolerations"))
		}},
		{"strict", func(a *BytewaxDataflowArgs) { a.TopologySpread = SpreadStrict }, func(t *testing.T, pod any) {
			assert.Equal(t, spread("DoNotSchedule"), pt.Get(t, pod, "topologySpreadConstraints"))
		}},
		{"zones", func(a *BytewaxDataflowArgs) { a.TopologyKey = "topology.kubernetes.io/zone" }, func(t *testing.T, pod any) {
			assert.Equal(t, "topology.kubernetes.io/zone", pt.Get(t, pod, "topologySpreadConstraints", 0, "topologyKey"))
		}},
		{"off", func(a *BytewaxDataflowArgs) { a.TopologySpread = SpreadOff }, func(t *testing.T, pod any) {
			assert.Nil(t, pt.Get(t, pod, "topologySpreadConstraints"))
		}},
		{"nodes, taints, priority and grace period", func(a *BytewaxDataflowArgs) {
			a.NodeSelector = pulumi.StringMap{"pool": pulumi.String("streaming")}
			a.Tolerations = []TolerationArgs{
				{Key: pulumi.String("dedicated"), Value: pulumi.String("streaming"), Effect: pulumi.String("NoSchedule")},
				{Operator: pulumi.String("Exists"), Effect: pulumi.String("NoExecute"), TolerationSeconds: pulumi.IntPtr(60)},
			}
			a.PriorityClassName = pulumi.String("high")
			a.TerminationGracePeriodSeconds = pulumi.IntRef(45)
		}, func(t *testing.T, pod any) {
			assert.Equal(t, map[string]any{"pool": "streaming"}, pt.Get(t, pod, "nodeSelector"))
			assert.Equal(t, []any{
				map[string]any{"key": "dedicated", "operator": "Equal", "value": "streaming", "effect": "NoSchedule"},
				map[string]any{"operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 60.0},
			}, pt.Get(t, pod, "tolerations"))
			assert.Equal(t, "high", pt.Get(t, pod, "priorityClassName"))
			assert.Equal(t, 45.0, pt.Get(t, pod, "terminationGracePeriodSeconds"))
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			args := flatArgs()
			tt.modify(args)
			tt.check(t, pt.Get(t, deploy(t, "wc", args).ByType(t, typeStatefulSet).Object(t), "spec", "template", "spec"))
		})
	}
}

func TestTheNetworkPolicyLetsOnlyPeersAndNamedClientsIn(t *testing.T) {
	args := flatArgs()
	args.NetworkPolicy = &NetworkPolicyArgs{APIFrom: []NetworkPeerArgs{
		{NamespaceLabels: pulumi.ToStringMap(map[string]string{"kubernetes.io/metadata.name": "monitoring"}), PodLabels: pulumi.ToStringMap(map[string]string{"app.kubernetes.io/name": "prometheus"})},
		{NamespaceLabels: pulumi.ToStringMap(map[string]string{"team": "ops"})},
	}}
	d := deploy(t, "wc", args)
	np := d.ByType(t, typeNetworkPolicy).Object(t)
	pods := pt.Get(t, d.ByType(t, typeStatefulSet).Object(t), "spec", "template", "metadata", "labels").(map[string]any)
	selects := func(selector any) bool {
		for k, v := range pt.Get(t, selector, "matchLabels").(map[string]any) {
			if pods[k] != v {
				return false
			}
		}
		return true
	}
	spec := np["spec"].(map[string]any)
	assert.True(t, selects(spec["podSelector"]), "the policy covers the dataflow's pods")
	assert.Equal(t, []any{"Ingress"}, spec["policyTypes"], "egress stays open")
	rules := spec["ingress"].([]any)
	require.Len(t, rules, 2)
	peers := pt.Get(t, rules[0], "from").([]any)
	require.Len(t, peers, 1)
	assert.True(t, selects(pt.Get(t, peers[0], "podSelector")), "the peer port is open to the dataflow's own pods")
	assert.Nil(t, pt.Get(t, peers[0], "namespaceSelector"), "of its own namespace")
	assert.Equal(t, []any{map[string]any{"port": 9999.0, "protocol": "TCP"}}, pt.Get(t, rules[0], "ports"))
	assert.Equal(t, []any{map[string]any{"port": 3030.0, "protocol": "TCP"}}, pt.Get(t, rules[1], "ports"))
	assert.Equal(t, []any{
		map[string]any{
			"namespaceSelector": map[string]any{"matchLabels": map[string]any{"kubernetes.io/metadata.name": "monitoring"}},
			"podSelector":       map[string]any{"matchLabels": map[string]any{"app.kubernetes.io/name": "prometheus"}},
		},
		map[string]any{
			"namespaceSelector": map[string]any{"matchLabels": map[string]any{"team": "ops"}},
			"podSelector":       map[string]any{},
		},
	}, pt.Get(t, rules[1], "from"))

	other := flatArgs()
	other.Name = "other"
	otherPods := pt.Get(t, deploy(t, "other", other).ByType(t, typeStatefulSet).Object(t), "spec", "template", "metadata", "labels").(map[string]any)
	for k, v := range pt.Get(t, peers[0], "podSelector", "matchLabels").(map[string]any) {
		if otherPods[k] != v {
			return // another dataflow's pods are not let in
		}
	}
	t.Error("the peer port is open to another dataflow's pods")
}

func TestTheAPIIsClosedUnlessClientsAreNamed(t *testing.T) {
	np := deploy(t, "wc", flatArgs()).ByType(t, typeNetworkPolicy).Object(t)
	assert.Len(t, pt.Get(t, np, "spec", "ingress"), 1, "only the peers' rule")
}

func TestTheDisruptionBudgetRefusesEvictionsOfReadyProcesses(t *testing.T) {
	d := deploy(t, "wc", flatArgs())
	pdb := d.ByType(t, typePDB).Object(t)
	assert.Equal(t, map[string]any{
		"selector":                   map[string]any{"matchLabels": map[string]any{"app.kubernetes.io/name": "bytewax", "app.kubernetes.io/instance": "wordcount"}},
		"maxUnavailable":             0.0,
		"unhealthyPodEvictionPolicy": "AlwaysAllow",
	}, pdb["spec"])
}

func TestNoBudgetWithoutAnHonestReadiness(t *testing.T) {
	args := flatArgs()
	args.DataflowAPI = pulumi.BoolRef(false)
	assert.Empty(t, deploy(t, "wc", args).OfType(typePDB), "a crashed dataflow would stay Ready and block drains for good")
}

func TestATracingEndpointOutputGoesThroughTheSecret(t *testing.T) {
	args := flatArgs()
	args.OTLPEndpoint = pulumi.ToSecret(pulumi.String("https://user:token@otel.example.com:4318")).(pulumi.StringOutput)
	d := deploy(t, "wc", args)
	sts := d.ByType(t, typeStatefulSet)
	assert.False(t, sts.Inputs.ContainsSecrets())
	assert.Contains(t, pt.Get(t, sts.Object(t), "spec", "template", "spec", "containers", 0, "env"), map[string]any{
		"name": "BYTEWAX_OTLP_URL", "valueFrom": map[string]any{"secretKeyRef": map[string]any{"name": "wordcount-env", "key": "BYTEWAX_OTLP_URL"}}})
	assert.Equal(t, "https://user:token@otel.example.com:4318", pt.Get(t, d.Named(t, typeSecret, "wc-env").Object(t), "stringData", "BYTEWAX_OTLP_URL"))

	args = flatArgs()
	args.OTLPEndpoint = pulumi.String("")
	env := pt.Get(t, deploy(t, "wc", args).ByType(t, typeStatefulSet).Object(t), "spec", "template", "spec", "containers", 0, "env").([]any)
	for _, e := range env {
		assert.NotEqual(t, "BYTEWAX_OTLP_URL", pt.Get(t, e, "name"), "an empty endpoint is none")
	}
}

func TestThePolicyAndTheBudgetCanBeTurnedOff(t *testing.T) {
	args := flatArgs()
	args.NetworkPolicy = &NetworkPolicyArgs{Disabled: true}
	args.DisruptionBudget = &DisruptionBudgetArgs{Disabled: true}
	d := deploy(t, "wc", args)
	assert.Empty(t, d.OfType(typeNetworkPolicy))
	assert.Empty(t, d.OfType(typePDB))
}

func TestVolumesReachTheDataflowContainer(t *testing.T) {
	args := flatArgs()
	args.Volumes = []VolumeArgs{
		{Name: "kafka-certs", MountPath: "/etc/kafka", Secret: &SecretVolumeArgs{SecretName: pulumi.String("kafka-tls")}},
		{Name: "settings", MountPath: "/etc/settings", ConfigMap: &ConfigMapVolumeArgs{Name: pulumi.String("settings"), Optional: pulumi.Bool(true)}},
		{Name: "scratch", MountPath: "/scratch", EmptyDir: &EmptyDirVolumeArgs{SizeLimit: pulumi.String("1Gi")}},
		{Name: "fast", MountPath: "/fast", EmptyDir: &EmptyDirVolumeArgs{Medium: pulumi.String("Memory")}},
	}
	pod := pt.Get(t, deploy(t, "wc", args).ByType(t, typeStatefulSet).Object(t), "spec", "template", "spec")
	assert.Equal(t, []any{
		map[string]any{"name": "kafka-certs", "secret": map[string]any{"secretName": "kafka-tls"}},
		map[string]any{"name": "settings", "configMap": map[string]any{"name": "settings", "optional": true}},
		map[string]any{"name": "scratch", "emptyDir": map[string]any{"sizeLimit": "1Gi"}},
		map[string]any{"name": "fast", "emptyDir": map[string]any{"medium": "Memory"}},
	}, pt.Get(t, pod, "volumes").([]any)[4:], "after the component's own volumes")
	assert.Equal(t, []any{
		map[string]any{"name": "kafka-certs", "mountPath": "/etc/kafka", "readOnly": true},
		map[string]any{"name": "settings", "mountPath": "/etc/settings", "readOnly": true},
		map[string]any{"name": "scratch", "mountPath": "/scratch"},
		map[string]any{"name": "fast", "mountPath": "/fast"},
	}, pt.Get(t, pod, "containers", 0, "volumeMounts").([]any)[3:], "in the dataflow container")
	assert.Len(t, pt.Get(t, pod, "initContainers", 0, "volumeMounts"), 3, "the init-container keeps its own mounts")
}

func TestPodLabelsAnnotationsAndTracing(t *testing.T) {
	args := flatArgs()
	args.Labels = pulumi.StringMap{"team": pulumi.String("data")}
	args.PodLabels = pulumi.StringMap{"scrape": pulumi.String("yes")}
	args.PodAnnotations = pulumi.StringMap{"prometheus.io/scrape": pulumi.String("true"), "prometheus.io/port": pulumi.String("3030")}
	args.OTLPEndpoint = pulumi.String("http://otel-collector.monitoring:4317")
	d := deploy(t, "wc", args)
	sts := d.ByType(t, typeStatefulSet).Object(t)
	assert.Equal(t, map[string]any{"team": "data", "scrape": "yes", "app.kubernetes.io/name": "bytewax", "app.kubernetes.io/instance": "wordcount"},
		pt.Get(t, sts, "spec", "template", "metadata", "labels"))
	podAnnotations := pt.Get(t, sts, "spec", "template", "metadata", "annotations").(map[string]any)
	assert.Equal(t, "true", podAnnotations["prometheus.io/scrape"])
	assert.Equal(t, "3030", podAnnotations["prometheus.io/port"])
	assert.NotContains(t, pt.Get(t, sts, "metadata", "labels"), "scrape", "pod labels stay on the pods")
	assert.NotContains(t, pt.Get(t, d.ByType(t, typeService).Object(t), "metadata", "annotations"), "prometheus.io/scrape", "pod annotations stay on the pods")
	assert.Contains(t, pt.Get(t, sts, "spec", "template", "spec", "containers", 0, "env"),
		map[string]any{"name": "BYTEWAX_OTLP_URL", "value": "http://otel-collector.monitoring:4317"})

	env := pt.Get(t, deploy(t, "wc", flatArgs()).ByType(t, typeStatefulSet).Object(t), "spec", "template", "spec", "containers", 0, "env").([]any)
	for _, e := range env {
		assert.NotEqual(t, "BYTEWAX_OTLP_URL", pt.Get(t, e, "name"), "no tracing endpoint unless one is given")
	}
}

func TestAffinityIsPassedThrough(t *testing.T) {
	args := flatArgs()
	args.Affinity = &corev1.AffinityArgs{NodeAffinity: &corev1.NodeAffinityArgs{
		RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelectorArgs{NodeSelectorTerms: corev1.NodeSelectorTermArray{
			corev1.NodeSelectorTermArgs{MatchExpressions: corev1.NodeSelectorRequirementArray{corev1.NodeSelectorRequirementArgs{
				Key: pulumi.String("topology.kubernetes.io/zone"), Operator: pulumi.String("In"), Values: pulumi.ToStringArray([]string{"eu-west-1a"}),
			}}},
		}},
	}}
	pod := pt.Get(t, deploy(t, "wc", args).ByType(t, typeStatefulSet).Object(t), "spec", "template", "spec")
	assert.Equal(t, "eu-west-1a", pt.Get(t, pod, "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms", 0, "matchExpressions", 0, "values", 0))
	assert.Nil(t, pt.Get(t, pt.Get(t, deploy(t, "wc", flatArgs()).ByType(t, typeStatefulSet).Object(t), "spec", "template", "spec"), "affinity"))
}

func TestAPodMonitorOnlyWhenAsked(t *testing.T) {
	assert.Empty(t, deploy(t, "wc", flatArgs()).OfType(typePodMonitor))

	args := flatArgs()
	args.PodMonitor = &PodMonitorArgs{Interval: pulumi.String("15s"), Labels: pulumi.ToStringMap(map[string]string{"release": "prometheus"})}
	d := deploy(t, "wc", args)
	pm := d.ByType(t, typePodMonitor)
	obj := pm.Object(t)
	assert.Equal(t, "monitoring.coreos.com/v1", obj["apiVersion"])
	assert.Equal(t, "PodMonitor", obj["kind"])
	assert.Equal(t, "prometheus", pt.Get(t, obj, "metadata", "labels", "release"))
	assert.Equal(t, "wordcount", pt.Get(t, obj, "metadata", "labels", "app.kubernetes.io/instance"))
	assert.Equal(t, map[string]any{
		"selector":            map[string]any{"matchLabels": map[string]any{"app.kubernetes.io/name": "bytewax", "app.kubernetes.io/instance": "wordcount"}},
		"podMetricsEndpoints": []any{map[string]any{"port": "api", "path": "/metrics", "interval": "15s"}},
	}, obj["spec"])
	assert.Contains(t, pm.Dependencies, d.ByType(t, typeStatefulSet).URN, "created last: without the CRDs the dataflow is deployed all the same")
}

func TestOutputsNameEveryObjectAndTheRecords(t *testing.T) {
	withEverything := func() *BytewaxDataflowArgs {
		a := flatArgs()
		a.PodMonitor = &PodMonitorArgs{}
		a.RegistryCredentials = &RegistryCredentialsArgs{DockerConfigJSON: pulumi.String(`{"auths":{}}`)}
		a.Env = []EnvVarArgs{{Name: "TOKEN", Value: pulumi.ToSecret(pulumi.String("s3cret")).(pulumi.StringOutput)}}
		return a
	}
	perProcess := withEverything()
	perProcess.Recovery = &RecoveryArgs{Partitions: 4}
	shared := withEverything()
	shared.Recovery = &RecoveryArgs{Partitions: 2, Layout: RecoverySharedClaim}
	batch := batchArgs(&BatchArgs{Run: "7"})
	bare := flatArgs()
	bare.NetworkPolicy = &NetworkPolicyArgs{Disabled: true}
	bare.DisruptionBudget = &DisruptionBudgetArgs{Disabled: true}

	for _, tc := range []struct {
		name string
		args *BytewaxDataflowArgs
		want map[string]any
	}{
		{"recovery with a claim per process", perProcess, map[string]any{
			"np": "wordcount", "pdb": "wordcount", "pm": "wordcount", "reg": "wordcount-registry", "env": "wordcount-env",
			"claims": []string{"recovery-wordcount-0", "recovery-wordcount-1"}, "rcm": "wordcount-recovery",
			"partitions": 4, "holders": 2, "layout": RecoveryClaimPerProcess,
			"bcm": "", "run": "", "ended": "", "handedOver": false,
		}},
		{"recovery with a shared claim", shared, map[string]any{
			"np": "wordcount", "pdb": "wordcount", "pm": "wordcount", "reg": "wordcount-registry", "env": "wordcount-env",
			"claims": []string{"wordcount-recovery"}, "rcm": "wordcount-recovery",
			"partitions": 2, "holders": 1, "layout": RecoverySharedClaim,
			"bcm": "", "run": "", "ended": "", "handedOver": false,
		}},
		{"a batch", batch, map[string]any{
			"np": "wordcount", "pdb": "", "pm": "", "reg": "", "env": "",
			"claims": []string{}, "rcm": "", "partitions": 0, "holders": 0, "layout": "",
			"bcm": "wordcount-batch", "run": "7", "ended": "", "handedOver": false,
		}},
		{"nothing besides the core objects", bare, map[string]any{
			"np": "", "pdb": "", "pm": "", "reg": "", "env": "",
			"claims": []string{}, "rcm": "", "partitions": 0, "holders": 0, "layout": "",
			"bcm": "", "run": "", "ended": "", "handedOver": false,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got map[string]any
			_, err := run(t, func(ctx *pulumi.Context) error {
				d, err := NewBytewaxDataflow(ctx, "wc", tc.args)
				if err != nil {
					return err
				}
				// Exported, so that the run waits for the apply.
				ctx.Export("outputs", pulumi.All(d.NetworkPolicyName, d.DisruptionBudgetName, d.PodMonitorName, d.RegistrySecretName, d.EnvSecretName,
					d.RecoveryClaimNames, d.RecoveryConfigMapName, d.RecoveryPartitions, d.RecoveryHolders, d.RecoveryLayout,
					d.BatchConfigMapName, d.BatchRun, d.BatchEnded, d.BatchHandedOver).
					ApplyT(func(v []any) error {
						got = map[string]any{"np": v[0], "pdb": v[1], "pm": v[2], "reg": v[3], "env": v[4],
							"claims": v[5], "rcm": v[6], "partitions": v[7], "holders": v[8], "layout": v[9],
							"bcm": v[10], "run": v[11], "ended": v[12], "handedOver": v[13]}
						return nil
					}))
				return nil
			})
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

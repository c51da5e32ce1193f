package components

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilversion "k8s.io/apimachinery/pkg/util/version"

	pt "github.com/pulumi-bytewax/pulumi-bytewax/components/bytewaxtest"
)

// fakeCluster holds objects by key, answers a version, and fails reads
// of the kinds in broken.
type fakeCluster struct {
	mu       sync.Mutex
	objects  map[objectKey]*metav1.PartialObjectMetadata
	contents map[objectKey]map[string]any
	server   string
	broken   map[string]error
	reads    []objectKey
	// contentReads are the whole objects read, records among them.
	contentReads []objectKey
}

func (f *fakeCluster) object(_ context.Context, k objectKey) (*metav1.PartialObjectMetadata, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads = append(f.reads, k)
	if err := f.broken[k.kind]; err != nil {
		return nil, err
	}
	return f.objects[k], nil
}

func (f *fakeCluster) content(_ context.Context, k objectKey) (map[string]any, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.contentReads = append(f.contentReads, k)
	if err := f.broken[k.kind]; err != nil {
		return nil, err
	}
	return f.contents[k], nil
}

func (f *fakeCluster) version(context.Context) (*utilversion.Version, error) {
	if f.server == "" {
		return utilversion.MustParseGeneric("1.36.1"), nil
	}
	return utilversion.ParseGeneric(f.server)
}

func (f *fakeCluster) String() string { return "the test cluster" }

// onCluster makes the mocked programs of a test see the cluster.
func onCluster(t *testing.T, f *fakeCluster) {
	t.Helper()
	mockedCluster = func(*pulumi.Context) clusterView { return f }
	t.Cleanup(func() { mockedCluster = nil })
}

// existing is an object's metadata: its labels, annotations and field
// managers.
func existing(labels, annotations map[string]string, managers ...string) *metav1.PartialObjectMetadata {
	obj := &metav1.PartialObjectMetadata{ObjectMeta: metav1.ObjectMeta{Labels: labels, Annotations: annotations}}
	for _, m := range managers {
		obj.ManagedFields = append(obj.ManagedFields, metav1.ManagedFieldsEntry{Manager: m})
	}
	return obj
}

// earlierRelease are the labels the component gave wordcount's objects
// before it marked them.
var earlierRelease = map[string]string{labelName: "bytewax", labelInstance: "wordcount", labelManagedBy: "pulumi", labelComponent: "dataflow"}

func TestAnObjectTheStackDidNotCreateIsNeverTakenOver(t *testing.T) {
	const ours = "organization/project/stack"
	sts := objectKey{"StatefulSet", "streams", "wordcount"}
	ns := objectKey{"Namespace", "", "streams"}
	cases := []struct {
		name    string
		objects map[objectKey]*metav1.PartialObjectMetadata
		broken  map[string]error
		// field and message of the one error, or "" when the dataflow deploys.
		field, message string
	}{
		{name: "nothing there"},
		{name: "the stack's own objects, marked",
			objects: map[objectKey]*metav1.PartialObjectMetadata{
				sts: existing(nil, map[string]string{stackAnnotation: ours}),
				ns:  existing(nil, map[string]string{stackAnnotation: ours}),
			}},
		{name: "objects of an earlier release, unmarked",
			objects: map[objectKey]*metav1.PartialObjectMetadata{
				sts: existing(earlierRelease, nil, "pulumi-kubernetes-6d8a0e3b", "kube-controller-manager"),
			}},
		{name: "another stack's StatefulSet",
			objects: map[objectKey]*metav1.PartialObjectMetadata{sts: existing(earlierRelease, map[string]string{stackAnnotation: "organization/project/prod"}, "pulumi-kubernetes-1")},
			field:   "Name", message: "StatefulSet streams/wordcount exists on the test cluster and is stack organization/project/prod's"},
		{name: "the Helm chart's StatefulSet",
			objects: map[objectKey]*metav1.PartialObjectMetadata{sts: existing(
				map[string]string{labelName: "bytewax", labelInstance: "wordcount", labelManagedBy: "Helm"},
				map[string]string{"meta.helm.sh/release-name": "bytewax"}, "helm")},
			field: "Name", message: `is Helm release "bytewax"'s: deploying would take it over, and destroy would delete it`},
		{name: "a StatefulSet made with kubectl and our labels",
			objects: map[objectKey]*metav1.PartialObjectMetadata{sts: existing(earlierRelease, nil, "kubectl-client-side-apply")},
			field:   "Name", message: "managed by pulumi (app.kubernetes.io/managed-by), not by this stack"},
		{name: "a namespace made by someone else",
			objects: map[objectKey]*metav1.PartialObjectMetadata{ns: existing(nil, nil, "kubectl-create")},
			field:   "CreateNamespace", message: `namespace "streams" exists on the test cluster and is written by kubectl-create, not by this stack: creating it would take it over, and destroy would delete it with everything in it; deploy into it as it is (CreateNamespace false`},
		{name: "a restricted namespace another Pulumi program made",
			objects: map[objectKey]*metav1.PartialObjectMetadata{ns: existing(
				map[string]string{labelManagedBy: "pulumi", "pod-security.kubernetes.io/enforce": "restricted"}, nil, "pulumi-kubernetes-5d1f")},
			field: "CreateNamespace", message: `namespace "streams" exists on the test cluster and is managed by pulumi (app.kubernetes.io/managed-by), not by this stack`},
		{name: "a namespace an earlier release made",
			objects: map[objectKey]*metav1.PartialObjectMetadata{ns: existing(
				map[string]string{labelManagedBy: "pulumi", labelName: "bytewax", labelInstance: "wordcount", labelComponent: "dataflow", "pod-security.kubernetes.io/enforce": "restricted"}, nil, "pulumi-kubernetes-5d1f")}},
		{name: "a read that fails",
			broken: map[string]error{"Service": errors.New("connection refused")},
			field:  "Name", message: "could not be checked for an object of that name that the stack did not create, which the component would take over: connection refused"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cluster := &fakeCluster{objects: c.objects, broken: c.broken}
			onCluster(t, cluster)
			d, err := tryDeploy(t, "wc", flatArgs())
			assert.Contains(t, cluster.reads, sts, "every object the dataflow creates is looked up")
			assert.Contains(t, cluster.reads, ns)
			if c.field == "" {
				require.NoError(t, err)
				return
			}
			var invalid *ValidationError
			require.ErrorAs(t, err, &invalid)
			require.Len(t, invalid.Errors, 1, "%v", err)
			assert.Equal(t, c.field, invalid.Errors[0].Field)
			assert.Contains(t, invalid.Errors[0].Error(), c.message)
			if c.broken == nil {
				assert.Contains(t, invalid.Errors[0].Error(), "kubectl annotate", "the way out for an object that is the stack's own")
			}
			assert.Empty(t, d.Resources, "nothing is registered")
		})
	}
}

func TestTheOwnershipCheckWaitsForANamespaceThatIsAnOutput(t *testing.T) {
	cluster := &fakeCluster{objects: map[objectKey]*metav1.PartialObjectMetadata{
		{"ConfigMap", "later", "wordcount"}: existing(nil, nil, "kubectl-create"),
	}}
	onCluster(t, cluster)
	d, err := run(t, func(ctx *pulumi.Context) error {
		args := flatArgs()
		args.CreateNamespace = false
		args.Namespace = pulumi.String("later").ToStringOutput()
		_, err := NewBytewaxDataflow(ctx, "wc", args)
		return err
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ConfigMap later/wordcount exists on the test cluster")
	for _, r := range d.Resources {
		assert.False(t, strings.HasPrefix(r.Type, "kubernetes:"), "%s %s was registered, and would be applied", r.Type, r.Name)
	}
}

func TestEveryObjectCarriesTheStacksMarkAndThePodsNone(t *testing.T) {
	args := flatArgs()
	args.Recovery = &RecoveryArgs{Partitions: 4, Layout: RecoverySharedClaim}
	args.RegistryCredentials = &RegistryCredentialsArgs{DockerConfigJSON: pulumi.String(`{"auths":{}}`)}
	args.Env = []EnvVarArgs{{Name: "TOKEN", Value: pulumi.ToSecret(pulumi.String("t")).(pulumi.StringOutput)}}
	d, err := pt.Run(t, func(ctx *pulumi.Context) error {
		_, err := NewBytewaxDataflow(ctx, "wc", args)
		return err
	}, pt.WithRootDirectory(packageDir), pt.WithStack("prod"), pt.WithProject("streams"))
	require.NoError(t, err)
	kinds := 0
	for _, r := range d.Resources {
		if !strings.HasPrefix(r.Type, "kubernetes:") {
			continue
		}
		kinds++
		obj := r.Object(t)
		assert.Equal(t, "organization/streams/prod", pt.Get(t, obj, "metadata", "annotations", stackAnnotation), r.Type)
		assert.Equal(t, Version, pt.Get(t, obj, "metadata", "annotations", versionAnnotation), r.Type)
		if r.Type == typeStatefulSet {
			podAnnotations := pt.Get(t, obj, "spec", "template", "metadata", "annotations").(map[string]any)
			assert.NotContains(t, podAnnotations, versionAnnotation, "a new release restarts no pod")
			assert.NotContains(t, podAnnotations, stackAnnotation)
		}
	}
	assert.GreaterOrEqual(t, kinds, 10, "namespace, config maps, secrets, claim, service, account, policy, budget, statefulset")
}

func TestAFeatureRefusesAnAPIServerTooOldForIt(t *testing.T) {
	cases := []struct {
		server  string
		batch   bool
		problem string
	}{
		{server: "v1.27.3"},
		{server: "v1.26.9", problem: "DisruptionBudget: needs Kubernetes 1.27 or later (PodDisruptionBudget unhealthyPodEvictionPolicy), and the test cluster runs 1.26.9"},
		{server: "v1.29.0", batch: true},
		{server: "v1.28.15+k3s1", batch: true, problem: "Batch: needs Kubernetes 1.29 or later (Job backoffLimitPerIndex and maxFailedIndexes)"},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s batch=%v", c.server, c.batch), func(t *testing.T) {
			onCluster(t, &fakeCluster{server: c.server})
			args := flatArgs()
			if c.batch {
				args.Batch = &BatchArgs{Run: "1"}
			}
			_, err := tryDeploy(t, "wc", args)
			if c.problem == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.problem)
		})
	}
}

func TestValidateAllReadsTheClusterOnce(t *testing.T) {
	cluster := &fakeCluster{objects: map[objectKey]*metav1.PartialObjectMetadata{
		{"Service", "streams", "payments"}: existing(nil, nil, "kubectl-create"),
	}}
	onCluster(t, cluster)
	_, err := run(t, func(ctx *pulumi.Context) error {
		first, second := flatArgs(), flatArgs()
		second.Name, second.CreateNamespace = "payments", false
		var invalid ValidationErrors
		require.ErrorAs(t, ValidateAll(ctx, map[string]*BytewaxDataflowArgs{"orders": first, "payments": second}), &invalid)
		require.Len(t, invalid, 1)
		assert.Equal(t, "payments", invalid[0].Resource)
		assert.Contains(t, invalid[0].Error(), "Service streams/payments exists on the test cluster")
		return nil
	})
	require.NoError(t, err)
}

// ownMetadata is the metadata of an object the test stack made.
var ownMetadata = map[string]any{"annotations": map[string]any{stackAnnotation: "organization/project/stack"}}

// recoveryRecord is a recovery ConfigMap as a dataflow's first run left it.
func recoveryRecord(data map[string]any) map[objectKey]map[string]any {
	return map[objectKey]map[string]any{{"ConfigMap", "streams", "wordcount-recovery"}: {"data": data, "metadata": ownMetadata}}
}

func TestWhatTheRecoveryVolumesHoldIsReadFromTheCluster(t *testing.T) {
	record := map[string]any{"partitions": "4", "holders": "2", "layout": "perProcess", "size": "1Gi", "accessMode": "ReadWriteOnce"}
	cases := []struct {
		name   string
		change func(a *BytewaxDataflowArgs)
		want   string
	}{
		{"another partition count", func(a *BytewaxDataflowArgs) { a.Recovery.Partitions = 8 }, "Recovery.Partitions: must stay 4"},
		{"another layout", func(a *BytewaxDataflowArgs) {
			a.Recovery.Layout, a.Recovery.AccessMode = RecoverySharedClaim, "ReadWriteMany"
		}, "Recovery.Layout: must stay perProcess"},
		{"fewer processes than hold partitions", func(a *BytewaxDataflowArgs) { a.Processes = pulumi.IntRef(1) }, "Processes: must be at least 2"},
		{"another size", func(a *BytewaxDataflowArgs) { a.Recovery.Size = "2Gi" }, `Recovery.Size: must stay "1Gi"`},
		{"more processes", func(a *BytewaxDataflowArgs) { a.Processes = pulumi.IntRef(5) }, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			onCluster(t, &fakeCluster{contents: recoveryRecord(record)})
			args := flatArgs()
			args.Recovery = &RecoveryArgs{Partitions: 4}
			c.change(args)
			d, err := tryDeploy(t, "wc", args)
			if c.want != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.want)
				assert.Empty(t, d.Resources, "nothing is registered")
				return
			}
			require.NoError(t, err)
			sts := d.ByType(t, typeStatefulSet).Object(t)
			env := pt.Get(t, sts, "spec", "template", "spec", "initContainers", 1, "env")
			assert.Contains(t, env, map[string]any{"name": "BYTEWAX_RECOVERY_HOLDERS", "value": "2"}, "processes added since hold no partitions")
		})
	}

	t.Run("an explicit value wins", func(t *testing.T) {
		onCluster(t, &fakeCluster{contents: recoveryRecord(record)})
		args := flatArgs()
		args.Recovery = &RecoveryArgs{Partitions: 8, Existing: &RecoveryState{Partitions: 8, Holders: 2, Layout: RecoveryClaimPerProcess}}
		_, err := tryDeploy(t, "wc", args)
		require.NoError(t, err)
	})

	t.Run("another stack's record is not trusted, and refused as theirs", func(t *testing.T) {
		theirs := recoveryRecord(map[string]any{"partitions": "4", "holders": "2", "layout": "perProcess", "password": "hunter2"})
		theirs[objectKey{"ConfigMap", "streams", "wordcount-recovery"}]["metadata"] = map[string]any{"annotations": map[string]any{stackAnnotation: "organization/project/prod"}}
		onCluster(t, &fakeCluster{contents: theirs, objects: map[objectKey]*metav1.PartialObjectMetadata{
			{"ConfigMap", "streams", "wordcount-recovery"}: existing(nil, map[string]string{stackAnnotation: "organization/project/prod"}),
		}})
		args := flatArgs()
		args.Recovery = &RecoveryArgs{Partitions: 8}
		_, err := tryDeploy(t, "wc", args)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "ConfigMap streams/wordcount-recovery exists on the test cluster and is stack organization/project/prod's")
		assert.NotContains(t, err.Error(), "must stay 4", "their record says nothing of this stack's volumes")
		assert.NotContains(t, err.Error(), "hunter2")
	})

	t.Run("a record that says nothing", func(t *testing.T) {
		onCluster(t, &fakeCluster{contents: recoveryRecord(map[string]any{"layout": "perProcess", "token": "hunter2"})})
		args := flatArgs()
		args.Recovery = &RecoveryArgs{Partitions: 4}
		_, err := tryDeploy(t, "wc", args)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "Recovery: could not be checked against what the recovery volumes hold: ConfigMap streams/wordcount-recovery does not say")
		assert.Contains(t, err.Error(), "has keys layout, token")
		assert.NotContains(t, err.Error(), "hunter2", "a record's values are never shown")
	})
}

func TestWhatTheRecoveryVolumesHoldIsCheckedWhenTheNamespaceResolves(t *testing.T) {
	onCluster(t, &fakeCluster{contents: recoveryRecord(map[string]any{"partitions": "4", "holders": "2", "layout": "perProcess"})})
	args := flatArgs()
	args.CreateNamespace = false
	args.Namespace = pulumi.String("streams").ToStringOutput()
	args.Recovery = &RecoveryArgs{Partitions: 8}
	d, err := tryDeploy(t, "wc", args)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Recovery.Partitions: must stay 4")
	for _, r := range d.Resources {
		assert.False(t, strings.HasPrefix(r.Type, "kubernetes:"), "%s %s was registered, and would be applied", r.Type, r.Name)
	}
}

func TestMoreProcessesAreRefusedWhenTheRecordIsReadOnlyDuringUp(t *testing.T) {
	onCluster(t, &fakeCluster{contents: recoveryRecord(map[string]any{"partitions": "4", "holders": "2", "layout": "perProcess"})})
	args := flatArgs()
	args.CreateNamespace = false
	args.Namespace = pulumi.String("streams").ToStringOutput()
	args.Processes = pulumi.IntRef(4)
	args.Recovery = &RecoveryArgs{Partitions: 4}
	_, err := tryDeploy(t, "wc", args)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Processes: must stay 2 while the cluster is known only during up")

	args.Recovery.Existing = &RecoveryState{Partitions: 4, Holders: 2, Layout: RecoveryClaimPerProcess}
	_, err = tryDeploy(t, "wc", args)
	require.NoError(t, err, "with Existing passed, the holders reach the pods")
}

func TestAKubeconfigIsAPathOrItsContentsAsTheProvidersIs(t *testing.T) {
	const content = `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://10.0.0.1:6443"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`
	file := t.TempDir() + "/config"
	require.NoError(t, os.WriteFile(file, []byte(content), 0o600))
	for _, given := range []string{file, content, `{"apiVersion":"v1","kind":"Config","clusters":[{"name":"c","cluster":{"server":"https://10.0.0.1:6443"}}],"contexts":[{"name":"x","context":{"cluster":"c"}}],"current-context":"x"}`} {
		config, err := parseKubeconfig(given)
		require.NoError(t, err, given)
		assert.Equal(t, "https://10.0.0.1:6443", config.Clusters["c"].Server)
	}
	_, err := parseKubeconfig("/no/such/kubeconfig")
	assert.EqualError(t, err, `no kubeconfig file at "/no/such/kubeconfig"`)
}

func TestAnUnreachableServerFailsEveryReadAtOnce(t *testing.T) {
	view, err := newAPIView(clusterSettings{kubeconfig: `{"apiVersion":"v1","kind":"Config","clusters":[{"name":"c","cluster":{"server":"https://127.0.0.1:1"}}],"contexts":[{"name":"x","context":{"cluster":"c"}}],"current-context":"x"}`})
	require.NoError(t, err)
	_, first := view.object(context.Background(), objectKey{"Service", "streams", "a"})
	require.Error(t, first)
	assert.Contains(t, first.Error(), "the cluster at https://127.0.0.1:1 could not be reached")
	_, again := view.content(context.Background(), objectKey{"ConfigMap", "streams", "b"})
	assert.Equal(t, first, again, "the next read fails with the first one's error, without dialling")
}

func TestARenderingProviderReadsNoCluster(t *testing.T) {
	view, err := viewOf(nil, clusterSettings{render: "out/"})
	assert.NoError(t, err)
	assert.Nil(t, view, "renderYamlToDirectory applies nothing, so nothing is taken over")
}

func TestTheRecoveryRecordIsReadOnceWhenThereIsNone(t *testing.T) {
	cluster := &fakeCluster{}
	onCluster(t, cluster)
	args := flatArgs()
	args.Recovery = &RecoveryArgs{Partitions: 4}
	_, err := tryDeploy(t, "wc", args)
	require.NoError(t, err)
	assert.Equal(t, []objectKey{{"ConfigMap", "streams", "wordcount-recovery"}}, cluster.contentReads, "read before the objects are built, and not again by the ownership check")
}

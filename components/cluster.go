package components

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilversion "k8s.io/apimachinery/pkg/util/version"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientapi "k8s.io/client-go/tools/clientcmd/api"
)

// The component reads the cluster its objects go to before it creates
// anything: the Kubernetes provider creates by upsert, so an object of the
// same name that something else made would be taken over, and deleted by
// destroy (ownership.go); and an API server too old for a feature would
// drop the fields it does not know (versions.go). The provider offers no
// lookup that tolerates a missing object, so the component reads the API
// itself, with the settings the provider uses.

// clusterView is what the component reads of a cluster.
type clusterView interface {
	// object returns the metadata of an object, nil when there is none.
	object(ctx context.Context, k objectKey) (*metav1.PartialObjectMetadata, error)
	// content returns a whole object as JSON values, nil when there is
	// none.
	content(ctx context.Context, k objectKey) (map[string]any, error)
	// version returns the API server's version.
	version(ctx context.Context) (*utilversion.Version, error)
	// String names the cluster in messages.
	String() string
}

// clusterSettings are the Kubernetes provider's settings that pick the
// cluster: its kubeconfig (a path or the file's contents), context and
// cluster. Empty, the provider's defaults apply: $KUBECONFIG, then
// ~/.kube/config, then the in-cluster account.
type clusterSettings struct {
	kubeconfig, context, cluster string
	// render is the provider's renderYamlToDirectory: it then writes the
	// objects as YAML and applies nothing, and no cluster is read.
	render string
}

// list is the settings as providerSettings resolves them.
func (c clusterSettings) list() []string {
	return []string{c.kubeconfig, c.context, c.cluster, c.render}
}

// settingsFrom reads settings back from list; false when they are not.
func settingsFrom(values []string) (clusterSettings, bool) {
	if len(values) != 4 {
		return clusterSettings{}, false
	}
	return clusterSettings{kubeconfig: values[0], context: values[1], cluster: values[2], render: values[3]}, true
}

// defaultClusterSettings are the default provider's settings, the stack's
// kubernetes:kubeconfig, kubernetes:context and kubernetes:cluster.
func defaultClusterSettings(ctx *pulumi.Context) clusterSettings {
	get := func(key string) string {
		v, _ := ctx.GetConfig("kubernetes:" + key)
		return v
	}
	return clusterSettings{kubeconfig: get("kubeconfig"), context: get("context"), cluster: get("cluster"), render: get("renderYamlToDirectory")}
}

// explicitProvider returns the Kubernetes provider among the options, nil
// when the component's objects use the default one.
func explicitProvider(opts []pulumi.ResourceOption) *kubernetes.Provider {
	ro, err := pulumi.NewResourceOptions(opts...)
	if err != nil || ro == nil {
		return nil
	}
	if p, ok := ro.Provider.(*kubernetes.Provider); ok {
		return p
	}
	for _, p := range ro.Providers {
		if k, ok := p.(*kubernetes.Provider); ok {
			return k
		}
	}
	return nil
}

// providerSettings resolves to an explicit provider's settings, read from
// the engine once the provider is registered. It is unknown when they are:
// at a preview that creates the provider, or whose kubeconfig is the
// output of a resource not made yet.
func providerSettings(ctx *pulumi.Context, p *kubernetes.Provider) pulumi.StringArrayOutput {
	state := ctx.InvokeOutput("pulumi:pulumi:getResource", pulumi.Map{"urn": p.URN()}, pulumi.MapOutput{}, pulumi.InvokeOutputOptions{}).(pulumi.MapOutput)
	return state.ApplyT(func(r map[string]any) []string {
		outs, _ := r["state"].(map[string]any)
		get := func(key string) string {
			v, _ := outs[key].(string)
			return v
		}
		return clusterSettings{kubeconfig: get("kubeconfig"), context: get("context"), cluster: get("cluster"), render: get("renderYamlToDirectory")}.list()
	}).(pulumi.StringArrayOutput)
}

// clusterViews caches, per program run, a view per settings, so that the
// dataflows of one program share clients.
var clusterViews perRun[map[clusterSettings]clusterView]

// mockedCluster, when set, is the cluster a program run with Pulumi's
// mocks sees; without it, such a run reads no cluster.
var mockedCluster func(ctx *pulumi.Context) clusterView

// viewOf returns the view of the cluster the settings pick; nil under
// mocks, which have no cluster.
func viewOf(ctx *pulumi.Context, settings clusterSettings) (clusterView, error) {
	if settings.render != "" {
		return nil, nil
	}
	if ctx.RunningWithMocks() {
		if mockedCluster != nil {
			return mockedCluster(ctx), nil
		}
		if objects, held, err := heldObjects(ctx); held || err != nil {
			return heldCluster(objects), err
		}
		return nil, nil
	}
	var view clusterView
	var err error
	clusterViews.update(ctx, func(views *map[clusterSettings]clusterView) {
		if view = (*views)[settings]; view != nil {
			return
		}
		if view, err = newAPIView(settings); err != nil {
			return
		}
		if *views == nil {
			*views = map[clusterSettings]clusterView{}
		}
		(*views)[settings] = view
	})
	return view, err
}

// apiView reads a cluster through its API server.
type apiView struct {
	meta      metadata.Interface
	dynamic   dynamic.Interface
	discovery discovery.DiscoveryInterface
	host      string
	// unreachable is the first error that was not the API server's
	// answer: the reads after it fail at once, rather than each waiting
	// out its timeout.
	mu          sync.Mutex
	unreachable error
}

// newAPIView makes the clients, loading the kubeconfig as the provider
// does: a path (~ expanded) when a file is there, the contents otherwise.
func newAPIView(s clusterSettings) (*apiView, error) {
	overrides := &clientcmd.ConfigOverrides{
		Context:        clientapi.Context{Cluster: s.cluster},
		CurrentContext: s.context,
	}
	var loader clientcmd.ClientConfig
	if s.kubeconfig != "" {
		config, err := parseKubeconfig(s.kubeconfig)
		if err != nil {
			return nil, fmt.Errorf("reading the Kubernetes provider's kubeconfig: %w", err)
		}
		loader = clientcmd.NewDefaultClientConfig(*config, overrides)
	} else {
		loader = clientcmd.NewNonInteractiveDeferredLoadingClientConfig(clientcmd.NewDefaultClientConfigLoadingRules(), overrides)
	}
	config, err := loader.ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("loading the Kubernetes provider's client configuration: %w", err)
	}
	config = rest.CopyConfig(config)
	config.UserAgent = "pulumi-bytewax/" + Version
	config.Timeout = 30 * time.Second
	// A few reads per dataflow, once per run: client-go's own limit (5 a
	// second) made a program of 20 dataflows wait seconds, and logged each
	// wait into the program's output. The API server's priority and
	// fairness still applies. Its warnings are the provider's to show.
	config.QPS = -1
	config.WarningHandler = rest.NoWarnings{}
	meta, err := metadata.NewForConfig(config)
	if err != nil {
		return nil, err
	}
	disc, err := discovery.NewDiscoveryClientForConfig(config)
	if err != nil {
		return nil, err
	}
	dyn, err := dynamic.NewForConfig(config)
	if err != nil {
		return nil, err
	}
	return &apiView{meta: meta, dynamic: dyn, discovery: disc, host: config.Host}, nil
}

// parseKubeconfig reads a kubeconfig given as a path or as its contents.
func parseKubeconfig(pathOrContents string) (*clientapi.Config, error) {
	path := pathOrContents
	if path == "~" || strings.HasPrefix(path, "~/") {
		if u, err := user.Current(); err == nil {
			path = filepath.Join(u.HomeDir, strings.TrimPrefix(path, "~"))
		}
	}
	// As the provider: a file's contents are loaded as they are, so
	// relative paths in them resolve as the provider's do.
	if raw, err := os.ReadFile(path); err == nil {
		return clientcmd.Load(raw)
	}
	config, err := clientcmd.Load([]byte(pathOrContents))
	if err != nil && !strings.Contains(pathOrContents, "\n") && !strings.HasPrefix(strings.TrimSpace(pathOrContents), "{") {
		// One line that is no JSON: a path, to a file that is not there.
		return nil, fmt.Errorf("no kubeconfig file at %q", path)
	}
	return config, err
}

func (a *apiView) String() string { return "the cluster at " + a.host }

// resources are the API resources of the kinds the component creates.
var resources = map[string]schema.GroupVersionResource{
	"Namespace":             {Version: "v1", Resource: "namespaces"},
	"ConfigMap":             {Version: "v1", Resource: "configmaps"},
	"Secret":                {Version: "v1", Resource: "secrets"},
	"Service":               {Version: "v1", Resource: "services"},
	"ServiceAccount":        {Version: "v1", Resource: "serviceaccounts"},
	"PersistentVolumeClaim": {Version: "v1", Resource: "persistentvolumeclaims"},
	"StatefulSet":           {Group: "apps", Version: "v1", Resource: "statefulsets"},
	"Job":                   {Group: "batch", Version: "v1", Resource: "jobs"},
	"NetworkPolicy":         {Group: "networking.k8s.io", Version: "v1", Resource: "networkpolicies"},
	"PodDisruptionBudget":   {Group: "policy", Version: "v1", Resource: "poddisruptionbudgets"},
	"PodMonitor":            {Group: "monitoring.coreos.com", Version: "v1", Resource: "podmonitors"},
}

// reachable is the error that made the server unreachable, if any.
func (a *apiView) reachable() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.unreachable
}

func (a *apiView) object(ctx context.Context, k objectKey) (*metav1.PartialObjectMetadata, error) {
	if err := a.reachable(); err != nil {
		return nil, err
	}
	gvr, ok := resources[k.kind]
	if !ok {
		return nil, fmt.Errorf("no API resource for kind %s", k.kind)
	}
	var obj *metav1.PartialObjectMetadata
	var err error
	if k.namespace == "" {
		obj, err = a.meta.Resource(gvr).Get(ctx, k.name, metav1.GetOptions{})
	} else {
		obj, err = a.meta.Resource(gvr).Namespace(k.namespace).Get(ctx, k.name, metav1.GetOptions{})
	}
	if err != nil {
		return nil, a.readError(k, gvr, err)
	}
	return obj, nil
}

func (a *apiView) content(ctx context.Context, k objectKey) (map[string]any, error) {
	if err := a.reachable(); err != nil {
		return nil, err
	}
	gvr, ok := resources[k.kind]
	if !ok {
		return nil, fmt.Errorf("no API resource for kind %s", k.kind)
	}
	obj, err := a.dynamic.Resource(gvr).Namespace(k.namespace).Get(ctx, k.name, metav1.GetOptions{})
	if err != nil {
		return nil, a.readError(k, gvr, err)
	}
	return obj.Object, nil
}

// readError is nil for an object that is not there, and says why it could
// not be read otherwise.
func (a *apiView) readError(k objectKey, gvr schema.GroupVersionResource, err error) error {
	switch {
	case apierrors.IsNotFound(err):
		// The object, or its kind: a PodMonitor without the Prometheus
		// Operator's CRDs is not there either.
		return nil
	case apierrors.IsForbidden(err):
		return fmt.Errorf("reading %s on %s is forbidden: the account that deploys needs get on %s (see rbac/deployer.yaml): %w", k, a, gvr.GroupResource(), err)
	case errors.As(err, new(apierrors.APIStatus)):
		return fmt.Errorf("reading %s on %s: %w", k, a, err)
	default:
		err = fmt.Errorf("%s could not be reached: %w", a, err)
		a.mu.Lock()
		if a.unreachable == nil {
			a.unreachable = err
		}
		a.mu.Unlock()
		return err
	}
}

func (a *apiView) version(context.Context) (*utilversion.Version, error) {
	if err := a.reachable(); err != nil {
		return nil, err
	}
	info, err := a.discovery.ServerVersion()
	if err != nil {
		return nil, fmt.Errorf("reading the version of %s: %w", a, err)
	}
	v, err := utilversion.ParseGeneric(info.GitVersion)
	if err != nil {
		return nil, fmt.Errorf("%s reports version %q: %w", a, info.GitVersion, err)
	}
	return v, nil
}

// checkCluster reads the cluster before anything is applied: the objects
// the dataflow would create, which must not exist or be the stack's own,
// and the API server's version. It runs now when the cluster and the
// namespace are known, and otherwise as they resolve, through the gate, so
// no child is applied before it passes. deferred is true in that case.
func checkCluster(ctx *pulumi.Context, v *validator, s *dataflowSpec, opts []pulumi.ResourceOption) (deferred bool) {
	check := func(p *problems, settings clusterSettings, namespace string) {
		view, err := viewOf(ctx, settings)
		if err != nil {
			p.add("Namespace", namespace, "could not be checked for objects of the dataflow's names that the stack did not create, which the component would take over: %v", err)
			return
		}
		if view == nil {
			return
		}
		resolved := *s
		resolved.namespace = pulumi.String(namespace)
		checkOwnership(ctx.Context(), p, &resolved, view)
		checkServerVersion(ctx.Context(), p, &resolved, view)
		if r := s.recovery; r != nil && !r.existingGiven && !r.existingRead {
			checkRecordedRecovery(ctx.Context(), p, &resolved, view)
		}
	}
	if !clusterUnderMocks(ctx) {
		return false
	}
	provider := explicitProvider(opts)
	if provider == nil || ctx.RunningWithMocks() {
		settings := defaultClusterSettings(ctx)
		if ns, known := knownString(s.namespace); known {
			check(&v.problems, settings, ns)
			return false
		}
		v.when("Namespace", func(p *problems, values []any) { check(p, settings, asString(values[0])) }, s.namespace)
		return true
	}
	v.when("Namespace", func(p *problems, values []any) {
		got, _ := values[1].([]string)
		settings, ok := settingsFrom(got)
		if !ok {
			p.add("Namespace", asString(values[0]), "could not be checked: the Kubernetes provider's settings could not be read from the engine")
			return
		}
		check(p, settings, asString(values[0]))
	}, s.namespace, providerSettings(ctx, provider))
	return true
}

// clusterNow returns the view of the cluster the dataflow's objects go to
// when it can be read before anything is registered: with the default
// provider and a namespace known now; nil otherwise, and under mocks
// without a cluster.
func clusterNow(ctx *pulumi.Context, s *dataflowSpec, opts []pulumi.ResourceOption) (clusterView, string, error) {
	ns, known := knownString(s.namespace)
	if !known || (explicitProvider(opts) != nil && !ctx.RunningWithMocks()) {
		return nil, "", nil
	}
	view, err := viewOf(ctx, defaultClusterSettings(ctx))
	return view, ns, err
}

// clusterUnderMocks is false for a program run under mocks that holds no
// cluster (bytewaxtest.WithCluster), which reads nothing.
func clusterUnderMocks(ctx *pulumi.Context) bool {
	if !ctx.RunningWithMocks() || mockedCluster != nil {
		return true
	}
	_, held, _ := heldObjects(ctx)
	return held
}

// heldClusterConfigKey is the config key in which bytewaxtest.WithCluster
// gives a run under mocks its cluster: the objects, as a JSON array.
const heldClusterConfigKey = "bytewaxtest:cluster"

// heldObjects are the objects the run's cluster holds under mocks, and
// whether it holds one.
func heldObjects(ctx *pulumi.Context) ([]map[string]any, bool, error) {
	raw, held := ctx.GetConfig(heldClusterConfigKey)
	if !held {
		return nil, false, nil
	}
	var objects []map[string]any
	if err := json.Unmarshal([]byte(raw), &objects); err != nil {
		return nil, true, fmt.Errorf("the mocked cluster's objects: %w", err)
	}
	return objects, true, nil
}

// heldCluster is the cluster bytewaxtest.WithCluster holds, as JSON
// objects, running the newest Kubernetes release.
type heldCluster []map[string]any

func (h heldCluster) find(k objectKey) map[string]any {
	for _, obj := range h {
		meta, _ := obj["metadata"].(map[string]any)
		ns, _ := meta["namespace"].(string)
		if obj["kind"] == k.kind && meta["name"] == k.name && ns == k.namespace {
			return obj
		}
	}
	return nil
}

func (h heldCluster) object(_ context.Context, k objectKey) (*metav1.PartialObjectMetadata, error) {
	obj := h.find(k)
	if obj == nil {
		return nil, nil
	}
	raw, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	var meta metav1.PartialObjectMetadata
	return &meta, json.Unmarshal(raw, &meta)
}

func (h heldCluster) content(_ context.Context, k objectKey) (map[string]any, error) {
	return h.find(k), nil
}

func (h heldCluster) version(context.Context) (*utilversion.Version, error) {
	return utilversion.MustParseGeneric("1.36.1"), nil
}

func (h heldCluster) String() string { return "the mocked cluster" }

package components

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	batchv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/batch/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/util/validation"
)

// batchSpec is BatchArgs with its defaults applied.
type batchSpec struct {
	run           string
	retries       int
	ttl, deadline *int
	wait          bool
	// submitted: an earlier up submitted this run; ended: how it ended,
	// as an up saw it; handedOver: its Job is left to Kubernetes.
	submitted, handedOver bool
	ended                 string
}

// DefaultBatchRetries is BatchArgs.Retries' default: one, so that an
// eviction, which fails every peer, does not fail the batch.
const DefaultBatchRetries = 1

// completionIndexAnnotation holds an Indexed Job pod's completion index,
// which is its process id.
const completionIndexAnnotation = "batch.kubernetes.io/job-completion-index"

// maxRetries bounds Retries: each is a start of the whole cluster.
const maxRetries = 100

// podPrefix is what the pods' hostnames start with: the StatefulSet's
// name, or the Job's (<name>-<run>), followed by -<process>.
func (s *dataflowSpec) podPrefix() string {
	if s.batch != nil {
		return s.name + "-" + s.batch.run
	}
	return s.name
}

// checkBatch applies BatchArgs' defaults and checks them.
func checkBatch(v *validator, s *dataflowSpec, args *BytewaxDataflowArgs) {
	b := args.Batch
	if b == nil {
		return
	}
	s.batch = &batchSpec{
		run:      b.Run,
		retries:  intOrDefault(b.Retries, DefaultBatchRetries),
		ttl:      b.TTLSecondsAfterFinished,
		deadline: b.ActiveDeadlineSeconds,
		wait:     b.Wait,
	}
	if last := b.Last; last != nil && last.Run == b.Run {
		s.batch.submitted = true
		s.batch.ended = last.Ended
		// Handed over once an up has seen it end, with a TTL to delete
		// it; for good, whatever the TTL is later.
		s.batch.handedOver = last.HandedOver || (last.Ended != "" && b.TTLSecondsAfterFinished != nil)
	}
	if b.TTLSecondsAfterFinished != nil && !b.Wait {
		v.add("Batch.TTLSecondsAfterFinished", *b.TTLSecondsAfterFinished, "needs Wait: the Job is handed over to Kubernetes, which deletes it, only once an up has seen it end")
	}
	switch msgs := validation.IsDNS1123Label(b.Run); {
	case b.Run == "":
		v.add("Batch.Run", b.Run, "must name this run of the batch, such as \"1\"; a new Run runs the batch again")
	case len(msgs) > 0:
		v.addAll("Batch.Run", b.Run, msgs)
	case len(s.podPrefix()) > maxStatefulSetName:
		v.add("Batch.Run", b.Run, "must be at most %d characters with Name (%q), so that the Job's pods' hostnames, %s-<process>, fit in 63", maxStatefulSetName-len(s.name)-1, s.name, s.podPrefix())
	}
	if s.batch.retries < 0 || s.batch.retries > maxRetries {
		v.add("Batch.Retries", s.batch.retries, "must be a whole number from 0 to %d", maxRetries)
	}
	if t := b.TTLSecondsAfterFinished; t != nil && (*t < 0 || *t > maxInterval) {
		v.add("Batch.TTLSecondsAfterFinished", *t, "must be a whole number of seconds from 0 to %d", maxInterval)
	}
	if d := b.ActiveDeadlineSeconds; d != nil && *d < 1 {
		v.add("Batch.ActiveDeadlineSeconds", *d, "must be at least 1 second")
	}
	if args.KeepAlive != nil && *args.KeepAlive {
		v.add("KeepAlive", true, "must be off with Batch: a container kept alive never completes, so the Job would never end")
	}
	s.keepAlive = false
	// A budget's maxUnavailable needs its pods' controller to have a
	// scale, which a Job has not: the budget would fail to sync and block
	// drains for the whole run.
	s.disruptionBudget = false
	if args.Recovery != nil {
		v.add("Recovery", "set", "is not offered with Batch: a Job has no claim per process")
	}
}

// batchRecordName is the ConfigMap recording the run a batch dataflow last
// submitted: a Job that Kubernetes deleted after its TTL leaves no other
// trace, and would otherwise be submitted again.
func (s *dataflowSpec) batchRecordName() string { return s.name + "-batch" }

// batchRecordArgs is the record of this deployment's run: which run, how
// its Job ended (once an up that waited saw it), and whether it was handed
// over to Kubernetes.
func batchRecordArgs(s *dataflowSpec, namespace, ended pulumi.StringInput) *corev1.ConfigMapArgs {
	return &corev1.ConfigMapArgs{
		Metadata: objectMeta(s, pulumi.String(s.batchRecordName()), namespace),
		Data: pulumi.StringMap{
			"run":        pulumi.String(s.batch.run),
			"ended":      ended,
			"handedOver": pulumi.String(strconv.FormatBool(s.batch.handedOver)),
		},
	}
}

// recordedBatch reads the run a batch dataflow last submitted from its
// record on the cluster; nil when there is none.
func recordedBatch(ctx context.Context, view clusterView, stack, namespace, name string) (*BatchRecord, error) {
	obj, err := view.content(ctx, objectKey{"ConfigMap", namespace, name + "-batch"})
	if err != nil || obj == nil || !recordIsOwn(obj, "ConfigMap", stack, name) {
		return nil, err
	}
	data, _ := obj["data"].(map[string]any)
	run, _ := data["run"].(string)
	ended, _ := data["ended"].(string)
	handedOver, _ := data["handedOver"].(string)
	if run == "" {
		return nil, fmt.Errorf("ConfigMap %s/%s-batch does not name the run it records: it has %s", namespace, name, dataKeys(data))
	}
	return &BatchRecord{Run: run, Ended: ended, HandedOver: handedOver == "true"}, nil
}

// withRecordedBatch returns args with Batch.Last read from the cluster,
// when Batch is on, Last is not given, and the cluster can be read now;
// args itself otherwise. It refuses a dataflow that runs as a StatefulSet
// now: the StatefulSet would go only at the end of the up, after the Job
// ran beside it.
func withRecordedBatch(ctx *pulumi.Context, s *dataflowSpec, args *BytewaxDataflowArgs, opts []pulumi.ResourceOption) (*BytewaxDataflowArgs, error) {
	if s.batch == nil || args.Batch.Last != nil {
		return args, nil
	}
	view, ns, err := clusterNow(ctx, s, opts)
	if err != nil || view == nil {
		return args, err
	}
	sts, err := view.object(ctx.Context(), objectKey{"StatefulSet", ns, s.name})
	if err != nil {
		return args, err
	}
	if sts != nil {
		if _, foreign := foreignOwner(sts, "StatefulSet", s.stack, s.name); !foreign {
			return args, errStreamingNow
		}
	}
	last, err := recordedBatch(ctx.Context(), view, s.stack, ns, s.name)
	if err != nil || last == nil {
		return args, err
	}
	copied := *args
	batch := *args.Batch
	batch.Last = last
	copied.Batch = &batch
	return &copied, nil
}

// errStreamingNow refuses turning a streaming dataflow into a batch in one
// up.
var errStreamingNow = errors.New("the dataflow runs as a StatefulSet now, which would keep running beside the batch until the end of the up; remove the dataflow first (destroy, or drop it from the program), then add it back with Batch")

// jobEndedPath is true once a Job has ended, completed or failed.
const jobEndedPath = `jsonpath={.status.conditions[?(@.status=="True")].type}`

// jobEnding reads how a Job ended, "Complete" or "Failed", and why it
// failed, from its conditions as the provider last read them; "" while it
// runs. FailureTarget and SuccessCriteriaMet come first, while the Job's
// pods are being stopped.
func jobEnding(st *batchv1.JobStatus) (end, why string) {
	if st == nil {
		return "", ""
	}
	for _, c := range st.Conditions {
		if c.Status != "True" {
			continue
		}
		switch c.Type {
		case "Failed", "FailureTarget":
			if c.Reason != nil {
				why = *c.Reason
			}
			if c.Message != nil {
				why += ": " + *c.Message
			}
			return "Failed", why
		case "Complete", "SuccessCriteriaMet":
			return "Complete", ""
		}
	}
	return "", ""
}

// jobEnd is how a Job ended, "" while it runs.
func jobEnd(job *batchv1.Job) pulumi.StringOutput {
	return job.Status.ApplyT(func(st *batchv1.JobStatus) string {
		end, _ := jobEnding(st)
		return end
	}).(pulumi.StringOutput)
}

// jobOutcome fails when the Job failed, naming why, so that an up that
// waits for a batch fails with it.
func jobOutcome(job *batchv1.Job, name string) pulumi.StringOutput {
	return job.Status.ApplyT(func(st *batchv1.JobStatus) (string, error) {
		if end, why := jobEnding(st); end == "Failed" {
			return "", fmt.Errorf("the batch's Job %s failed (%s); its pods' logs say why; set a new batch run to run it again", name, why)
		}
		return "", nil
	}).(pulumi.StringOutput)
}

// batchOptions are the Job's resource options. With a TTL, the Job is
// retained when it leaves the program, since Kubernetes deletes it; when
// up waits for it, it waits as long as the deadline allows, or six hours.
func batchOptions(b *batchSpec) []pulumi.ResourceOption {
	// A Job runs the spec it was submitted with: a change reaches the next
	// run, and never runs this one again. Its labels and annotations stay
	// those of the run, like its pods': the version label names the image
	// it ran. (An update of a waited Job would also record whichever copy
	// of it the provider's informer delivered first, which can predate the
	// update.) A new run is a new name, which replaces the Job, the old
	// one's pods gone first.
	opts := []pulumi.ResourceOption{pulumi.DeleteBeforeReplace(true), pulumi.RetainOnDelete(b.ttl != nil)}
	if b.submitted {
		opts = append(opts, pulumi.IgnoreChanges([]string{"spec", "metadata.labels", "metadata.annotations"}))
	}
	if b.wait {
		wait := "6h"
		if b.deadline != nil {
			wait = strconv.Itoa(*b.deadline+300) + "s"
		}
		opts = append(opts, pulumi.Timeouts(&pulumi.CustomTimeouts{Create: wait, Update: wait}))
	}
	return opts
}

// batchMinor is the oldest Kubernetes release (1.x) whose Jobs honour
// backoffLimitPerIndex and maxFailedIndexes by default (beta in 1.29, GA
// in 1.33): an older API server drops them, and a failed process would be
// retried as the whole Job's backoffLimit says, not as Retries does.
const batchMinor = 29

// jobArgs builds the Indexed Job that runs a batch: one completion per
// process, all started together (parallelism = completions), each
// process's id its completion index and its hostname <job>-<index> under
// the headless Service, as the hostfile expects.
func jobArgs(s *dataflowSpec, in statefulSetInputs) *batchv1.JobArgs {
	b := s.batch
	meta := objectMeta(s, pulumi.String(s.podPrefix()), in.namespace)
	// Without Wait, up returns once the Job exists. With it, up waits
	// until the Job ends either way (a Job has a true condition only once
	// it ends); the provider's own Job await would wait out its timeout on
	// a failed Job, which the component reports at once instead.
	await := map[string]string{skipAwaitAnnotation: "true"}
	if b.wait {
		await = map[string]string{waitForAnnotation: jobEndedPath}
	}
	meta.Annotations = objectAnnotations(s, await)
	pod := podSpec(s, in)
	pod.RestartPolicy = pulumi.String("Never")
	pod.Subdomain = in.service
	return &batchv1.JobArgs{
		Metadata: meta,
		Spec: &batchv1.JobSpecArgs{
			CompletionMode:          pulumi.String("Indexed"),
			Completions:             pulumi.Int(s.processes),
			Parallelism:             pulumi.Int(s.processes),
			BackoffLimitPerIndex:    pulumi.Int(b.retries),
			MaxFailedIndexes:        pulumi.Int(0),
			TtlSecondsAfterFinished: pulumi.IntPtrFromPtr(b.ttl),
			ActiveDeadlineSeconds:   pulumi.IntPtrFromPtr(b.deadline),
			// An eviction or preemption is not the dataflow's failure.
			PodFailurePolicy: &batchv1.PodFailurePolicyArgs{Rules: batchv1.PodFailurePolicyRuleArray{
				batchv1.PodFailurePolicyRuleArgs{
					Action: pulumi.String("Ignore"),
					OnPodConditions: batchv1.PodFailurePolicyOnPodConditionsPatternArray{
						batchv1.PodFailurePolicyOnPodConditionsPatternArgs{Type: pulumi.String("DisruptionTarget"), Status: pulumi.String("True")},
					},
				},
			}},
			Template: podTemplate(s, in, pod),
		},
	}
}

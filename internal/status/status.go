// Package status shows what a stack's dataflows are doing on the cluster:
// for each, its processes ready and desired, the revision they run, whether
// a rollout is in progress, its claims, and its latest warning events. It
// reads the cluster with kubectl, as the user would, so it sees what the
// user's kube context sees.
package status

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

// Dataflow names one dataflow of a stack: its StatefulSet and namespace,
// from the stack's outputs.
type Dataflow struct {
	Name, Namespace string
	// Job is the batch Job that runs a batch dataflow; empty for a
	// StatefulSet's.
	Job string
}

// fromOutput reads one dataflow from its outputs.
func fromOutput(key string, fields map[string]any) (Dataflow, error) {
	ns, _ := fields["namespace"].(string)
	sts, _ := fields["statefulSet"].(string)
	df := Dataflow{Name: sts, Namespace: ns}
	if batch, ok := fields["batch"].(map[string]any); ok {
		df.Job, _ = batch["job"].(string)
		df.Name, _ = fields["configMap"].(string)
	}
	if ns == "" || df.Name == "" {
		return df, fmt.Errorf("the stack's output %s has no namespace or dataflow; has it been deployed (up)?", key)
	}
	return df, nil
}

// FromOutputs lists the dataflows of a stack from its outputs: the
// dataflows map of a stack that lists them, or the top-level outputs of a
// stack of one dataflow.
func FromOutputs(outputs map[string]any) ([]Dataflow, error) {
	var out []Dataflow
	if listed, ok := outputs["dataflows"].(map[string]any); ok {
		for name, v := range listed {
			fields, _ := v.(map[string]any)
			df, err := fromOutput("dataflows."+name, fields)
			if err != nil {
				return nil, err
			}
			out = append(out, df)
		}
	} else {
		df, err := fromOutput("", outputs)
		if err != nil {
			return nil, fmt.Errorf("the stack has no dataflow in its outputs; has it been deployed (up)?")
		}
		out = append(out, df)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Namespace != out[j].Namespace {
			return out[i].Namespace < out[j].Namespace
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}

// Kubectl runs kubectl with args and returns its standard output.
type Kubectl func(args ...string) ([]byte, error)

// Report is the state of one dataflow.
type Report struct {
	Dataflow
	// Found is false when the StatefulSet does not exist (not yet
	// created, or deleted while it is replaced).
	Found            bool
	Desired, Ready   int
	Updated, Current int
	// Revision is the revision the processes are to run; Rollout says
	// whether they all do.
	Revision, Rollout string
	Pods              []Pod
	Claims            []Claim
	Warnings          []Event
}

// Pod is one process.
type Pod struct {
	Name, Phase, Node, Revision string
	Ready                       bool
	Restarts                    int
}

// Claim is one PersistentVolumeClaim of the dataflow.
type Claim struct {
	Name, Phase, Capacity string
}

// Event is a warning about the dataflow or one of its pods.
type Event struct {
	Object, Reason, Message string
	Last                    time.Time
	Count                   int
}

// maxWarnings is how many of the latest warnings a report keeps.
const maxWarnings = 5

// Collect reads the state of each dataflow.
func Collect(kubectl Kubectl, dataflows []Dataflow) ([]Report, error) {
	reports := make([]Report, 0, len(dataflows))
	for _, df := range dataflows {
		r, err := collect(kubectl, df)
		if err != nil {
			return nil, fmt.Errorf("%s in %s: %w", df.Name, df.Namespace, err)
		}
		reports = append(reports, r)
	}
	return reports, nil
}

func collect(kubectl Kubectl, df Dataflow) (Report, error) {
	r := Report{Dataflow: df}
	selector := "app.kubernetes.io/name=bytewax,app.kubernetes.io/instance=" + df.Name

	if df.Job != "" {
		var jobs struct {
			Items []job `json:"items"`
		}
		if err := getJSON(kubectl, &jobs, "-n", df.Namespace, "get", "jobs", "--field-selector", "metadata.name="+df.Job); err != nil {
			return r, err
		}
		if len(jobs.Items) == 1 {
			r.Found = true
			r.fromJob(jobs.Items[0])
		}
		selector += ",batch.kubernetes.io/job-name=" + df.Job
	} else {
		var list struct {
			Items []statefulSet `json:"items"`
		}
		// A list, so that a missing StatefulSet is an empty list, not an error.
		if err := getJSON(kubectl, &list, "-n", df.Namespace, "get", "statefulsets", "--field-selector", "metadata.name="+df.Name); err != nil {
			return r, err
		}
		if len(list.Items) == 1 {
			r.Found = true
			r.fromStatefulSet(list.Items[0])
		}
	}

	var pods struct {
		Items []pod `json:"items"`
	}
	if err := getJSON(kubectl, &pods, "-n", df.Namespace, "get", "pods", "-l", selector); err != nil {
		return r, err
	}
	names := map[string]bool{"StatefulSet/" + df.Name: true, "Job/" + df.Job: df.Job != ""}
	for _, p := range pods.Items {
		r.Pods = append(r.Pods, p.summary())
		names["Pod/"+p.Metadata.Name] = true
	}
	sort.Slice(r.Pods, func(i, j int) bool { return r.Pods[i].Name < r.Pods[j].Name })

	var claims struct {
		Items []claim `json:"items"`
	}
	if err := getJSON(kubectl, &claims, "-n", df.Namespace, "get", "persistentvolumeclaims", "-l", selector); err != nil {
		return r, err
	}
	for _, c := range claims.Items {
		r.Claims = append(r.Claims, Claim{Name: c.Metadata.Name, Phase: c.Status.Phase, Capacity: c.Status.Capacity["storage"]})
		names["PersistentVolumeClaim/"+c.Metadata.Name] = true
	}
	sort.Slice(r.Claims, func(i, j int) bool { return r.Claims[i].Name < r.Claims[j].Name })

	var events struct {
		Items []event `json:"items"`
	}
	if err := getJSON(kubectl, &events, "-n", df.Namespace, "get", "events", "--field-selector", "type=Warning"); err != nil {
		return r, err
	}
	for _, e := range events.Items {
		object := e.InvolvedObject.Kind + "/" + e.InvolvedObject.Name
		if names[object] {
			r.Warnings = append(r.Warnings, e.summary(object))
		}
	}
	sort.SliceStable(r.Warnings, func(i, j int) bool { return r.Warnings[i].Last.After(r.Warnings[j].Last) })
	if len(r.Warnings) > maxWarnings {
		r.Warnings = r.Warnings[:maxWarnings]
	}
	return r, nil
}

func getJSON(kubectl Kubectl, out any, args ...string) error {
	raw, err := kubectl(append(args, "-o", "json")...)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("kubectl %s: %w", strings.Join(args, " "), err)
	}
	return nil
}

type statefulSet struct {
	Metadata struct {
		Generation int `json:"generation"`
	} `json:"metadata"`
	Spec struct {
		Replicas *int `json:"replicas"`
	} `json:"spec"`
	Status struct {
		ObservedGeneration int    `json:"observedGeneration"`
		ReadyReplicas      int    `json:"readyReplicas"`
		UpdatedReplicas    int    `json:"updatedReplicas"`
		CurrentReplicas    int    `json:"currentReplicas"`
		CurrentRevision    string `json:"currentRevision"`
		UpdateRevision     string `json:"updateRevision"`
	} `json:"status"`
}

// fromStatefulSet fills the counts and says whether a rollout is under
// way: the controller has not seen the last change, or some process does
// not yet run the update revision, or is not Ready.
func (r *Report) fromStatefulSet(s statefulSet) {
	r.Desired = 1
	if s.Spec.Replicas != nil {
		r.Desired = *s.Spec.Replicas
	}
	st := s.Status
	r.Ready, r.Updated, r.Current, r.Revision = st.ReadyReplicas, st.UpdatedReplicas, st.CurrentReplicas, st.UpdateRevision
	switch {
	case st.ObservedGeneration < s.Metadata.Generation:
		r.Rollout = "in progress (change not yet seen by the controller)"
	case st.UpdatedReplicas < r.Desired || st.CurrentRevision != st.UpdateRevision:
		r.Rollout = fmt.Sprintf("in progress (%d/%d on the new revision)", st.UpdatedReplicas, r.Desired)
	case st.ReadyReplicas < r.Desired:
		r.Rollout = fmt.Sprintf("complete, %d not ready", r.Desired-st.ReadyReplicas)
	default:
		r.Rollout = "complete"
	}
}

type job struct {
	Spec struct {
		Completions *int `json:"completions"`
	} `json:"spec"`
	Status struct {
		Active     int `json:"active"`
		Succeeded  int `json:"succeeded"`
		Failed     int `json:"failed"`
		Ready      int `json:"ready"`
		Conditions []struct {
			Type    string `json:"type"`
			Status  string `json:"status"`
			Reason  string `json:"reason"`
			Message string `json:"message"`
		} `json:"conditions"`
	} `json:"status"`
}

// fromJob fills the counts of a batch: processes to complete, those
// running, and how the Job ended.
func (r *Report) fromJob(j job) {
	r.Desired = 1
	if j.Spec.Completions != nil {
		r.Desired = *j.Spec.Completions
	}
	st := j.Status
	r.Ready, r.Revision = st.Ready, "-"
	r.Rollout = fmt.Sprintf("batch running (%d active, %d succeeded, %d failed)", st.Active, st.Succeeded, st.Failed)
	for _, c := range st.Conditions {
		if c.Status != "True" {
			continue
		}
		switch c.Type {
		case "Complete":
			r.Rollout = fmt.Sprintf("batch complete (%d succeeded)", st.Succeeded)
		case "Failed":
			r.Rollout = fmt.Sprintf("batch failed (%s: %s)", c.Reason, c.Message)
		}
	}
}

type pod struct {
	Metadata struct {
		Name   string            `json:"name"`
		Labels map[string]string `json:"labels"`
	} `json:"metadata"`
	Spec struct {
		NodeName string `json:"nodeName"`
	} `json:"spec"`
	Status struct {
		Phase      string `json:"phase"`
		Conditions []struct {
			Type   string `json:"type"`
			Status string `json:"status"`
		} `json:"conditions"`
		ContainerStatuses []struct {
			Name         string `json:"name"`
			RestartCount int    `json:"restartCount"`
		} `json:"containerStatuses"`
	} `json:"status"`
}

func (p pod) summary() Pod {
	out := Pod{Name: p.Metadata.Name, Phase: p.Status.Phase, Node: p.Spec.NodeName, Revision: p.Metadata.Labels["controller-revision-hash"]}
	for _, c := range p.Status.Conditions {
		if c.Type == "Ready" && c.Status == "True" {
			out.Ready = true
		}
	}
	for _, c := range p.Status.ContainerStatuses {
		out.Restarts += c.RestartCount
	}
	return out
}

type claim struct {
	Metadata struct {
		Name string `json:"name"`
	} `json:"metadata"`
	Status struct {
		Phase    string            `json:"phase"`
		Capacity map[string]string `json:"capacity"`
	} `json:"status"`
}

type event struct {
	InvolvedObject struct {
		Kind string `json:"kind"`
		Name string `json:"name"`
	} `json:"involvedObject"`
	Reason         string    `json:"reason"`
	Message        string    `json:"message"`
	Count          int       `json:"count"`
	LastTimestamp  time.Time `json:"lastTimestamp"`
	EventTime      time.Time `json:"eventTime"`
	FirstTimestamp time.Time `json:"firstTimestamp"`
	Series         *struct {
		Count            int       `json:"count"`
		LastObservedTime time.Time `json:"lastObservedTime"`
	} `json:"series"`
}

// summary is the event with its latest time, wherever the API put it.
func (e event) summary(object string) Event {
	out := Event{Object: object, Reason: e.Reason, Message: strings.TrimSpace(e.Message), Count: max(e.Count, 1)}
	for _, t := range []time.Time{e.LastTimestamp, e.EventTime, e.FirstTimestamp} {
		if t.After(out.Last) {
			out.Last = t
		}
	}
	if s := e.Series; s != nil {
		out.Count = max(out.Count, s.Count)
		if s.LastObservedTime.After(out.Last) {
			out.Last = s.LastObservedTime
		}
	}
	return out
}

// Print writes the reports as a table of dataflows, then each dataflow's
// pods, claims and warnings; now dates the warnings.
func Print(w io.Writer, reports []Report, now time.Time) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DATAFLOW\tNAMESPACE\tREADY\tREVISION\tROLLOUT\tCLAIMS")
	for _, r := range reports {
		if !r.Found && r.Job != "" {
			fmt.Fprintf(tw, "%s\t%s\t-\t-\tno Job %s (not created yet, or deleted after its TTL)\t%s\n", r.Name, r.Namespace, r.Job, claimsSummary(r.Claims))
			continue
		}
		if !r.Found {
			fmt.Fprintf(tw, "%s\t%s\t-\t-\tno StatefulSet (not created yet, or being replaced)\t%s\n", r.Name, r.Namespace, claimsSummary(r.Claims))
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%d/%d\t%s\t%s\t%s\n", r.Name, r.Namespace, r.Ready, r.Desired, r.Revision, r.Rollout, claimsSummary(r.Claims))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, r := range reports {
		fmt.Fprintf(w, "\n%s (%s):\n", r.Name, r.Namespace)
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		if len(r.Pods) == 0 {
			fmt.Fprintln(tw, "  no pods")
		} else {
			fmt.Fprintln(tw, "  POD\tPHASE\tREADY\tRESTARTS\tREVISION\tNODE")
		}
		for _, p := range r.Pods {
			fmt.Fprintf(tw, "  %s\t%s\t%t\t%d\t%s\t%s\n", p.Name, p.Phase, p.Ready, p.Restarts, p.Revision, p.Node)
		}
		for _, c := range r.Claims {
			fmt.Fprintf(tw, "  claim %s\t%s\t%s\n", c.Name, c.Phase, c.Capacity)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		if len(r.Warnings) == 0 {
			fmt.Fprintln(w, "  no warnings")
		}
		for _, e := range r.Warnings {
			fmt.Fprintf(w, "  warning %s ago, %s: %s: %s (x%d)\n", age(now.Sub(e.Last)), e.Object, e.Reason, e.Message, e.Count)
		}
	}
	return nil
}

func claimsSummary(claims []Claim) string {
	if len(claims) == 0 {
		return "none"
	}
	phases := map[string]int{}
	for _, c := range claims {
		phases[c.Phase]++
	}
	var parts []string
	for _, phase := range []string{"Bound", "Pending", "Lost"} {
		if n := phases[phase]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, phase))
		}
	}
	return strings.Join(parts, ", ")
}

func age(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	default:
		return fmt.Sprintf("%dd", int(d.Hours()/24))
	}
}

// LogsArgs are kubectl's arguments to print the logs of every process of a
// dataflow at once, each line prefixed with its pod: the dataflow
// container's alone, with a stream per pod (kubectl's default of five would
// refuse a larger dataflow).
func LogsArgs(df Dataflow, pods int, follow bool) []string {
	args := []string{"-n", df.Namespace, "logs", "-l", "app.kubernetes.io/name=bytewax,app.kubernetes.io/instance=" + df.Name,
		"-c", "process", "--prefix", "--timestamps", "--max-log-requests", fmt.Sprint(max(pods, 1))}
	if follow {
		args = append(args, "-f")
	}
	return args
}

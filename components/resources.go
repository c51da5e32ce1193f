package components

import (
	"slices"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation"
)

// standardResources are the compute resources a container may request
// besides hugepages-<size> and domain-qualified extended resources.
var standardResources = []string{"cpu", "memory", "ephemeral-storage"}

// resourceMustParse parses a quantity written in this package.
func resourceMustParse(s string) resource.Quantity { return resource.MustParse(s) }

// parseQuantity parses a Kubernetes quantity such as "500m" or "1Gi".
func parseQuantity(s string) (resource.Quantity, error) {
	return resource.ParseQuantity(s)
}

// resourceNameProblem says what is wrong with a resource name, or "".
func resourceNameProblem(name string) string {
	const allowed = "must be cpu, memory, ephemeral-storage, hugepages-<size> or a domain-qualified extended resource such as \"nvidia.com/gpu\""
	switch {
	case slices.Contains(standardResources, name):
		return ""
	case strings.HasPrefix(name, "hugepages-"):
		if _, err := resource.ParseQuantity(strings.TrimPrefix(name, "hugepages-")); err != nil {
			return allowed
		}
		return ""
	case strings.Contains(name, "/"):
		if msgs := validation.IsQualifiedName(name); len(msgs) > 0 {
			return allowed + ": " + strings.Join(msgs, "; ")
		}
		if domain, _, _ := strings.Cut(name, "/"); domain == "kubernetes.io" || strings.HasSuffix(domain, ".kubernetes.io") {
			return allowed + "; the kubernetes.io domain is reserved"
		}
		return ""
	}
	return allowed
}

func isExtendedResource(name string) bool { return strings.Contains(name, "/") }

// checkResources checks names and quantities as the API server does:
// known names, valid non-negative quantities, whole numbers for extended
// resources, and no request above its limit.
func checkResources(v *validator, r *ResourcesArgs) {
	if r == nil || (isNil(r.Requests) && isNil(r.Limits)) {
		return
	}
	v.when("Resources", func(p *problems, vals []any) {
		parsed := [2]map[string]resource.Quantity{}
		for i, group := range []struct {
			field string
			m     map[string]string
		}{{"Resources.Requests", asMap(vals[0])}, {"Resources.Limits", asMap(vals[1])}} {
			parsed[i] = map[string]resource.Quantity{}
			for _, name := range sortedKeys(group.m) {
				field := group.field + "." + name
				if msg := resourceNameProblem(name); msg != "" {
					p.add(group.field, name, "%s", msg)
					continue
				}
				q, err := resource.ParseQuantity(group.m[name])
				switch {
				case err != nil:
					p.add(field, group.m[name], "must be a Kubernetes quantity, such as \"500m\", \"2\" or \"1Gi\"")
				case q.Sign() < 0:
					p.add(field, group.m[name], "must not be negative")
				case isExtendedResource(name) && q.MilliValue()%1000 != 0:
					p.add(field, group.m[name], "must be a whole number for an extended resource")
				default:
					parsed[i][name] = q
				}
			}
		}
		requests, limits := parsed[0], parsed[1]
		hugepages := false
		for _, name := range sortedKeys(requests) {
			if isExtendedResource(name) || strings.HasPrefix(name, "hugepages-") {
				hugepages = hugepages || strings.HasPrefix(name, "hugepages-")
				if _, ok := limits[name]; !ok {
					p.add("Resources.Limits."+name, nil, "must be set, equal to the request: %s cannot be overcommitted", name)
				}
			}
		}
		for name := range limits {
			hugepages = hugepages || strings.HasPrefix(name, "hugepages-")
		}
		if hugepages {
			_, cpu := requests["cpu"]
			_, mem := requests["memory"]
			_, cpuLimit := limits["cpu"]
			_, memLimit := limits["memory"]
			if !cpu && !mem && !cpuLimit && !memLimit {
				p.add("Resources", "hugepages", "must request or limit cpu or memory as well: the API server refuses hugepages alone")
			}
		}
		for _, name := range sortedKeys(requests) {
			req := requests[name]
			lim, ok := limits[name]
			if !ok {
				continue
			}
			if req.Cmp(lim) > 0 {
				p.add("Resources.Requests."+name, req.String(), "must be at most the limit of %s", lim.String())
			} else if (isExtendedResource(name) || strings.HasPrefix(name, "hugepages-")) && req.Cmp(lim) != 0 {
				p.add("Resources.Requests."+name, req.String(), "must equal the limit of %s: %s cannot be overcommitted", lim.String(), name)
			}
		}
	}, r.Requests, r.Limits)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

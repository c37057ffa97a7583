package scenarios

import (
	"fmt"
	"strings"
)

// An endpoint with group_by records its requests per group too, one group
// per value of the field (doc.go, Feeders). A group is named like an
// endpoint wherever results name endpoints: "manual[size=large]", in
// compare's rows, in reports and in a hotspot's endpoint.

// GroupEndpoint names the group of endpoint whose group_by field has value:
// "manual[size=large]".
func GroupEndpoint(endpoint, field, value string) string {
	return endpoint + "[" + field + "=" + value + "]"
}

// SplitGroupEndpoint reads a name GroupEndpoint wrote; ok is false for a
// plain endpoint name.
func SplitGroupEndpoint(name string) (endpoint, field, value string, ok bool) {
	i := strings.IndexByte(name, '[')
	if i <= 0 || !strings.HasSuffix(name, "]") {
		return "", "", "", false
	}
	field, value, ok = strings.Cut(name[i+1:len(name)-1], "=")
	if !ok || field == "" {
		return "", "", "", false
	}
	return name[:i], field, value, true
}

// groupEndpoint checks a hotspot's endpoint written as a group,
// "manual[size=large]", reporting what is wrong at field. It returns false
// when name is not written as a group, so the caller checks it as an
// endpoint's name.
func (v *validator) groupEndpoint(field, name string, es []Endpoint) bool {
	endpoint, by, value, ok := SplitGroupEndpoint(name)
	if !ok {
		return false
	}
	var e *Endpoint
	for i := range es {
		if es[i].Name == endpoint {
			e = &es[i]
		}
	}
	switch {
	case e == nil:
		v.add(field, "no endpoint is named %q: %s", endpoint, didYouMean(endpoint, endpointNames(es)))
	case e.GroupBy == "":
		v.add(field, "%q names a group of %s, which has no group_by: add group_by: %s to the endpoint (with a data file that has %s), or name the endpoint alone", name, endpoint, by, by)
	case e.GroupBy != by:
		v.add(field, "%s groups its requests by %s, not %s: write %s", endpoint, e.GroupBy, by, GroupEndpoint(endpoint, e.GroupBy, value))
	case value == "":
		v.add(field, "%q names no value of %s: write %s", name, by, GroupEndpoint(endpoint, by, "VALUE"))
	case e.Feed != nil && !containsString(e.Feed.Groups(), value):
		v.add(field, "%s has no %s %q: %s", e.Data, by, value, groupHint(value, e.Feed))
	}
	return true
}

// groupHint suggests the group closest to value, or lists the groups.
func groupHint(value string, f *Feed) string {
	groups := f.Groups()
	if s := Suggest(value, groups); s != "" {
		return "did you mean " + s + "?"
	}
	if len(groups) > 10 {
		return fmt.Sprintf("its groups are %s, … (%d)", strings.Join(groups[:10], ", "), len(groups))
	}
	return "its groups are " + strings.Join(groups, ", ")
}

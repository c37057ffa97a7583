package results

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// grafanaAnnotation is the body Grafana's HTTP API takes to create an
// organization annotation (POST /api/annotations): times in epoch
// milliseconds, timeEnd only for a span. Without dashboardUID and panelId
// it shows on every dashboard whose annotation query matches its tags.
type grafanaAnnotation struct {
	Time    int64    `json:"time"`
	TimeEnd *int64   `json:"timeEnd,omitempty"`
	Tags    []string `json:"tags"`
	Text    string   `json:"text"`
}

// GrafanaJSON writes annotations as a JSON array of the bodies Grafana's
// annotation HTTP API takes (POST /api/annotations), one per annotation:
// "time" and, for a span, "timeEnd" in epoch milliseconds; "tags":
// "hotbench", the kind, the annotation's own tags and "scenario:NAME" per
// scenario it names; "text": the title, then the text, the URL and the
// commit, a line each. Posting each element creates the annotations:
//
//	hotbench annotate export --format grafana | jq -c '.[]' |
//	  while read -r a; do curl -sS -H "Authorization: Bearer $TOKEN" \
//	    -H 'Content-Type: application/json' -d "$a" "$GRAFANA/api/annotations"; done
func GrafanaJSON(as []Annotation) ([]byte, error) {
	out := make([]grafanaAnnotation, 0, len(as))
	for _, a := range as {
		g := grafanaAnnotation{Time: a.Time.UnixMilli()}
		if a.End != nil && a.End.After(a.Time) {
			end := a.End.UnixMilli()
			g.TimeEnd = &end
		}
		g.Tags = []string{"hotbench"}
		add := func(tag string) {
			if !slices.Contains(g.Tags, tag) {
				g.Tags = append(g.Tags, tag)
			}
		}
		add(a.Kind)
		for _, t := range a.Tags {
			add(t)
		}
		for _, sc := range a.Scenarios {
			add("scenario:" + sc)
		}
		lines := []string{a.Title}
		if a.Text != "" {
			lines = append(lines, a.Text)
		}
		if a.URL != "" {
			lines = append(lines, a.URL)
		}
		if a.Commit != "" {
			lines = append(lines, "commit "+a.Commit)
		}
		g.Text = strings.Join(lines, "\n")
		out = append(out, g)
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("grafana annotations: %w", err)
	}
	return append(b, '\n'), nil
}

// annotationTime is how WriteAnnotations prints a time: UTC, to the minute
// unless it has seconds, with its date unless sameDay.
func annotationTime(t time.Time, sameDay bool) string {
	t = t.UTC()
	layout := "2006-01-02 15:04"
	if sameDay {
		layout = "15:04"
	}
	if t.Second() != 0 || t.Nanosecond() != 0 {
		layout += ":05"
	}
	return t.Format(layout)
}

// WriteAnnotations prints annotations as a table for the terminal: id,
// kind, time and end (UTC), the scenarios they concern ("all" when none is
// named) and the title.
func WriteAnnotations(w io.Writer, as []Annotation) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tKIND\tTIME (UTC)\tEND (UTC)\tSCENARIOS\tTITLE")
	for _, a := range as {
		start := annotationTime(a.Time, false)
		end := "-"
		if a.End != nil {
			t, e := a.Time.UTC(), a.End.UTC()
			end = annotationTime(e, e.Year() == t.Year() && e.YearDay() == t.YearDay())
		}
		scs := "all"
		if len(a.Scenarios) > 0 {
			scs = strings.Join(a.Scenarios, ",")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", a.ID, a.Kind, start, end, scs, a.Title)
	}
	return tw.Flush()
}

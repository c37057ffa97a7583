package scenarios

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Duration is a time.Duration written as Go writes durations ("20s", "150ms").
type Duration time.Duration

// D returns d as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

func (d Duration) String() string { return time.Duration(d).String() }

// MarshalJSON writes the duration as a string ("20s").
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads a duration string or a number of nanoseconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		var n int64
		if err2 := json.Unmarshal(b, &n); err2 != nil {
			return fmt.Errorf("duration must be a string like \"20s\"")
		}
		*d = Duration(n)
		return nil
	}
	v, err := ParseDuration(s)
	*d = v
	return err
}

// ParseDuration parses "20s", "1m30s", "150ms".
func ParseDuration(s string) (Duration, error) {
	v, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration: write it like 20s, 1m30s or 150ms", s)
	}
	return Duration(v), nil
}

// Rate is an arrival rate ("200/s", "30/m"), or Max for the closed model.
type Rate struct {
	PerSecond float64
	Max       bool
}

func (r Rate) String() string {
	switch {
	case r.Max:
		return "max"
	case r.PerSecond == 0:
		return "0/s"
	}
	return strconv.FormatFloat(r.PerSecond, 'f', -1, 64) + "/s"
}

// MarshalJSON writes the rate as "200/s" or "max".
func (r Rate) MarshalJSON() ([]byte, error) { return json.Marshal(r.String()) }

// UnmarshalJSON reads what ParseRate reads.
func (r *Rate) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		var f float64
		if err2 := json.Unmarshal(b, &f); err2 != nil {
			return fmt.Errorf("rate must be a string like \"200/s\" or \"max\"")
		}
		s = strconv.FormatFloat(f, 'f', -1, 64)
	}
	v, err := ParseRate(s)
	*r = v
	return err
}

// ParseRate parses "200/s", "200", "30/m", "5000/h", "1/500ms" and "max".
func ParseRate(s string) (Rate, error) {
	s = strings.TrimSpace(s)
	if s == "max" {
		return Rate{Max: true}, nil
	}
	num, per, hasPer := strings.Cut(s, "/")
	n, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
		return Rate{}, fmt.Errorf("%q is not a rate: write it like 200/s, 30/m or max", s)
	}
	unit := time.Second
	if hasPer {
		per = strings.TrimSpace(per)
		switch per {
		case "s":
			unit = time.Second
		case "m":
			unit = time.Minute
		case "h":
			unit = time.Hour
		default:
			d, err := time.ParseDuration(per)
			if err != nil || d <= 0 {
				return Rate{}, fmt.Errorf("%q is not a rate: the part after / must be s, m, h or a duration like 500ms", s)
			}
			unit = d
		}
	}
	r := n / unit.Seconds()
	if math.IsInf(r, 0) {
		return Rate{}, fmt.Errorf("%q is too high a rate: write it like 200/s", s)
	}
	return Rate{PerSecond: r}, nil
}

// Date is a calendar day ("2026-12-31").
type Date struct{ time.Time }

// String writes the date as "2006-01-02", or "" when unset (rather than the
// promoted time.Time form with a clock and a zone).
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.Format(time.DateOnly)
}

// ParseDate parses a calendar day written like "2026-12-31".
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date: write it like 2026-12-31", s)
	}
	return Date{t}, nil
}

// MarshalJSON writes the date as "2006-01-02", or "" when unset.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return json.Marshal("")
	}
	return json.Marshal(d.Format(time.DateOnly))
}

// UnmarshalJSON reads "2006-01-02" or "".
func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("date must be a string like \"2026-12-31\"")
	}
	if s == "" {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Quantity is a value of a metric in its canonical unit (seconds for
// latencies, a fraction for error_rate, requests per second for rps, bytes for
// alloc_per_req, CPU seconds for cpu_per_req), or a share of a base value.
type Quantity struct {
	Value float64
	// Relative means Value is a fraction of a base value ("10%" in max_regression).
	Relative bool
	// Text is the value as written, for messages.
	Text string
	// None is an explicit "none" in gate.slo: no limit, not even a default.
	None bool
}

func (q Quantity) String() string {
	if q.Text != "" {
		return q.Text
	}
	if q.Relative {
		return strconv.FormatFloat(q.Value*100, 'g', -1, 64) + "%"
	}
	return strconv.FormatFloat(q.Value, 'g', -1, 64)
}

type quantityJSON struct {
	Value    float64 `json:"value"`
	Relative bool    `json:"relative,omitempty"`
	Text     string  `json:"text,omitempty"`
	None     bool    `json:"none,omitempty"`
}

// MarshalJSON writes {"value": 0.15, "text": "150ms"}.
func (q Quantity) MarshalJSON() ([]byte, error) {
	return json.Marshal(quantityJSON{q.Value, q.Relative, q.Text, q.None})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (q *Quantity) UnmarshalJSON(b []byte) error {
	var j quantityJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*q = Quantity{j.Value, j.Relative, j.Text, j.None}
	return nil
}

// ProfileKinds lists the profile kinds hotbench knows how to capture.
var ProfileKinds = []string{"cpu", "allocs", "heap", "mutex", "block", "goroutine"}

// FunctionPattern compiles a hotspot function pattern. A pattern is matched
// literally against the full function name ("manuals.(*Store).StepsFor"
// matches "example.com/manuals.(*Store).StepsFor"); a pattern written between
// slashes is a regular expression ("/StepsFor|StepFor/").
func FunctionPattern(p string) (*regexp.Regexp, error) {
	if len(p) >= 2 && strings.HasPrefix(p, "/") && strings.HasSuffix(p, "/") {
		if len(p) == 2 {
			// An empty expression would match every function.
			return nil, fmt.Errorf("function pattern // is empty: write a regular expression between the slashes, like /StepsFor/")
		}
		re, err := regexp.Compile(p[1 : len(p)-1])
		if err != nil {
			return nil, fmt.Errorf("function pattern %s is not a valid regular expression: %v", p, err)
		}
		return re, nil
	}
	if strings.TrimSpace(p) == "" {
		return nil, fmt.Errorf("function pattern is empty: name a function like manuals.(*Store).StepsFor")
	}
	return regexp.MustCompile(regexp.QuoteMeta(p)), nil
}

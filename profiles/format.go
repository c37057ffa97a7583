package profiles

import (
	"cmp"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/google/pprof/profile"

	"github.com/hotbench/hotbench/metric"
	"github.com/hotbench/hotbench/scenarios"
)

// Source is one stored profile that went into a table, as the table's
// header describes it.
type Source struct {
	// Name says which profile it is: "rep-01", or a run and a repetition.
	Name string
	// Samples is SampleCount of the profile.
	Samples int64
	// Duration is the time the profile covers; zero for a snapshot (heap,
	// goroutine).
	Duration time.Duration
}

// NewSource describes one profile for a table's header.
func NewSource(name string, p *profile.Profile) Source {
	s := Source{Name: name, Samples: SampleCount(p)}
	if p != nil && p.DurationNanos > 0 {
		s.Duration = time.Duration(p.DurationNanos)
	}
	return s
}

// Sources are the profiles merged into one side of a table.
type Sources struct {
	// Label names the side in a diff ("base", "candidate"); empty in top.
	Label    string
	Profiles []Source
	// MinSamples is the fewest samples a profile may hold before its
	// shares are called noise; zero means scenarios.DefaultMinSamples.
	MinSamples int64
}

// WriteSources writes the header line of a table's profiles, with each
// profile's sample count and duration, and a warning line when any holds
// fewer than MinSamples samples:
//
//	3 profiles, 836 samples over 1m0s (rep-01: 412 samples over 20s; rep-02: 412 samples over 20s; rep-03: 12 samples over 20s)
//	warning: rep-03 holds 12 samples, fewer than 100: its shares are noise (more load or a longer window gives more samples)
//
// It writes nothing for no profiles.
func WriteSources(w io.Writer, s Sources) error {
	if len(s.Profiles) == 0 {
		return nil
	}
	var total int64
	var dur time.Duration
	parts := make([]string, len(s.Profiles))
	var thin []string
	least := cmp.Or(s.MinSamples, scenarios.DefaultMinSamples)
	for i, p := range s.Profiles {
		total += p.Samples
		dur += p.Duration
		parts[i] = p.Name + ": " + samplesText(p.Samples, p.Duration)
		if p.Samples < least {
			thin = append(thin, fmt.Sprintf("%s holds %s", p.Name, plural(p.Samples, "sample")))
		}
	}
	line := plural(int64(len(s.Profiles)), "profile") + ", " + samplesText(total, dur)
	if len(s.Profiles) == 1 {
		line += " (" + s.Profiles[0].Name + ")"
	} else {
		line += " (" + strings.Join(parts, "; ") + ")"
	}
	if s.Label != "" {
		line = s.Label + ": " + line
	}
	if _, err := fmt.Fprintln(w, line); err != nil {
		return fmt.Errorf("write profile header: %w", err)
	}
	if len(thin) > 0 {
		its := "its shares are"
		if len(thin) > 1 {
			its = "their shares are"
		}
		if _, err := fmt.Fprintf(w, "warning: %s, fewer than %d: %s noise (more load or a longer window gives more samples)\n",
			strings.Join(thin, ", "), least, its); err != nil {
			return fmt.Errorf("write profile header: %w", err)
		}
	}
	return nil
}

// samplesText is "412 samples over 20s", or "412 samples" for snapshots.
func samplesText(n int64, d time.Duration) string {
	s := plural(n, "sample")
	if d > 0 {
		return s + " over " + formatDuration(d)
	}
	return s
}

// formatDuration writes a profile's span: "20s", "1.5s", "2m0s".
func formatDuration(d time.Duration) string {
	return d.Round(100 * time.Millisecond).String()
}

func plural(n int64, noun string) string {
	s := formatCount(n) + " " + noun
	if n != 1 {
		s += "s"
	}
	return s
}

// formatCount writes an integer with thousands separators: "1,234".
func formatCount(n int64) string { return metric.FormatCount(n) }

// WriteTop writes rows as pprof's top does: flat, flat%, sum%, cum, cum%
// and the function, with values written by FormatValue in the sample unit
// (unit is the sample type's unit, as in profile.SampleType[i].Unit:
// nanoseconds, bytes, count, …) and shares by metric.Format, as every
// hotbench output writes them. WriteSources writes the header that says
// what was merged.
func WriteTop(w io.Writer, rows []Func, unit string) error {
	tw := tabwriter.NewWriter(w, 0, 0, 1, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "flat\tflat%\tsum%\tcum\tcum%\t  function\n")
	var sum float64
	for _, r := range rows {
		sum += r.Flat
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t  %s\n",
			FormatValue(r.FlatValue, unit), percent(r.Flat), percent(sum),
			FormatValue(r.CumValue, unit), percent(r.Cum), r.Name)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write top table: %w", err)
	}
	return nil
}

// WriteDiff writes rows of Diff: each function's cum and flat shares in the
// base and the candidate (of their own totals) and their change in
// percentage points (70.83% → 75.00% is +4.17 pp). WriteSources writes
// the headers that say what each side merged.
func WriteDiff(w io.Writer, rows []FuncDiff) error {
	tw := tabwriter.NewWriter(w, 0, 0, 1, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "base cum%\tcand cum%\tΔcum\tbase flat%\tcand flat%\tΔflat\t  function\n")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t  %s\n",
			percent(r.BaseCum), percent(r.CandCum), signedPoints(r.DeltaCum),
			percent(r.BaseFlat), percent(r.CandFlat), signedPoints(r.DeltaFlat), r.Name)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write diff table: %w", err)
	}
	return nil
}

// percent writes a share: metric.Format's "41.2%".
func percent(f float64) string { return metric.Format(f, metric.Fraction) }

// signedPoints writes a change of a share in percentage points: 0.0417 →
// "+4.17 pp".
func signedPoints(f float64) string { return metric.Format(f, metric.Points) }

// FormatValue writes a sample value in its unit as every hotbench output
// writes quantities (metric.Format): times in ns, µs, ms or s, bytes in B,
// KiB, MiB, GiB or TiB, anything else as a count with thousands
// separators.
func FormatValue(v int64, unit string) string {
	u := unitFactor(unit)
	switch u.family {
	case "time":
		return metric.Format(float64(v)*u.scale/1e9, metric.Seconds)
	case "bytes":
		return metric.Format(float64(v)*u.scale, metric.Bytes)
	}
	return metric.FormatCount(v)
}

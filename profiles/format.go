package profiles

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
)

// WriteTop writes rows as pprof's top does: flat, flat%, sum%, cum, cum% and
// the function, with values in the sample unit (unit is the sample type's
// unit, as in profile.SampleType[i].Unit: nanoseconds, bytes, count, …).
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
// base and the candidate (of their own totals) and the change in points of
// the base's total, as `pprof -diff_base` shows it.
func WriteDiff(w io.Writer, rows []FuncDiff) error {
	tw := tabwriter.NewWriter(w, 0, 0, 1, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "base cum%\tcand cum%\tΔcum\tbase flat%\tcand flat%\tΔflat\t  function\n")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t  %s\n",
			percent(r.BaseCum), percent(r.CandCum), signedPercent(r.DeltaCum),
			percent(r.BaseFlat), percent(r.CandFlat), signedPercent(r.DeltaFlat), r.Name)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write diff table: %w", err)
	}
	return nil
}

func percent(f float64) string { return strconv.FormatFloat(f*100, 'f', 2, 64) + "%" }

func signedPercent(f float64) string {
	s := strconv.FormatFloat(f*100, 'f', 2, 64)
	switch {
	case s == "0.00" || s == "-0.00":
		return "0"
	case !strings.HasPrefix(s, "-"):
		s = "+" + s
	}
	return s + "%"
}

// FormatValue writes a sample value in its unit as pprof does: times as
// ns/us/ms/s, bytes as B/KB/MB/GB/TB (powers of 1024), anything else as a
// plain count.
func FormatValue(v int64, unit string) string {
	if v == 0 {
		return "0"
	}
	sign := ""
	f := float64(v)
	if v < 0 {
		sign, f = "-", -f
	}
	u := unitFactor(unit)
	f *= u.scale
	switch u.family {
	case "time":
		for _, s := range []struct {
			name string
			size float64
		}{{"s", 1e9}, {"ms", 1e6}, {"us", 1e3}} {
			if f >= s.size {
				return sign + scaled(f/s.size) + s.name
			}
		}
		return sign + scaled(f) + "ns"
	case "bytes":
		for _, s := range []struct {
			name string
			size float64
		}{{"TB", 1 << 40}, {"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}} {
			if f >= s.size {
				return sign + scaled(f/s.size) + s.name
			}
		}
		return sign + scaled(f) + "B"
	}
	return strconv.FormatInt(v, 10)
}

// scaled keeps two decimals unless they are both zero ("1.20s", "10ms").
func scaled(f float64) string {
	return strings.TrimSuffix(strconv.FormatFloat(f, 'f', 2, 64), ".00")
}

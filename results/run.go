package results

import (
	"fmt"
	"path/filepath"
	"slices"
	"time"

	"github.com/hotbench/hotbench/scenarios"
)

// FormatVersion is the version of run.json this package writes. Loading a
// newer version fails with a message that says to upgrade hotbench.
//
// Version 2 (issue 8): latency histograms hold successful responses only
// (failures have error_latency), repetitions carry their validity, rps is
// over the scheduled window, and profiles carry their sample counts.
// Version 1 runs load unchanged: their latency includes failures, and every
// complete repetition counts as valid.
const FormatVersion = 2

// Run is everything hotbench knows about one execution of a scenario: the
// contents of run.json.
type Run struct {
	FormatVersion int                `json:"format_version"`
	Scenario      scenarios.Scenario `json:"scenario"`
	// ScenarioHash is the hex SHA-256 of the scenario's canonical JSON, so two
	// runs of the same scenario version can be recognised.
	ScenarioHash string    `json:"scenario_hash"`
	Label        string    `json:"label"`
	Start        time.Time `json:"start"`
	End          time.Time `json:"end"`
	// Complete is false when the run was interrupted or failed part way; what
	// was measured is kept either way.
	Complete         bool   `json:"complete"`
	IncompleteReason string `json:"incomplete_reason,omitempty"`

	Git             Git    `json:"git"`
	Host            Host   `json:"host"`
	GoVersion       string `json:"go_version"`
	HotbenchVersion string `json:"hotbench_version"`
	VegetaVersion   string `json:"vegeta_version,omitempty"`
	// Warnings are caveats about the measurement (generator fell behind,
	// profile endpoint down, ...), shown with every summary.
	Warnings []string `json:"warnings,omitempty"`
	// ProfileWarnings are caveats about the server profiles only (endpoint
	// down, an empty profile of an idle server): they weaken the profile
	// evidence, not the latency numbers, so reports do not mark the run
	// for them.
	ProfileWarnings []string `json:"profile_warnings,omitempty"`
	// AB is set on the two runs `hotbench ab` stores: which side, which
	// build, and the interleaving they shared.
	AB *AB `json:"ab,omitempty"`
	// Shard is set on one shard's part of a sharded run (`hotbench run
	// --shard I/N`): which part it is, of which run, and its clock against
	// the coordinator's. Its repetitions hold its share of the load only.
	Shard *ShardPart `json:"shard,omitempty"`
	// Shards is set on the run merged from a sharded run's parts
	// (`hotbench merge`): the parts it was made of and how together they
	// started.
	Shards *ShardSet `json:"shards,omitempty"`
	// Repetitions is the last field: Save appends to it without writing
	// the rest again.
	Repetitions []Repetition `json:"repetitions"`

	// Dir is the run's folder; set by the store, not stored.
	Dir string `json:"-"`
}

// Git describes the working directory hotbench ran in.
type Git struct {
	Commit string `json:"commit,omitempty"`
	Dirty  bool   `json:"dirty,omitempty"`
}

// AB records one side of an interleaved base/candidate session
// (`hotbench ab`, `hotbench calibrate`).
type AB struct {
	// Side is "base" or "candidate"; Ref the git reference as given
	// ("origin/main", "HEAD", "" for the working tree), Commit what it
	// resolved to, Dirty true for a working tree with uncommitted changes
	// (DiffHash then identifies them).
	Side     string `json:"side"`
	Ref      string `json:"ref,omitempty"`
	Commit   string `json:"commit,omitempty"`
	Dirty    bool   `json:"dirty,omitempty"`
	DiffHash string `json:"diff_hash,omitempty"`
	// Other is the folder name of the other side's run.
	Other string `json:"other,omitempty"`
	// Seed drew Order, one "ABBA" or "BAAB" per block (A is the base).
	// Blocks is how many blocks ran; Stopped says why the session ended.
	Seed    int64    `json:"seed"`
	Order   []string `json:"order"`
	Blocks  int      `json:"blocks"`
	Stopped string   `json:"stopped,omitempty"`
	// Calibration is true for an A/A session: both sides ran one build.
	Calibration bool `json:"calibration,omitempty"`
}

// ShardPart is one shard's part of a run split over Count processes.
type ShardPart struct {
	Index int `json:"index"`
	Count int `json:"count"`
	// RunID names the sharded run; every part of it and the merged run
	// carry the same one.
	RunID string `json:"run_id"`
	// Label is the label the sharded run was given; the part's own label
	// adds "-shard-I-of-N" to it.
	Label string `json:"label,omitempty"`
	// Coordinator is the address of shard 0's coordination endpoint.
	Coordinator string `json:"coordinator,omitempty"`
	// ClockOffset is the coordinator's clock minus this shard's, and RTT
	// the round trip it was measured over (the shortest of several), in
	// seconds: the offset is known to ± RTT/2.
	ClockOffset float64 `json:"clock_offset"`
	RTT         float64 `json:"rtt"`
}

// ShardSet describes a merged run's parts.
type ShardSet struct {
	Count int    `json:"count"`
	RunID string `json:"run_id"`
	// Parts lists the shards merged, by index.
	Parts []ShardSource `json:"parts"`
	// Missing lists the shards whose part was not found or never ran.
	Missing []int `json:"missing,omitempty"`
	// StartSkew is, per repetition of the merged run, the spread of the
	// parts' measured-window starts on the coordinator's clock (each
	// part's start plus its clock offset), in seconds.
	StartSkew []float64 `json:"start_skew,omitempty"`
}

// ShardSource is one part of a merged run.
type ShardSource struct {
	Index int `json:"index"`
	// Run is the part's folder name.
	Run         string  `json:"run"`
	Host        string  `json:"host,omitempty"`
	Complete    bool    `json:"complete"`
	Reason      string  `json:"reason,omitempty"`
	ClockOffset float64 `json:"clock_offset"`
	RTT         float64 `json:"rtt"`
}

// Host describes the machine that generated the load.
type Host struct {
	Name string `json:"name"`
	OS   string `json:"os"`
	Arch string `json:"arch"`
	CPUs int    `json:"cpus"`
}

// Repetition is one measured window of the scenario.
type Repetition struct {
	Index int `json:"index"`
	// Start and End bound the measured window (warm-up excluded).
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`
	Complete bool      `json:"complete"`
	// Window is the scheduled length of the measured window in seconds: the
	// denominator of rps. Zero in version 1 runs (End − Start is used).
	Window float64 `json:"window,omitempty"`
	// Invalid lists why the repetition is not a sample (the generator fell
	// behind, the window was interrupted or lost requests); empty when valid.
	// Invalid repetitions are kept on disk and never used by statistics.
	Invalid []string `json:"invalid,omitempty"`
	// Retry is true for a repetition run in place of an invalid one.
	Retry     bool          `json:"retry,omitempty"`
	Endpoints []EndpointRun `json:"endpoints"`
	// Profiles lists the server profiles captured during the window.
	Profiles []Profile `json:"profiles,omitempty"`
	// Functions holds, per hotspot function, its share of the profile.
	Functions []FunctionShare `json:"functions,omitempty"`
	// Server holds resource use of the server during the window, where known.
	Server *ServerStats `json:"server,omitempty"`
}

// Seconds is the length of the measured window in seconds: the scheduled
// length when known, else the time from Start to End.
func (r Repetition) Seconds() float64 {
	if r.Window > 0 {
		return r.Window
	}
	return r.End.Sub(r.Start).Seconds()
}

// Valid reports whether the repetition is a sample for statistics: it ran
// its whole window and nothing made it invalid.
func (r Repetition) Valid() bool { return r.Complete && len(r.Invalid) == 0 }

// Reasons says why the repetition is not valid; nil when it is.
func (r Repetition) Reasons() []string {
	if r.Valid() {
		return nil
	}
	if !r.Complete && !slices.Contains(r.Invalid, ReasonInterrupted) {
		return append([]string{ReasonInterrupted}, r.Invalid...)
	}
	return r.Invalid
}

// ReasonInterrupted is the reason of a repetition whose window was cut short.
const ReasonInterrupted = "interrupted: the window did not run to its end"

// ValidRepetitions returns the run's valid repetitions and how many were
// left out.
func (r *Run) ValidRepetitions() (valid []*Repetition, leftOut int) {
	for i := range r.Repetitions {
		if r.Repetitions[i].Valid() {
			valid = append(valid, &r.Repetitions[i])
		} else {
			leftOut++
		}
	}
	return valid, leftOut
}

// EndpointRun is what one endpoint saw in one repetition.
type EndpointRun struct {
	Name     string `json:"name"`
	Requests int64  `json:"requests"`
	Errors   int64  `json:"errors"`
	// Scheduled is how many hits the schedule had due in the measured window
	// (open model); Requests below it means the generator lost requests.
	Scheduled int64 `json:"scheduled,omitempty"`
	// Status counts responses by status code; "0" counts requests that got no
	// response at all.
	Status map[string]int64 `json:"status,omitempty"`
	// ErrorClasses counts errors by class: "status 500", "timeout",
	// "connection refused", "connection reset", "eof", "other".
	ErrorClasses map[string]int64 `json:"error_classes,omitempty"`
	// ErrorSamples keeps the first few distinct error messages.
	ErrorSamples []string `json:"error_samples,omitempty"`
	// Latency is measured from each request's scheduled send time, in µs,
	// for responses that met expect only: a failure never makes a run look
	// faster (from format version 2).
	Latency *Histogram `json:"latency"`
	// ErrorLatency is the same for failed requests (unexpected status,
	// timeout, transport error); nil in version 1 runs.
	ErrorLatency *Histogram `json:"error_latency,omitempty"`
	// SendLag is actual minus scheduled send time, in µs.
	SendLag *Histogram `json:"send_lag"`
	// Series has one point per second, warm-up included and marked.
	Series []Second `json:"series,omitempty"`
	// GroupBy is the scenario's group_by field, Groups the requests of
	// each of its values (groups.go); GroupsPooled counts the values
	// pooled in the group other.
	GroupBy      string     `json:"group_by,omitempty"`
	Groups       []GroupRun `json:"groups,omitempty"`
	GroupsPooled int        `json:"groups_pooled,omitempty"`
}

// Second is one point of an endpoint's time series.
type Second struct {
	// T is seconds since the measured window began; negative during warm-up.
	T        int     `json:"t"`
	Requests int64   `json:"requests"`
	Errors   int64   `json:"errors"`
	P50      float64 `json:"p50"`
	P99      float64 `json:"p99"`
	Warmup   bool    `json:"warmup,omitempty"`
}

// Profile is one stored server profile.
type Profile struct {
	Kind string `json:"kind"`
	// File is relative to the run folder (profiles/rep-01-cpu.pb.gz).
	File   string    `json:"file"`
	Start  time.Time `json:"start"`
	Window float64   `json:"window"` // seconds
	Bytes  int64     `json:"bytes"`
	// Samples is the profile's number of samples (CPU: ticks of 10 ms);
	// shares computed from few samples are noise.
	Samples int64 `json:"samples,omitempty"`
}

// FunctionShare is the share of a profile's samples whose stack contains a
// hotspot function.
type FunctionShare struct {
	Hotspot  string  `json:"hotspot"`
	Function string  `json:"function"`
	Kind     string  `json:"kind"` // cpu or allocs
	Share    float64 `json:"share"`
	// Samples is the number of samples the share was computed from (the
	// profile's total); zero when unknown (version 1).
	Samples int64 `json:"samples,omitempty"`
}

// ServerStats is the server's resource use during a window.
type ServerStats struct {
	// CPUSeconds is the CPU time the server used in the window: from /proc
	// (user + system of its process tree, and reaped children) when its
	// process id is known, else from its CPU profile. CPUSource says which:
	// CPUFromProc or CPUFromProfile.
	CPUSeconds float64 `json:"cpu_seconds,omitempty"`
	CPUSource  string  `json:"cpu_source,omitempty"`
	// RSSBytes is the mean resident set size over the window's samples and
	// RSSPeakBytes the largest, summed over the server's process tree;
	// RSSSamples counts the samples (zero: not measured).
	RSSBytes     int64 `json:"rss_bytes,omitempty"`
	RSSPeakBytes int64 `json:"rss_peak_bytes,omitempty"`
	RSSSamples   int   `json:"rss_samples,omitempty"`
	AllocBytes   int64 `json:"alloc_bytes,omitempty"`
}

// Where ServerStats.CPUSeconds comes from.
const (
	CPUFromProc    = "proc"
	CPUFromProfile = "profile"
)

// Name is the run's folder name (20261127T010203Z-before), or "" for a run
// that was never stored.
func (r *Run) Name() string {
	if r.Dir == "" {
		return ""
	}
	return filepath.Base(r.Dir)
}

// Ref names the run for display as scenario@label. A run without a label is
// named by its folder (scenario@20261127T010203Z-run), which Resolve accepts
// too; a label may name several runs, of which Resolve picks the newest.
func (r *Run) Ref() string { return ref(r.Scenario.Name, r.Label, r.Dir) }

func ref(scenario, label, dir string) string {
	switch {
	case label != "":
		return scenario + "@" + label
	case dir != "":
		return scenario + "@" + filepath.Base(dir)
	}
	return scenario
}

// MergedRepetitions are the repetitions a summary merges: the valid ones,
// or all of them when none is valid (fallback true), so that a run whose
// every repetition broke still shows what it measured, flagged.
func (r *Run) MergedRepetitions() (reps []*Repetition, fallback bool) {
	reps, leftOut := r.ValidRepetitions()
	if len(reps) > 0 || leftOut == 0 {
		return reps, false
	}
	for i := range r.Repetitions {
		reps = append(reps, &r.Repetitions[i])
	}
	return reps, true
}

// ProfileFiles lists the stored profiles of one kind over the run's valid
// repetitions, as paths, with a name for each ("svc@before rep-03").
func (r *Run) ProfileFiles(kind string) (files, names []string) {
	valid, _ := r.ValidRepetitions()
	for _, rep := range valid {
		for _, p := range rep.Profiles {
			if p.Kind == kind {
				files = append(files, filepath.Join(r.Dir, filepath.FromSlash(p.File)))
				names = append(names, fmt.Sprintf("%s rep-%02d", r.Ref(), rep.Index))
			}
		}
	}
	return files, names
}

// ProfilesOf lists the stored profiles of one kind over the valid
// repetitions of runs (Run.ProfileFiles, run after run), and the largest
// profiles.min_samples of their scenarios: what merging them needs.
func ProfilesOf(runs []*Run, kind string) (files, names []string, minSamples int64) {
	for _, r := range runs {
		f, n := r.ProfileFiles(kind)
		files, names = append(files, f...), append(names, n...)
		minSamples = max(minSamples, int64(r.Scenario.Profiles.MinSamples))
	}
	return files, names, minSamples
}

// AllWarnings is the run's warnings followed by its profile warnings.
func (r *Run) AllWarnings() []string {
	if len(r.ProfileWarnings) == 0 {
		return r.Warnings
	}
	return append(slices.Clone(r.Warnings), r.ProfileWarnings...)
}

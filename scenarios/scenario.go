package scenarios

import "time"

// Scenario is one load test as its file describes it, after defaults and
// validation. Field names follow the file's keys (docs/design.md).
type Scenario struct {
	Name        string     `json:"name"`
	Description string     `json:"description,omitempty"`
	Target      string     `json:"target"`
	Load        LoadSpec   `json:"load"`
	Runs        int        `json:"runs"`
	Endpoints   []Endpoint `json:"endpoints"`
	Profiles    Profiles   `json:"profiles"`
	Hotspots    []Hotspot  `json:"hotspots,omitempty"`
	Server      *Server    `json:"server,omitempty"`
	Gate        Gate       `json:"gate"`
	// AllowOutsideFiles lets body_file name files outside the scenario's
	// folder.
	AllowOutsideFiles bool `json:"allow_outside_files,omitempty"`
	// Calibration is what `hotbench calibrate --write` recorded: a record,
	// not a setting, left out of Hash.
	Calibration *Calibration `json:"calibration,omitempty"`

	// File is the path the scenario was loaded from; empty when built in code.
	File string `json:"file,omitempty"`
}

// LoadSpec is the load section: how hard and how long to drive the target.
// (The name Load belongs to the function that reads scenario files.)
type LoadSpec struct {
	Rate       Rate     `json:"rate"`
	Duration   Duration `json:"duration"`
	Warmup     Duration `json:"warmup"`
	Stages     []Stage  `json:"stages,omitempty"`
	Timeout    Duration `json:"timeout"`
	MaxWorkers int      `json:"max_workers"`
	Workers    int      `json:"workers"`
	// Retries is how many invalid repetitions may be redone so that a run
	// still reaches runs valid ones (default DefaultRetries).
	Retries int `json:"retries"`
	// MaxSendLag is the generator's send-lag p99 above which a repetition
	// measured hotbench, not the server, and is invalid (default
	// DefaultMaxSendLag).
	MaxSendLag Duration `json:"max_send_lag,omitempty"`
	// Coalesce is the pacer's window: a hit due less than this after a
	// wake-up goes with it, early, and is timed from when it was sent (the
	// default DefaultCoalesce; 0 gives every hit its own wake-up).
	Coalesce Duration `json:"coalesce"`
}

// MeanRate is the mean rate per second over the measured window (the
// stages' time-weighted mean when there are stages); 0 for the closed model.
func (l LoadSpec) MeanRate() float64 {
	if l.Rate.Max {
		return 0
	}
	if len(l.Stages) == 0 {
		return l.Rate.PerSecond
	}
	var hits, secs float64
	prev := l.Rate.PerSecond
	for _, st := range l.Stages {
		d := time.Duration(st.Duration).Seconds()
		hits += (prev + st.Rate.PerSecond) / 2 * d
		secs += d
		prev = st.Rate.PerSecond
	}
	if secs == 0 {
		return 0
	}
	return hits / secs
}

// Closed reports whether the load is the closed model (rate: max with workers).
func (l LoadSpec) Closed() bool { return l.Rate.Max }

// Window is the measured window of one repetition: the sum of the stages when
// there are stages, otherwise Duration.
func (l LoadSpec) Window() time.Duration {
	if len(l.Stages) == 0 {
		return time.Duration(l.Duration)
	}
	var d time.Duration
	for _, s := range l.Stages {
		d += time.Duration(s.Duration)
	}
	return d
}

// Stage is one step of a ramp: the rate moves linearly from the previous
// stage's rate (or load.rate for the first) to Rate over Duration.
type Stage struct {
	Duration Duration `json:"duration"`
	Rate     Rate     `json:"rate"`
}

// Endpoint is one request shape and its share of the load.
type Endpoint struct {
	Name    string            `json:"name"`
	Method  string            `json:"method"`
	Path    string            `json:"path"`
	Headers map[string]string `json:"headers,omitempty"`
	// Body is the request body, read from BodyFile when that is set. A
	// body from a file is sent but not stored: JSON carries BodySHA256
	// instead (see MarshalJSON), so Body is empty in a scenario read back
	// from run.json.
	Body     string `json:"body,omitempty"`
	BodyFile string `json:"body_file,omitempty"`
	// BodySHA256 is the hex SHA-256 of a body read from BodyFile, after
	// ${VAR} expansion; empty for an inline body.
	BodySHA256 string `json:"body_sha256,omitempty"`
	Weight     int    `json:"weight"`
	Expect     Expect `json:"expect"`

	// Data is the endpoint's data file (a feeder, feeder.go): each request
	// fills the placeholders of Path, Headers and Body from one of its
	// rows, taken in DataOrder (cycle or random, with Seed). DataSHA256
	// is the file's digest, so the scenario's Hash changes with it; Feed
	// is the file as read, never stored. GroupBy names a field whose
	// values group the endpoint's latencies.
	Data       string  `json:"data,omitempty"`
	DataSHA256 string  `json:"data_sha256,omitempty"`
	DataOrder  string  `json:"data_order,omitempty"`
	Seed       *uint64 `json:"seed,omitempty"`
	GroupBy    string  `json:"group_by,omitempty"`
	Feed       *Feed   `json:"-"`
	// Targets is a vegeta targets file (targets.go) whose requests the
	// endpoint sends, in DataOrder, instead of its own; TargetsSHA256 the
	// digest of the file and the payloads it names, TargetList the file as
	// read, never stored.
	Targets       string   `json:"targets,omitempty"`
	TargetsSHA256 string   `json:"targets_sha256,omitempty"`
	TargetList    *Targets `json:"-"`
}

// Expect says which responses count as successes.
type Expect struct {
	// Status lists the accepted status codes; empty means 2xx and 3xx.
	Status []int `json:"status,omitempty"`
}

// OK reports whether a response with the given status code is a success.
func (e Expect) OK(code int) bool {
	if len(e.Status) == 0 {
		return code >= 200 && code < 400
	}
	for _, s := range e.Status {
		if s == code {
			return true
		}
	}
	return false
}

// Profiles says where and what to profile while the load runs.
type Profiles struct {
	Pprof    string   `json:"pprof,omitempty"`
	Command  string   `json:"command,omitempty"`
	Kinds    []string `json:"kinds,omitempty"`
	Required bool     `json:"required,omitempty"`
	// MinSamples is the fewest samples every repetition's profile must hold
	// on both sides before a function's share is tested (default
	// DefaultMinSamples): shares of a dozen samples are noise.
	MinSamples int `json:"min_samples,omitempty"`
}

// Hotspot is a known slow spot with the month's objective for it.
type Hotspot struct {
	Name      string   `json:"name"`
	Endpoint  string   `json:"endpoint"`
	Metric    string   `json:"metric"`
	Objective Quantity `json:"objective"`
	Due       Date     `json:"due,omitempty"`
	Functions []string `json:"functions,omitempty"`
	// Owner (a person), Team and Ticket (free text: an issue key or a URL)
	// say who answers for the hotspot and where it is tracked; reports
	// show them wherever they list hotspots. They are records, not
	// settings, so Hash leaves them out: naming an owner makes no new
	// version of the scenario.
	Owner  string `json:"owner,omitempty"`
	Team   string `json:"team,omitempty"`
	Ticket string `json:"ticket,omitempty"`
}

// Server is a service hotbench builds and starts itself (Command set), or
// one started by others whose process id PidFile names, so that its CPU and
// memory can be read from /proc.
type Server struct {
	Build   string `json:"build,omitempty"`
	Command string `json:"command,omitempty"`
	Ready   string `json:"ready,omitempty"`
	PidFile string `json:"pid_file,omitempty"`
}

// Managed reports whether hotbench starts the server itself.
func (s *Server) Managed() bool { return s != nil && s.Command != "" }

// Gate is the CI policy: which regressions fail and which limits must hold.
type Gate struct {
	Alpha float64 `json:"alpha"`
	// MaxRegression is nil for the default policy; an empty map (written
	// max_regression: {}) gates no regressions, so it is never omitted.
	MaxRegression map[string]Quantity `json:"max_regression"`
	// SLO holds the limits every run must meet (default DefaultSLO). An
	// entry with None set ("error_rate: none") is no limit: skip it.
	SLO map[string]Quantity `json:"slo,omitempty"`
}

// Package scenarios owns hotbench's scenario file format: its types, loading
// through viper with environment and override layers, defaults, and
// validation that reports every problem at once with file, line, field and
// what to do. Shipped examples live in examples/ and are embedded as
// Examples. This comment is the format's reference; `hotbench help
// scenario` prints it from reference.txt, which go generate renders from
// this comment (see Reference; a test fails while the two differ).
//
// # Files
//
// A scenario is a YAML file (.yaml or .yml); TOML (.toml) and JSON (.json)
// files with the same keys load too. Keys are lower case. A key the format
// does not know is an error, with the closest known key suggested
// ("endpoints[0].wieght: unknown key; did you mean weight?"), so a typo in a
// threshold never passes silently. Errors print as
//
//	file:line: field: what is wrong and what to do
//
// one per line, sorted by line. Errors in TOML files (other than syntax
// errors), and in values that came from the environment or an override,
// have no line. A YAML syntax error names its column too,
// "file:line:col: YAML: what is wrong", where the text stops being YAML.
//
// # Keys
//
// Top level:
//
//	name         required. [a-z0-9-]+, not starting with a dash, at most
//	             100 characters; names the results folder.
//	description  optional free text.
//	target       required. The base URL of the service under test, written
//	             plainly as scheme://host[:port][/path]: scheme http or
//	             https; a host name or IP address ([::1] for IPv6); a port
//	             from 1 to 65535; a path of letters, digits and
//	             - . _ ~ / % : @ + , = only. Endpoint paths are appended to
//	             it, so a query or fragment is refused (put the query in
//	             endpoints[].path), and so is a user name or password
//	             (http://user:pw@host): the target is stored and printed
//	             with every run, so send credentials in endpoints[].headers
//	             or the path's query; secret-looking header and query values
//	             are redacted wherever a run is stored or printed. Nothing a
//	             shell would read
//	             gets through, whichever layer gives the target.
//	load         how hard and how long; see below.
//	runs         repetitions of the measured window; default 10, from 1 to
//	             1000. Statistics need 4 or more a side to call anything
//	             significant.
//	endpoints    required, at least one; see below.
//	profiles     optional; what to profile while the load runs.
//	hotspots     optional; the known slow spots and their objectives.
//	server       optional; a service hotbench builds and starts itself.
//	gate         optional; the CI policy.
//	allow_outside_files
//	             optional, default false; true lets body_file name files
//	             outside the scenario's folder (see Payload files).
//	             HOTBENCH_ALLOW_OUTSIDE_FILES=true and the override
//	             allow_outside_files set it as well.
//	calibration  optional; written by `hotbench calibrate --write`: a
//	             record of the scenario's noise, not a setting (see below).
//
// load:
//
//	rate         arrivals per second of the open model, whatever the server
//	             does: "200/s", "30/m", "5000/h", "1/500ms", or a bare
//	             number per second; at most 1000000/s for the whole
//	             scenario. Required, above 0, unless stages are
//	             given (then it is where the ramp starts, and may be 0).
//	             "max" is the closed model: workers each send a request and
//	             wait for its response; it needs workers and refuses stages,
//	             and it measures capacity, never latency verdicts.
//	duration     the measured window of one repetition, like "20s";
//	             required above 0 without stages, at most 24h. With stages
//	             the window is their sum (at most 24h too), and duration, if
//	             given, must equal it.
//	warmup       load before measuring, not recorded; default 0, at most 1h.
//	stages       optional ramp, a list of {duration, rate}: the rate moves
//	             linearly from the previous stage's rate (load.rate for the
//	             first) to the stage's rate over its duration. Each
//	             duration is above 0; each rate is 0 or more, never max,
//	             at most 1000000/s.
//	timeout      per request; default 10s, above 0, at most 1h (the longest
//	             latency recorded).
//	max_workers  cap on concurrent requests of the open model; default 0,
//	             unbounded, which keeps latency honest under stalls; at most
//	             100000.
//	workers      the closed model's concurrent workers; only with rate: max;
//	             at most 100000.
//	retries      how many invalid repetitions a run may redo so that it
//	             still reaches runs valid ones; default 2, from 0 (an
//	             explicit 0 means no retries) to 10. A repetition is
//	             invalid when the generator fell behind (see max_send_lag)
//	             or its window was interrupted; it is kept, marked, and
//	             never used as a sample.
//	max_send_lag the generator's send-lag p99 (actual minus scheduled send
//	             time) above which a repetition measured hotbench rather
//	             than the server and is invalid; default 10ms, above 0 and
//	             at most 1m.
//	coalesce     the pacer's window: a hit due less than this after the
//	             generator wakes up is sent with the hit before it, early,
//	             and timed from when it was actually sent (never flattered).
//	             Waking up costs a small machine's generator as much CPU as
//	             a request: at 3,000/s the default 3ms sends groups of about
//	             9 with a third of the CPU a request. Under 333/s every hit
//	             keeps its own time. 0 gives every hit its own wake-up, for
//	             exact arrivals (a single-threaded server answering in
//	             microseconds queues a group); at most 100ms.
//
// endpoints, each:
//
//	name         required, unique, [a-z0-9_-]+, at most 100 characters.
//	method       default GET; an HTTP token, case-sensitive (POST, not post).
//	path         required, starts with "/", may carry a query.
//	headers      optional mapping of header name to value; names keep the
//	             case they are written in.
//	body         optional request body text.
//	body_file    optional path of a file holding the body, relative to the
//	             scenario file's folder and inside it, read when the file
//	             loads (at most 16 MiB of UTF-8 text; see Payload files).
//	             Give body or body_file, not both.
//	weight       share of the rate, default 1, from 1 to 1000000: with
//	             weights 3 and 1, three of every four requests go to the
//	             first.
//	expect       {status: [200, 304]}: the status codes that count as
//	             successes; default 2xx and 3xx. Codes are 100 to 599.
//	data         optional data file (a feeder): CSV with a header row
//	             (.csv) or JSON Lines (.jsonl), relative to the scenario
//	             file's folder by the rules of body_file, at most 1 GiB and
//	             10000000 rows. Each request fills the placeholders of
//	             path, headers and body from one row (see Feeders).
//	data_order   cycle (the default) or random: how requests take rows.
//	seed         the random order's seed, from 0 to 9007199254740991;
//	             default one drawn from the endpoint and its data, and
//	             stored with the run.
//	group_by     optional field of the data file: latencies are recorded
//	             per value of it too (see Feeders).
//	targets      optional vegeta targets file (http or json format),
//	             instead of method, path and body: the endpoint sends its
//	             requests, in data_order (see Targets). Not with data.
//
// profiles:
//
//	pprof        base URL of a Go net/http/pprof handler, like
//	             http://127.0.0.1:8080/debug/pprof. When the environment or
//	             an override (--target) moves target, a pprof URL on the
//	             file's target host and port moves with it, path kept; one
//	             on another host or port stays.
//	command      or a command that writes a pprof file to {out}, for
//	             services not written in Go. Not both.
//	kinds        profiles to capture, from cpu allocs heap mutex block
//	             goroutine; default [cpu, allocs] when pprof or command is
//	             set.
//	required     true makes a missing profile fail the run; default false,
//	             a warning.
//	min_samples  the fewest samples every repetition's profile must hold, on
//	             both sides, before a function's share of them is tested;
//	             default 100, at least 1. Shares of a dozen samples are
//	             noise: below it a function says "too few samples".
//
// hotspots, each:
//
//	name         required, unique, [a-z0-9-]+, at most 100 characters.
//	endpoint     required; the name of one of the endpoints.
//	metric       default p99; one of the metrics below.
//	objective    required; the month's target, a quantity of the metric.
//	due          optional date, "2026-12-31".
//	functions    optional function patterns the profile should show shrink.
//	owner        optional; who answers for the hotspot, like alice. Not
//	             empty when given, one line, at most 100 characters.
//	team         optional; the team that owns it, by the same rules.
//	ticket       optional free text on one line: where the work is
//	             tracked, like PERF-123 or its URL.
//
// Reports show a hotspot's owner, team and ticket wherever they list
// hotspots. They are records, not settings: changing them makes no new
// version of the scenario (its hash stays), so runs before and after
// compare without a warning.
//
// server:
//
//	build        optional command that builds the service to {bin}.
//	command      starts the service listening on {addr} ({port} is its
//	             port); required unless pid_file is given.
//	ready        optional path that answers 2xx once the service is up,
//	             like /healthz.
//	pid_file     instead of command: a file holding the process id of a
//	             service started by others, read when the run starts, so
//	             its CPU time and memory (cpu_per_req, rss_peak) are read
//	             from /proc.
//
// gate:
//
//	alpha           significance level, default 0.05, from 0.000001 to 0.5.
//	                A change counts only when p <= alpha. (CheckAlpha applies
//	                the same rule to a command's --alpha.)
//	max_regression  mapping of metric to the largest significant regression
//	                that still passes. Default, when no layer gives one:
//	                {p50: 10%, p99: 10%, error_rate: 0}. An empty mapping,
//	                max_regression: {}, sets no limits.
//	slo             mapping of metric to an absolute limit every run must
//	                meet; default {error_rate: 1%}. The default error_rate
//	                is kept when slo names other metrics only; write
//	                error_rate: none (or a higher limit) to remove it.
//	                "none" means no limit, and is accepted in slo only.
//
// A key of max_regression or slo is a metric, for every endpoint, or
// endpoint.metric for one endpoint, which takes precedence over the
// metric's own key: {p99: 10%, search.p99: 15%}. The endpoint must be one
// of the scenario's; cpu_per_req, alloc_per_req and rss_peak are the
// server's, over all endpoints together, and take no endpoint. The
// environment and overrides set the keys without an endpoint only.
//
// Like k6 thresholds, a run checks its own SLOs when it ends: a breach is
// printed, the run is stored, and the command exits 1. An endpoint without
// a single successful response in a repetition always breaches. The gate
// checks the candidate's SLOs the same way.
//
// calibration:
//
//	date         required; when the calibration ran, an RFC 3339 time
//	             with its zone, like 2026-12-01T16:40:00Z.
//	host         optional; the machine it ran on.
//	commit       optional; the commit of the build it measured.
//	blocks       required, from 1 to 1000; the A/A blocks measured.
//	alpha        optional; the significance level of the minimum
//	             detectable effects, from 0.000001 to 0.5.
//	metrics      mapping of endpoint.metric (search.p99), or server.metric
//	             for the server's cpu_per_req, alloc_per_req and rss_peak,
//	             to that metric's noise, each a mapping of:
//	               cv            coefficient of variation of one
//	                             repetition's value, a percentage: 4.1%
//	               between_runs  the share of the variance between runs
//	                             (server processes), from 0% to 100%
//	               drift         relative change per hour, signed: +0.8%/h
//	               mde_5, mde_10, mde_20
//	                             the smallest regression the gate detects
//	                             with 5, 10 and 20 runs a side: 14%, or
//	                             undetectable
//
// `hotbench calibrate SCENARIO --write` sets runs and gate.max_regression
// so that the gate is not blind to the regressions it allows, and replaces
// the calibration block with what it measured (EditYAML, WriteCalibration).
// It edits the file's text in place: a value it sets is replaced where it
// is written, keeping its comment; runs it adds after load, gate (and a
// new max_regression, with the default policy's limits kept beside the
// ones it sets) at the end, and calibration last; comments, blank lines,
// key order, quoting, indentation and line ends elsewhere stay as they
// were. The edited file must load, or the file is left as it was. Only
// YAML files are edited: for TOML and JSON the command says what to set by
// hand.
//
// The calibration is a record: nothing reads it to run or gate, the
// environment and overrides do not set it, and it is left out of the
// scenario's Hash, so recalibrating makes no new version of the scenario
// (the runs and max_regression it changes do).
//
// # Limits
//
// Every limit lives in one place (the Max and Min constants, and
// CheckAlpha, CheckRuns and CheckTarget for values given outside a file)
// and holds whichever layer gives the value: file, environment or
// override. A value past its limit is refused as too large, with the limit:
//
//	runs: 1e+20 is too large: at most 1000
//	load.duration: "100000000h" is too large: at most 24h
//
// A scenario file is at most 4 MiB, and its mappings and lists nest at
// most 32 levels deep (the format needs 5; the root mapping is level 1);
// both are checked before the file is parsed any further, so a hostile
// file is refused at once. A body_file is at most 16 MiB.
//
// # Metrics and quantities
//
// Metrics are package metric's: the latencies, any percentile written pN or
// pN.N (p50, p75, p95, p99, p99.9, p99.99; above p0, below p100, at most
// three decimals), mean and max; rps, error_rate, cpu_per_req and
// alloc_per_req. p99.9 and p999 are one metric, stored as p999; other
// percentiles keep their dot. A mapping that names one metric twice (p99.9
// and p999) is an error. A quantity is written in its metric's unit:
//
//	latencies, cpu_per_req  a duration, "150ms", "1.5s", at most 1h (the
//	                        longest timeout); a bare number other than 0 is
//	                        an error (p99: 10 meant as 10% or 10ms would
//	                        otherwise gate nothing)
//	error_rate              a percentage, "0.1%", or a fraction, 0.001;
//	                        always absolute
//	rps                     a rate, "500/s", or a bare number per second
//	alloc_per_req           bytes: "64KiB", "2MB", "512B" (KB, MB, GB are
//	                        powers of 1000; KiB, MiB, GiB of 1024) or a
//	                        bare number
//
// In gate.max_regression a percentage of any metric but error_rate is
// relative to the base ("10%" allows the candidate 10 % worse than the
// base); an amount in the metric's unit is absolute ("20ms" allows 20ms
// worse). error_rate: 0 fails any significant rise of the error rate.
// Quantities are never negative; the text as written is kept for messages.
//
// # Durations, rates and dates
//
// Durations are Go durations: "300ms", "20s", "1m30s", "2h"; a bare 0 is
// allowed, other bare numbers need a unit. Rates are as for load.rate.
// Dates are "2006-01-02".
//
// # Function patterns
//
// A hotspot's function pattern is matched against the full function names
// of the profile. Written plainly it is literal and may match inside the
// name: "manuals.(*Store).StepsFor" matches
// "example.com/app/manuals.(*Store).StepsFor". Written between slashes it is
// a regular expression (RE2 syntax): "/StepsFor|StepFor/".
//
// # Environment and overrides
//
// Values are layered: the file, then the environment, then overrides (the
// command's flags), later layers winning. Each single value outside lists
// has an environment variable: HOTBENCH_ and the key upper-cased with dots
// as underscores, such as HOTBENCH_TARGET, HOTBENCH_RUNS, HOTBENCH_LOAD_RATE,
// HOTBENCH_LOAD_RETRIES, HOTBENCH_LOAD_MAX_SEND_LAG,
// HOTBENCH_PROFILES_PPROF, HOTBENCH_PROFILES_MIN_SAMPLES, HOTBENCH_GATE_ALPHA,
// HOTBENCH_GATE_MAX_REGRESSION_P99 or HOTBENCH_GATE_SLO_ERROR_RATE (=none
// removes the default error-rate SLO); a percentile's dot is an underscore
// too, HOTBENCH_GATE_SLO_P99_9 for gate.slo.p99.9. An empty variable is ignored, and
// HOTBENCH_ variables that name no scenario key (HOTBENCH_RESULTS, say) are
// not the format's business. profiles.kinds from these layers is a
// comma-separated list: HOTBENCH_PROFILES_KINDS=cpu,heap. Overrides use the
// dotted keys, "load.rate", "gate.slo.p99" or "gate.slo.p99.9"; an
// override of any other key
// is an error. Lists (endpoints, stages, hotspots) come from the file only.
//
// # Payload files
//
// A body_file is resolved against the scenario file's folder, then its
// symbolic links are followed, and the file it reaches must be inside that
// folder: "../secrets.json", "/etc/shadow" and a link that leads out are
// refused unless allow_outside_files is true. Inside a file system given to
// LoadFS the path never leaves the file system, and, without
// allow_outside_files, neither the folder nor a symbolic link. Only
// ordinary files are read: a folder, named pipe, device or socket is
// refused before it is opened, and so is a file whose content is not the
// size it reports (/proc/self/environ), even with allow_outside_files.
//
// The body is sent, but run.json does not store it: an endpoint whose body
// came from body_file is stored with body_sha256, the hex SHA-256 of the
// body as sent (after ${NAME} expansion), instead of the body. The
// scenario's Hash covers the digest, so it changes when the file's content
// does. A scenario read back from run.json has the digest and no body.
//
// # Feeders
//
// An endpoint with data: FILE sends a request per row of the file instead
// of one fixed request. A CSV file starts with a header row naming its
// fields; a JSON Lines file has one object a line, whose keys are the
// fields (a string is its text, another value its JSON: 42, true). In the
// path, the header values and the body (inline or from body_file),
// {{.field}} is the field's value in the request's row:
//
//	endpoints:
//	  - name: manual
//	    path: /api/manuals/{{.id}}?lang={{.lang}}
//	    headers: {X-Tenant: "{{.tenant}}"}
//	    data: manuals.csv
//	    data_order: random
//	    group_by: size
//
// The syntax is Go templates' {{.field}}, and only that: a field name of
// letters, digits and _, and {{"text"}} for constant text, so {{"{{"}}
// writes a literal {{. It is neither ${NAME} (the environment, filled when
// the file loads, before placeholders are read) nor {bin} (server and
// profile commands). In the path a value is escaped, as a path segment
// before the first ? and as a query value after it; header values and
// bodies take values as they are. Without data, a placeholder is an error.
//
// Requests take rows by their number in the endpoint's schedule, n = 0,
// 1, 2 … (warm-up included, every repetition from 0; a shard's hits keep
// their numbers in the whole schedule): cycle takes row n modulo the
// number of rows; random takes a row drawn from seed and n alone. Every
// repetition, and the base and candidate of a comparison, send the same
// sequence of requests.
//
// The file is read once when the scenario loads; only the fields the
// endpoint uses are kept, shared by every request. validate checks it:
// every placeholder names a field of the file (at the placeholder's line),
// and the file exists, has rows, has as many values in each row as its
// header, is UTF-8 and, for JSON Lines, is one JSON object a line with
// every field used; header values have no line breaks. Problems of the
// file are named file:line, at most ten of them. The file's SHA-256 digest
// is stored with the run as data_sha256 and counts in the Hash, so a
// changed data file is a new version of the scenario.
//
// group_by: FIELD records, beside the endpoint's own numbers, the
// requests, errors and latencies of each value of FIELD as a group named
// endpoint[FIELD=value], "manual[size=large]": show lists groups under
// their endpoint, compare and reports give them rows of their own, and a
// hotspot's endpoint may name one. The 50 most frequent values are groups
// of their own; the others are pooled as other, with a warning. A value is
// at most 64 bytes.
//
// # Targets
//
// targets: FILE names a file of requests in vegeta's own format, for teams
// that have one: the http format (METHOD URL, then header lines, then
// @FILE for a body, requests apart by blank lines, # comments) or the json
// format (one {"method", "url", "header", "body" (base64)} a line; a .json
// or .jsonl file, or one whose first request starts with {). It is read
// with vegeta's parsers when the scenario loads, under the rules of
// body_file (at most 256 MiB and 1000000 targets), and so are the @FILE
// bodies, relative to the scenario's folder; a request vegeta cannot read
// is an error at its line. Requests take targets as data_order says, like
// a data file's rows (seed as well). Each target's URL is a path on
// target: its scheme and host, if it has them, give way to the scenario's
// target, so --target and ab's servers move it too. The endpoint's
// headers go with every target, as vegeta's -header; method, path, body
// and body_file come from the file and are not given. The digest of the
// file and of the bodies it names is stored as targets_sha256 and counts
// in the Hash.
//
// # Variables in headers and bodies
//
// In header values, body and the contents of body_file, ${NAME} is replaced
// by the environment variable NAME when the file loads, and
// ${NAME:-default} by NAME or, when NAME is unset or empty, by default. An
// unset variable without a default is an error that names it. $${ writes a
// literal ${; a $ not followed by { is left alone.
//
// Expanded values are part of the scenario: they are stored with each run
// (a body_file's as its digest) and count in its Hash, so keep secrets that
// change from run to run out of scenarios compared with each other.
package scenarios

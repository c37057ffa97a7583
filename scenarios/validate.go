package scenarios

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hotbench/hotbench/metric"
)

var (
	scenarioName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	endpointName = regexp.MustCompile(`^[a-z0-9_-]+$`)
	hotspotName  = scenarioName
)

// Validate checks the rules of the scenario format and returns every
// problem, each with its field and what to do; nil means valid. It works on
// a scenario built in code (call ApplyDefaults first for the defaults Load
// applies) and on one read back from JSON; Load runs it and adds positions.
func (s *Scenario) Validate() []*Error {
	v := &validator{}
	v.name("name", s.Name, scenarioName, "manual-search", "lower-case letters, digits and dashes")
	if err := CheckTarget(s.Target); err != nil {
		v.add("target", "%v", err)
	}
	v.load(&s.Load)
	if err := CheckRuns(s.Runs); err != nil {
		v.add("runs", "%v", err)
	}
	v.endpoints(s.Endpoints)
	v.profiles(&s.Profiles)
	v.hotspots(s.Hotspots, s.Endpoints)
	if s.Server != nil {
		switch cmd := strings.TrimSpace(s.Server.Command); {
		case cmd == "" && s.Server.PidFile == "":
			v.add("server.command", "is required with server: the command that starts the service, like \"{bin} -addr {addr}\" (or give only server.pid_file for a service started by others)")
		case cmd != "" && s.Server.PidFile != "":
			v.add("server.pid_file", "names the process of a service hotbench does not start: remove it, hotbench knows the process id of the server.command it starts")
		case cmd == "" && (s.Server.Build != "" || s.Server.Ready != ""):
			v.add("server.command", "is required with server.build and server.ready: they build and wait for the service server.command starts")
		}
		if s.Server.Ready != "" && !strings.HasPrefix(s.Server.Ready, "/") {
			v.add("server.ready", "%q must be a path that starts with /, like /healthz", s.Server.Ready)
		}
	}
	v.gate(&s.Gate, endpointNames(s.Endpoints))
	if s.Calibration != nil {
		v.calibration(s.Calibration, endpointNames(s.Endpoints))
	}
	return v.errs
}

type validator struct{ errs []*Error }

func (v *validator) add(field, format string, args ...any) {
	v.errs = append(v.errs, &Error{Field: field, Msg: fmt.Sprintf(format, args...)})
}

func (v *validator) name(field, name string, re *regexp.Regexp, example, alphabet string) {
	switch {
	case name == "":
		v.add(field, "is required: name it like %s", example)
	case len(name) > MaxNameLength:
		v.add(field, "is %d characters long: at most %d (names become folder and benchmark names); shorten it, like %s", len(name), MaxNameLength, example)
	case !re.MatchString(name):
		v.add(field, "%q is not a valid name: use %s, like %s", name, alphabet, example)
	}
}

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.Hostname() != ""
}

func (v *validator) load(l *LoadSpec) {
	staged := len(l.Stages) > 0
	switch r := l.Rate; {
	case r.Max:
		if l.Workers <= 0 {
			v.add("load.workers", "rate: max (the closed model) needs workers: N > 0, the number of concurrent workers")
		}
		if staged {
			v.add("load.stages", "rate: max cannot ramp: remove stages, or give load.rate a number like 200/s")
		}
		if l.MaxWorkers != 0 {
			v.add("load.max_workers", "max_workers caps the open model; with rate: max set workers instead")
		}
	case math.IsNaN(r.PerSecond) || math.IsInf(r.PerSecond, 0):
		v.add("load.rate", "is not a finite rate: write it like 200/s")
	case staged && r.PerSecond < 0:
		v.add("load.rate", "%s is negative: the ramp starts from load.rate, write 0/s or more", r)
	case !staged && r.PerSecond <= 0:
		v.add("load.rate", "must be above 0: write a rate like 200/s, or max with workers for the closed model")
	case r.PerSecond > MaxRate:
		v.add("load.rate", "%s", rateTooHigh(r))
	}
	if !l.Rate.Max && l.Workers != 0 {
		v.add("load.workers", "workers only applies to rate: max; use max_workers to cap the open model")
	}
	if staged {
		var sum time.Duration
		for i, st := range l.Stages {
			field := fmt.Sprintf("load.stages[%d]", i)
			if st.Duration <= 0 {
				v.add(field+".duration", "must be above 0: give each stage a duration like 10s")
			}
			switch {
			case st.Rate.Max:
				v.add(field+".rate", "a stage cannot be max: write a rate like 400/s")
			case math.IsNaN(st.Rate.PerSecond) || math.IsInf(st.Rate.PerSecond, 0):
				v.add(field+".rate", "is not a finite rate: write it like 400/s")
			case st.Rate.PerSecond < 0:
				v.add(field+".rate", "%s is negative: write 0/s or more", st.Rate)
			case st.Rate.PerSecond > MaxRate:
				v.add(field+".rate", "%s", rateTooHigh(st.Rate))
			}
			if st.Duration.D() > MaxDuration {
				v.add(field+".duration", "%s", tooLarge(st.Duration.String(), shortDuration(MaxDuration)))
				break
			}
			if st.Duration > 0 && sum+time.Duration(st.Duration) > MaxDuration {
				v.add(field+".duration", "makes the stages add up to more than %s, the longest measured window: shorten the ramp", shortDuration(MaxDuration))
				break
			}
			sum += time.Duration(st.Duration)
		}
		if l.Rate.PerSecond == 0 && !slices.ContainsFunc(l.Stages, func(st Stage) bool { return st.Rate.PerSecond > 0 }) {
			v.add("load.stages", "no rate is above 0, so nothing would be sent: ramp to a rate like 400/s")
		}
		if l.Duration != 0 && time.Duration(l.Duration) != sum {
			v.add("load.duration", "is %s but the stages add up to %s: remove duration, or make it the sum", l.Duration, sum)
		}
	} else if l.Duration <= 0 {
		v.add("load.duration", "must be above 0: give the measured window a duration like 20s")
	} else if l.Duration.D() > MaxDuration {
		v.add("load.duration", "%s", tooLarge(l.Duration.String(), shortDuration(MaxDuration)))
	}
	if l.Warmup < 0 {
		v.add("load.warmup", "%s is negative: write 0 for no warm-up, or a duration like 5s", l.Warmup)
	} else if l.Warmup.D() > MaxWarmup {
		v.add("load.warmup", "%s", tooLarge(l.Warmup.String(), shortDuration(MaxWarmup)))
	}
	if l.Timeout <= 0 {
		v.add("load.timeout", "must be above 0: give requests a timeout like 10s")
	} else if l.Timeout.D() > MaxTimeout {
		// Latency histograms end at one hour; longer would be clamped.
		v.add("load.timeout", "%s is longer than an hour, the longest latency hotbench records: use 1h or less", l.Timeout)
	}
	switch {
	case l.MaxWorkers < 0:
		v.add("load.max_workers", "%d is negative: write 0 for unbounded, or a cap like 1000", l.MaxWorkers)
	case l.MaxWorkers > MaxWorkers:
		v.add("load.max_workers", "%s", tooLarge(strconv.Itoa(l.MaxWorkers), MaxWorkers))
	}
	switch {
	case l.Workers < 0:
		v.add("load.workers", "%d is negative: write the number of concurrent workers, like 50", l.Workers)
	case l.Workers > MaxWorkers:
		v.add("load.workers", "%s", tooLarge(strconv.Itoa(l.Workers), MaxWorkers))
	}
	switch {
	case l.Retries < 0:
		v.add("load.retries", "%d is negative: write 0 for no retries, or how many invalid repetitions to redo, like 2", l.Retries)
	case l.Retries > MaxRetries:
		v.add("load.retries", "%s", tooLarge(strconv.Itoa(l.Retries), MaxRetries))
	}
	switch {
	case l.MaxSendLag <= 0:
		v.add("load.max_send_lag", "must be above 0: give the generator's allowed send-lag p99, like 10ms")
	case l.MaxSendLag.D() > MaxSendLagLimit:
		v.add("load.max_send_lag", "%s", tooLarge(l.MaxSendLag.String(), shortDuration(MaxSendLagLimit)))
	}
	switch {
	case l.Coalesce < 0:
		v.add("load.coalesce", "%s is negative: write 0 for a wake-up per hit, or a window like 3ms", l.Coalesce)
	case l.Coalesce.D() > MaxCoalesce:
		v.add("load.coalesce", "%s", tooLarge(l.Coalesce.String(), shortDuration(MaxCoalesce)))
	}
}

func (v *validator) endpoints(es []Endpoint) {
	if len(es) == 0 {
		v.add("endpoints", "at least one endpoint is required: add one with a name and a path")
		return
	}
	seen := map[string]int{}
	for i, e := range es {
		field := fmt.Sprintf("endpoints[%d]", i)
		v.name(field+".name", e.Name, endpointName, "search", "lower-case letters, digits, _ and -")
		// search-2 and search_2 would be one benchmark name in benchstat's
		// format, so names must differ in more than - and _.
		key := strings.ReplaceAll(e.Name, "-", "_")
		if j, dup := seen[key]; dup && e.Name != "" {
			alike := ""
			if es[j].Name != e.Name {
				alike = fmt.Sprintf(" (%q, up to - and _)", es[j].Name)
			}
			v.add(field+".name", "%q is already the name of endpoints[%d]%s: give each endpoint its own name", e.Name, j, alike)
		} else {
			seen[key] = i
		}
		v.method(field+".method", e.Method)
		v.path(field+".path", requestPath(e))
		v.feeder(field, e) // feeder_decode.go
		for _, name := range sortedKeys(e.Headers) {
			hf := field + ".headers." + name
			if !isToken(name) {
				v.add(hf, "%q is not a valid header name: use letters, digits and -", name)
			}
			if !validHeaderValue(e.Headers[name]) {
				v.add(hf, "the value has control characters or invalid UTF-8: HTTP header values are one line of text")
			}
		}
		if !utf8.ValidString(e.Body) {
			bf := field + ".body"
			if e.BodyFile != "" {
				bf = field + ".body_file"
			}
			v.add(bf, "is not UTF-8 text: hotbench sends text bodies (JSON, form data, XML); convert the payload to text")
		}
		switch {
		case e.Weight < 1:
			v.add(field+".weight", "%d is too small: the weight is the endpoint's share of the rate, 1 or more", e.Weight)
		case e.Weight > MaxWeight:
			// Weights are summed; keep the sum far from overflowing.
			v.add(field+".weight", "%d is too large: weights are shares, keep them at most %d", e.Weight, MaxWeight)
		}
		for j, code := range e.Expect.Status {
			if code < 100 || code > 599 {
				v.add(fmt.Sprintf("%s.expect.status[%d]", field, j), "%d is not an HTTP status: use codes from 100 to 599", code)
			}
		}
	}
}

var standardMethods = []string{
	http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
	http.MethodDelete, http.MethodConnect, http.MethodOptions, http.MethodTrace,
}

func (v *validator) method(field, m string) {
	switch {
	case m == "":
		v.add(field, "is empty: write an HTTP method like GET or POST")
	case !isToken(m):
		v.add(field, "%q is not an HTTP method: write one like GET or POST", m)
	case m != strings.ToUpper(m) && slices.Contains(standardMethods, strings.ToUpper(m)):
		v.add(field, "%q: methods are case-sensitive, write %s", m, strings.ToUpper(m))
	}
}

func (v *validator) path(field, p string) {
	switch {
	case p == "":
		v.add(field, "is required: the request path, like /api/search?q=kitchen")
	case !strings.HasPrefix(p, "/"):
		v.add(field, "%q must start with /: write /%s", p, p)
	default:
		if _, err := url.ParseRequestURI(p); err != nil || strings.ContainsAny(p, " \t\r\n") {
			v.add(field, "%q is not a valid request path: escape spaces and special characters (%%20)", p)
		}
	}
}

func (v *validator) profiles(p *Profiles) {
	if p.Pprof != "" {
		if u, err := url.Parse(p.Pprof); !isHTTPURL(p.Pprof) || err != nil {
			v.add("profiles.pprof", "%q is not an http or https URL: write the net/http/pprof base, like http://127.0.0.1:8080/debug/pprof", p.Pprof)
		} else if err := checkHostPort(u); err != nil {
			v.add("profiles.pprof", "%q: %v", p.Pprof, err)
		}
	}
	if p.Pprof != "" && p.Command != "" {
		v.add("profiles.command", "give profiles.pprof or profiles.command, not both: pprof for Go services, command for others")
	}
	if (p.Pprof != "" || p.Command != "") && len(p.Kinds) == 0 {
		v.add("profiles.kinds", "is empty: list the profiles to capture, like [cpu, allocs]")
	}
	switch {
	case p.MinSamples < 1:
		v.add("profiles.min_samples", "%d is too small: a share needs samples to be tested, write 1 or more, like 100", p.MinSamples)
	case p.MinSamples > MaxMinSamples:
		v.add("profiles.min_samples", "%s", tooLarge(strconv.Itoa(p.MinSamples), MaxMinSamples))
	}
	seen := map[string]bool{}
	for i, k := range p.Kinds {
		field := fmt.Sprintf("profiles.kinds[%d]", i)
		switch {
		case !slices.Contains(ProfileKinds, k):
			v.add(field, "%q is not a profile kind: %s", k, didYouMean(k, ProfileKinds))
		case seen[k]:
			v.add(field, "%q is listed twice: remove one", k)
		}
		seen[k] = true
	}
}

// endpointNames lists the endpoints' names, in order.
func endpointNames(es []Endpoint) []string {
	var names []string
	for _, e := range es {
		names = append(names, e.Name)
	}
	return names
}

func (v *validator) hotspots(hs []Hotspot, es []Endpoint) {
	endpoints := endpointNames(es)
	seen := map[string]int{}
	for i, h := range hs {
		field := fmt.Sprintf("hotspots[%d]", i)
		v.name(field+".name", h.Name, hotspotName, "search-steps-n-plus-one", "lower-case letters, digits and dashes")
		if j, dup := seen[h.Name]; dup && h.Name != "" {
			v.add(field+".name", "%q is already the name of hotspots[%d]: give each hotspot its own name", h.Name, j)
		} else {
			seen[h.Name] = i
		}
		switch {
		case h.Endpoint == "":
			v.add(field+".endpoint", "is required: name the endpoint the hotspot is on")
		case !slices.Contains(endpoints, h.Endpoint) && !v.groupEndpoint(field+".endpoint", h.Endpoint, es): // groups.go
			v.add(field+".endpoint", "no endpoint is named %q: %s", h.Endpoint, didYouMean(h.Endpoint, endpoints))
		}
		m, err := parseMetric(h.Metric)
		switch {
		case h.Metric == "":
			v.add(field+".metric", "is required: %s", metric.Forms)
		case err != nil && metricSuggestion(h.Metric) != "":
			v.add(field+".metric", "%q is not a metric: %s", h.Metric, metricSuggestion(h.Metric))
		case err != nil:
			v.add(field+".metric", "%v", err)
		default:
			v.quantity(field+".objective", h.Metric, h.Objective, false, true)
			if q, err := ParseQuantity(h.Metric, h.Objective.Text, false); err == nil && h.Objective.Text != "" && q.Value == 0 && (m.IsLatency() || m.Name == metric.RPS) {
				v.add(field+".objective", "0 can never be met for %s: write the month's target, like %s", h.Metric, exampleValue(h.Metric))
			}
		}
		for j, f := range h.Functions {
			if _, err := FunctionPattern(f); err != nil {
				v.add(fmt.Sprintf("%s.functions[%d]", field, j), "%v", err)
			}
		}
		v.record(field+".owner", h.Owner, "alice")
		v.record(field+".team", h.Team, "search")
		if strings.ContainsAny(h.Ticket, "\r\n") {
			v.add(field+".ticket", "has several lines: a ticket is one line, like PERF-123 or its URL")
		}
	}
}

// record checks a hotspot's owner or team, which may be left out: given,
// it names someone, on one line that fits a table.
func (v *validator) record(field, s, example string) {
	switch {
	case s == "":
	case strings.TrimSpace(s) == "":
		v.add(field, "is blank: name someone, like %s, or leave it out", example)
	case strings.ContainsAny(s, "\r\n"):
		v.add(field, "has several lines: write one name, like %s", example)
	case utf8.RuneCountInString(s) > MaxNameLength:
		v.add(field, "is %d characters long: at most %d (reports show it in tables)", utf8.RuneCountInString(s), MaxNameLength)
	}
}

// quantity checks a value of metric; required says a zero Quantity is
// missing rather than 0.
func (v *validator) quantity(field, name string, q Quantity, relative, required bool) {
	if q.None {
		v.add(field, "none (no limit) is only for gate.slo: give %s a value like %s, or leave it out", name, exampleValue(name))
		return
	}
	if required && q == (Quantity{}) {
		v.add(field, "is required: the month's target for %s, like %s", name, exampleValue(name))
		return
	}
	if q.Text != "" {
		if _, err := ParseQuantity(name, q.Text, relative); err != nil {
			v.add(field, "%v", err)
		}
		return
	}
	switch {
	case math.IsNaN(q.Value) || math.IsInf(q.Value, 0) || q.Value < 0:
		v.add(field, "%v is not a value of %s: write one like %s", q.Value, name, exampleValue(name))
	case q.Relative && (!relative || name == metric.ErrorRate):
		v.add(field, "cannot be relative: write %s as an amount, like %s", name, exampleValue(name))
	case name == metric.ErrorRate && q.Value > 1:
		v.add(field, "%v is more than 1: write an error rate as a fraction (0.001) or a percentage (0.1%%)", q.Value)
	}
}

func (v *validator) gate(g *Gate, endpoints []string) {
	if err := CheckAlpha(g.Alpha); err != nil {
		v.add("gate.alpha", "%v", err)
	}
	v.limits("gate.max_regression", g.MaxRegression, true, endpoints)
	v.limits("gate.slo", g.SLO, false, endpoints)
}

// limits checks max_regression (relative) or slo, whose entries may be
// none: no limit. A key is a metric, for every endpoint, or
// endpoint.metric, for one of endpoints.
func (v *validator) limits(field string, m map[string]Quantity, relative bool, endpoints []string) {
	first := map[string]string{} // canonical key → the key that gave it
	for _, key := range sortedKeys(m) {
		f := field + "." + key
		endpoint, name := metric.SplitKey(key)
		mt, err := parseMetric(name)
		switch {
		case err != nil && metricSuggestion(name) != "":
			v.add(f, "unknown metric; %s", metricSuggestion(name))
			continue
		case err != nil:
			v.add(f, "%v", err)
			continue
		case first[limitKey(endpoint, mt.Name)] != "":
			v.add(f, "%s and %s are the same metric (the %v quantile): keep one", first[limitKey(endpoint, mt.Name)], key, mt.Quantile)
			continue
		}
		first[limitKey(endpoint, mt.Name)] = key
		if !v.endpointOf(f, endpoint, mt, endpoints) {
			continue
		}
		q := m[key]
		if !relative && (q.None || isNone(q.Text)) {
			continue
		}
		v.quantity(f, name, q, relative, false)
	}
}

// endpointOf checks the endpoint of a key like search.p99, which names a
// metric of one endpoint: it must be one of endpoints, and the metric must
// be measured per endpoint (cpu_per_req is the server's, over them all).
func (v *validator) endpointOf(field, endpoint string, m metric.Metric, endpoints []string) bool {
	switch {
	case endpoint == "":
		return true
	case m.ServerWide():
		v.add(field, "%s is the server's, measured over all endpoints together: write it without the endpoint, as %s", m.Name, m.Name)
		return false
	case !slices.Contains(endpoints, endpoint):
		v.add(field, "no endpoint is named %q: %s", endpoint, didYouMean(endpoint, endpoints))
		return false
	}
	return true
}

// rateTooHigh is the message for a rate above MaxRate.
func rateTooHigh(r Rate) string {
	return fmt.Sprintf("%s/s is too high: at most %s/s for the whole scenario", formatNumber(r.PerSecond), formatNumber(MaxRate))
}

// didYouMean suggests the closest of known, or lists them all.
func didYouMean(word string, known []string) string {
	if s := Suggest(word, known); s != "" {
		return "did you mean " + s + "?"
	}
	return "use one of " + strings.Join(known, ", ")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// isToken reports whether s is an HTTP token (RFC 9110 5.6.2): the syntax of
// methods and header names.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// validHeaderValue reports whether s can be sent as a header value: valid
// UTF-8 without control characters other than tab.
func validHeaderValue(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if (r < ' ' && r != '\t') || r == 0x7f {
			return false
		}
	}
	return true
}

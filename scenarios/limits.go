package scenarios

import (
	"fmt"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The format's limits, in one place. Validate enforces them on every
// scenario, whether its values came from the file, the environment or
// overrides; the Check functions apply the same rules to values given
// outside a scenario (a command's --alpha, --runs or --target). A value past
// a limit is refused with the limit in the message; none of them is near
// what a real load test needs.
const (
	// MaxFileSize bounds a scenario file; real ones are a few kilobytes.
	MaxFileSize = 4 << 20
	// MaxDepth bounds how deeply mappings and lists nest in a scenario
	// file. The format itself needs 5 levels (endpoints[0].expect.status);
	// the bound keeps a hostile file from costing memory quadratic in its
	// depth before anything is checked.
	MaxDepth = 32
	// MaxBodySize bounds a body_file.
	MaxBodySize = 16 << 20
	// MaxNameLength bounds the names of scenarios, endpoints and hotspots:
	// a scenario's name becomes a folder name, and file names end at 255
	// bytes.
	MaxNameLength = 100
	// MaxRuns bounds runs (and any flag that sets a number of runs).
	MaxRuns = 1000
	// MaxRate bounds load.rate and each stage's rate, in requests per
	// second for the whole scenario.
	MaxRate = 1e6
	// MaxWorkers bounds load.workers and load.max_workers.
	MaxWorkers = 100_000
	// MaxWeight bounds an endpoint's weight; weights are summed.
	MaxWeight = 1_000_000
	// MaxRetries bounds load.retries.
	MaxRetries = 10
	// MaxMinSamples bounds profiles.min_samples.
	MaxMinSamples = 1_000_000
	// MaxDuration bounds load.duration, each stage and their sum: the
	// measured window of one repetition.
	MaxDuration = 24 * time.Hour
	// MaxWarmup bounds load.warmup.
	MaxWarmup = time.Hour
	// MaxTimeout bounds load.timeout: latency histograms end at one hour.
	MaxTimeout = time.Hour
	// MaxSendLagLimit bounds load.max_send_lag.
	MaxSendLagLimit = time.Minute
	// MaxCoalesce bounds load.coalesce: past it the load is no longer an
	// open-model schedule but bursts.
	MaxCoalesce = 100 * time.Millisecond
	// MinAlpha and MaxAlpha bound a significance level (gate.alpha,
	// --alpha): below MinAlpha no number of runs could ever show a change.
	MinAlpha = 1e-6
	MaxAlpha = 0.5
)

// CheckAlpha checks a significance level: above 0, from MinAlpha to
// MaxAlpha. Its message names no field; prefix the flag or key.
func CheckAlpha(a float64) error {
	if !(a >= MinAlpha && a <= MaxAlpha) { // NaN fails too
		return fmt.Errorf("%v is out of range: use a significance level from %s to %s, usually 0.05", a, formatNumber(MinAlpha), formatNumber(MaxAlpha))
	}
	return nil
}

// CheckRuns checks a number of repetitions: from 1 to MaxRuns.
func CheckRuns(n int) error {
	switch {
	case n < 1:
		return fmt.Errorf("%d is too few: run at least once (statistics need 4 or more a side; 10 is recommended)", n)
	case n > MaxRuns:
		return fmt.Errorf("%d is too large: at most %d", n, MaxRuns)
	}
	return nil
}

// CheckTarget checks the base URL of the service under test: a plain
// http or https scheme://host[:port][/path], with a host name or IP
// address, a port from 1 to 65535, no user name or password, no query and
// no fragment, and a path of letters, digits and - . _ ~ / % : @ + , =
// only. Anything else is refused before a run starts, so a target can
// never smuggle shell syntax into {addr} or measure an unintended URL.
func CheckTarget(s string) error {
	const like = "write it like http://127.0.0.1:8080"
	if s == "" {
		return fmt.Errorf("is required: the base URL of the service under test, like http://127.0.0.1:8080")
	}
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		// The query is left out of the message: it may hold a token.
		return fmt.Errorf("%q has a query or fragment (%c…): the target is the base URL; put the query in each endpoints[].path instead", s[:i], s[i])
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Opaque != "" || u.Host == "" {
		return fmt.Errorf("%q is not an absolute http or https URL: %s", s, like)
	}
	if u.User != nil {
		// Redacted: this message is printed too.
		return fmt.Errorf("%q carries a user name or password, which would be stored and printed with every run: remove it and send credentials in endpoints[].headers, like Authorization: \"Basic ${CREDENTIALS}\"", u.Redacted())
	}
	if err := checkHostPort(u); err != nil {
		return fmt.Errorf("%q: %v", s, err)
	}
	// The path as written: url.Parse would escape a space for us.
	rest := s[strings.Index(s, "://")+3:]
	if j := strings.IndexByte(rest, '/'); j >= 0 {
		path := rest[j:]
		if i := strings.IndexFunc(path, func(r rune) bool { return !plainPathChar(r) }); i >= 0 {
			r, _ := utf8.DecodeRuneInString(path[i:])
			return fmt.Errorf("%q: the path has %q, which a base URL does not need: keep target to scheme://host:port/path with letters, digits and - . _ ~ / %% : @ + , =", s, string(r))
		}
	}
	return nil
}

// hostName is a DNS name (labels of letters, digits, _ and -, not starting
// with -), with an optional trailing dot.
var hostName = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_-]*(\.[A-Za-z0-9_][A-Za-z0-9_-]*)*\.?$`)

// checkHostPort checks that u's host is a host name or an IP address and
// its port, when given, is from 1 to 65535.
func checkHostPort(u *url.URL) error {
	host := u.Hostname()
	if strings.HasPrefix(u.Host, "[") {
		if _, err := netip.ParseAddr(host); err != nil {
			return fmt.Errorf("%q is not an IPv6 address: write it like http://[::1]:8080", host)
		}
	} else if !hostName.MatchString(host) {
		return fmt.Errorf("%q is not a host name or IP address: use letters, digits, dots and dashes, like 127.0.0.1 or api.example.com", host)
	}
	port := u.Port()
	if port == "" {
		if strings.HasSuffix(u.Host, ":") {
			return fmt.Errorf("the port is empty: give one from 1 to 65535, or remove the colon")
		}
		return nil
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("port %s is out of range: use a port from 1 to 65535", port)
	}
	return nil
}

// plainPathChar reports whether r may appear in a target's path:
// unreserved characters, percent escapes and the few delimiters paths use,
// but nothing a shell would read ($ & ' ( ) ; ` | < > and spaces).
func plainPathChar(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return true
	}
	return strings.ContainsRune("-._~/%:@+,=", r)
}

// tooLarge is the message for a number past its limit, written as the
// file writes it.
func tooLarge(written string, limit any) string {
	return fmt.Sprintf("%s is too large: at most %v", written, limit)
}

// formatNumber prints n plainly (1000000), or in exponent form when it has
// too many digits for that (1e+300).
func formatNumber(n float64) string {
	if n >= 1e15 || n <= -1e15 {
		return strconv.FormatFloat(n, 'g', -1, 64)
	}
	return strconv.FormatFloat(n, 'f', -1, 64)
}

// shortDuration prints a limit the way a user would write it: 24h, not
// 24h0m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

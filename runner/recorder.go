package runner

import (
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/hotbench/hotbench/internal/redact"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// maxErrorSamples bounds the distinct error messages kept per endpoint, so a
// failing run cannot grow without bound.
const maxErrorSamples = 10

// observation is one finished request as the recorder needs it.
type observation struct {
	scheduled time.Duration // since the attack began
	sent      time.Duration // since the attack began
	latency   time.Duration // from the scheduled time to the end of the body
	code      int
	err       string
	group     int // the request's group of group_by (groups.go); -1 without
}

// recorder accumulates one endpoint's results for one repetition in constant
// memory: histograms, counters and a bounded window of per-second buckets.
// It is used by one goroutine; live counters are atomic for the progress display.
type recorder struct {
	expect  scenarios.Expect
	warmup  time.Duration
	horizon int // seconds after which a second can no longer receive results

	out results.EndpointRun

	// seconds holds open per-second buckets keyed by second index (negative
	// during warm-up); closed ones are appended to out.Series. last is the
	// bucket of the latest result: nearly every result falls in it.
	seconds map[int]*secondBucket
	last    *secondBucket
	lastSec int
	// codes counts by status code (0: no response); run.json's string keys
	// are made once, in finish, not per request. Codes past the array
	// (a server may send any three digits) count in otherCodes.
	codes      [600]int64
	otherCodes map[int]int64
	newest     int
	spare      []*hdrhistogram.Histogram
	samples    map[string]bool // failure messages seen, before redaction
	groups     *groupRecorder  // nil without group_by
	liveReqs   atomic.Int64
	liveErrs   atomic.Int64
}

type secondBucket struct {
	requests, errors int64
	h                *hdrhistogram.Histogram
}

func newRecorder(name string, expect scenarios.Expect, warmup, timeout time.Duration) *recorder {
	return &recorder{
		expect:  expect,
		warmup:  warmup,
		horizon: int(timeout/time.Second) + 3,
		out: results.EndpointRun{
			Name:         name,
			Status:       map[string]int64{},
			Latency:      results.NewHistogram(),
			ErrorLatency: results.NewHistogram(),
			SendLag:      results.NewHistogram(),
		},
		seconds: map[int]*secondBucket{},
		newest:  -1 << 31,
		samples: map[string]bool{},
	}
}

// add records one finished request. Responses that met expect are timed in
// Latency, failures in ErrorLatency: a refused connection answers in well
// under a millisecond, and timing it as a success would make an outage look
// fast (docs/design.md, Measuring).
func (r *recorder) add(o observation) {
	failed := !r.ok(o)
	sec := secondIndex(o.scheduled - r.warmup)
	r.bucket(sec, o.latency, failed)
	if o.scheduled < r.warmup {
		return
	}
	r.liveReqs.Add(1)
	r.out.Requests++
	if o.code >= 0 && o.code < len(r.codes) {
		r.codes[o.code]++
	} else {
		if r.otherCodes == nil {
			r.otherCodes = map[int]int64{}
		}
		r.otherCodes[o.code]++
	}
	if failed {
		r.out.ErrorLatency.Record(o.latency)
	} else {
		r.out.Latency.Record(o.latency)
	}
	if r.groups != nil {
		r.groups.add(o.group, o.latency, failed)
	}
	if lag := o.sent - o.scheduled; lag > 0 {
		r.out.SendLag.Record(lag)
	} else {
		r.out.SendLag.Record(0)
	}
	if failed {
		r.liveErrs.Add(1)
		r.out.Errors++
		class := errorClass(o.code, o.err)
		if r.out.ErrorClasses == nil {
			r.out.ErrorClasses = map[string]int64{}
		}
		r.out.ErrorClasses[class]++
		if len(r.out.ErrorSamples) < maxErrorSamples {
			r.sample(o)
		}
	}
}

// sample keeps a failure's message, redacted (vegeta's errors quote the
// URL with its query, issue 9 item 4), unless an equal one is kept already.
func (r *recorder) sample(o observation) {
	msg := o.err
	if msg == "" {
		msg = "unexpected status " + strconv.Itoa(o.code)
	}
	if r.samples[msg] {
		return // a repeated message costs one lookup
	}
	if len(r.samples) < 4*maxErrorSamples {
		r.samples[msg] = true
	}
	msg = redact.Text(msg)
	if len(msg) > 200 {
		msg = msg[:200]
	}
	if !slices.Contains(r.out.ErrorSamples, msg) {
		r.out.ErrorSamples = append(r.out.ErrorSamples, msg)
	}
}

func (r *recorder) ok(o observation) bool {
	if o.code == 0 {
		return false
	}
	return r.expect.OK(o.code)
}

func secondIndex(d time.Duration) int {
	if d < 0 {
		return -int((-d + time.Second - 1) / time.Second)
	}
	return int(d / time.Second)
}

// bucket adds a request to its scheduled second, closing seconds that are
// older than the timeout horizon so memory depends on the timeout, not on
// the length of the run. Every request counts; only successes are timed, so
// a second's p50 and p99 describe the responses that met expect.
func (r *recorder) bucket(sec int, latency time.Duration, failed bool) {
	b := r.last
	if b == nil || sec != r.lastSec {
		b = r.seconds[sec]
	}
	if b == nil {
		if sec <= r.newest-r.horizon {
			// Its second was closed already: a request that waited longer
			// than the timeout to be sent. Counted, not in the quantiles.
			r.late(sec, failed)
			return
		}
		b = &secondBucket{h: r.histogram()}
		r.seconds[sec] = b
	}
	r.last, r.lastSec = b, sec
	b.requests++
	if failed {
		b.errors++
	} else {
		us := latency.Microseconds()
		if us < 1 {
			us = 1
		}
		_ = b.h.RecordValue(min(us, b.h.HighestTrackableValue()))
	}
	if sec > r.newest {
		r.newest = sec
		for s, old := range r.seconds {
			if s <= r.newest-r.horizon {
				r.close(s, old)
			}
		}
	}
}

func (r *recorder) late(sec int, failed bool) {
	for i := range r.out.Series {
		if r.out.Series[i].T == sec {
			r.out.Series[i].Requests++
			if failed {
				r.out.Series[i].Errors++
			}
			return
		}
	}
}

func (r *recorder) histogram() *hdrhistogram.Histogram {
	if n := len(r.spare); n > 0 {
		h := r.spare[n-1]
		r.spare = r.spare[:n-1]
		return h
	}
	// Two significant digits are plenty for a per-second chart.
	return hdrhistogram.New(1, int64(time.Hour/time.Microsecond), 2)
}

// close moves a second into the series. A second without a single success
// has p50 and p99 of 0: no latency to show, while its errors say why.
func (r *recorder) close(sec int, b *secondBucket) {
	r.out.Series = append(r.out.Series, results.Second{
		T:        sec,
		Requests: b.requests,
		Errors:   b.errors,
		P50:      float64(b.h.ValueAtQuantile(50)) / 1e6,
		P99:      float64(b.h.ValueAtQuantile(99)) / 1e6,
		Warmup:   sec < 0,
	})
	delete(r.seconds, sec)
	if r.last == b {
		r.last = nil
	}
	b.h.Reset()
	r.spare = append(r.spare, b.h)
}

// finish closes every open second and returns the endpoint's results with
// the series in time order.
func (r *recorder) finish() results.EndpointRun {
	for code, n := range r.codes {
		if n > 0 {
			r.out.Status[strconv.Itoa(code)] += n
		}
	}
	for code, n := range r.otherCodes {
		r.out.Status[strconv.Itoa(code)] += n
	}
	r.codes, r.otherCodes = [600]int64{}, nil
	for s, b := range r.seconds {
		r.close(s, b)
	}
	if r.groups != nil {
		r.groups.finish(&r.out)
	}
	series := r.out.Series
	// Seconds close mostly in order; an insertion sort is cheap here.
	for i := 1; i < len(series); i++ {
		for j := i; j > 0 && series[j].T < series[j-1].T; j-- {
			series[j], series[j-1] = series[j-1], series[j]
		}
	}
	return r.out
}

// errorClass names the kind of failure: a status code that was not expected,
// or the transport error's class.
func errorClass(code int, msg string) string {
	if code != 0 {
		return "status " + strconv.Itoa(code)
	}
	m := strings.ToLower(msg)
	switch {
	case strings.Contains(m, "timeout") || strings.Contains(m, "deadline exceeded"):
		return "timeout"
	case strings.Contains(m, "connection refused"):
		return "connection refused"
	case strings.Contains(m, "connection reset"):
		return "connection reset"
	case strings.Contains(m, "broken pipe"):
		return "broken pipe"
	case strings.Contains(m, "too many open files"):
		return "too many open files"
	case strings.Contains(m, "no such host"):
		return "dns"
	case strings.HasSuffix(m, "eof"):
		return "eof"
	case strings.Contains(m, "tls"):
		return "tls"
	}
	return "other"
}

package synth

import (
	"math"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/hotbench/hotbench/results"
)

const (
	// spread is σ of the log latency when an Endpoint gives only its
	// median or its p99: p99 = 2.26 × median.
	spread      = 0.35
	spreadRatio = 2.26
	z99         = 2.3263478740408408 // the standard normal's 0.99 quantile
	// coldFactor slows the warm-up seconds: caches are cold.
	coldFactor = 1.8
)

// shape is the log-normal of an endpoint's successful latencies: median in
// seconds and σ of the log.
func (e Endpoint) shape() (median, sigma float64) {
	switch {
	case e.Median == 0 && e.P99 == 0:
		return 0.002, spread
	case e.Median == 0:
		return e.P99 / spreadRatio, spread
	case e.P99 == 0:
		return e.Median, spread
	case e.P99 <= e.Median:
		return e.Median, 0
	}
	return e.Median, math.Log(e.P99/e.Median) / z99
}

// quantile is the shape's latency at quantile p, in seconds.
func quantile(median, sigma, p float64) float64 {
	return median * math.Exp(sigma*math.Sqrt2*math.Erfinv(2*p-1))
}

// jitter is a log-normal factor with median 1 and coefficient of variation cv.
func jitter(rng *rand.Rand, cv float64) float64 {
	return math.Exp(math.Sqrt(math.Log1p(cv*cv)) * rng.NormFloat64())
}

// measurer records endpoints' repetitions, drawing from one generator in a
// fixed order.
type measurer struct {
	rng             *rand.Rand
	exact           bool
	seconds, warmup int
}

// failure is how a failed request shows: its status, error class and
// sample message.
func failure(status string) (code, class, sample string) {
	switch status {
	case "":
		status = "500"
	case "0":
		return "0", "connection refused", `Get "http://127.0.0.1:8080/": dial tcp 127.0.0.1:8080: connect: connection refused`
	}
	n, _ := strconv.Atoi(status)
	return status, "status " + status, status + " " + http.StatusText(n)
}

// endpoint measures one endpoint's repetition.
func (m *measurer) endpoint(e Endpoint, lag time.Duration) results.EndpointRun {
	n := e.Requests
	if n == 0 {
		n = int64(math.Round(e.Rate * float64(m.seconds)))
	}
	out := results.EndpointRun{
		Name:         e.Name,
		Scheduled:    e.Scheduled,
		Status:       map[string]int64{},
		Latency:      results.NewHistogram(),
		ErrorLatency: results.NewHistogram(),
		SendLag:      results.NewHistogram(),
	}
	if out.Scheduled == 0 {
		out.Scheduled = n
		if e.Rate > 0 {
			out.Scheduled = int64(math.Round(e.Rate * float64(m.seconds)))
		}
	}
	code, class, sample := failure(e.FailStatus)
	fail := func(lat time.Duration) {
		out.Errors++
		out.ErrorLatency.Record(lat)
		out.Status[code]++
		if out.ErrorClasses == nil {
			out.ErrorClasses = map[string]int64{}
		}
		out.ErrorClasses[class]++
		out.ErrorSamples = []string{sample}
	}
	succeed := func(lat time.Duration) {
		out.Latency.Record(lat)
		out.Status["200"]++
	}
	sendLag := func() { out.SendLag.Record(time.Duration(m.rng.ExpFloat64() * float64(lag))) }
	if m.exact {
		m.exactly(e, n, &out, fail, succeed)
		for range out.Requests {
			sendLag()
		}
	} else {
		m.randomly(e, n, &out, fail, succeed, sendLag)
	}
	return out
}

// perSecond is how many of n requests fall in second j of the window.
func (m *measurer) perSecond(n int64, j int) int64 {
	s := int64(m.seconds)
	j = ((j % m.seconds) + m.seconds) % m.seconds // warm-up seconds repeat the window's
	return (int64(j)+1)*n/s - int64(j)*n/s
}

// spreadFails reports whether the i-th of n requests is one of the errors
// failures spread evenly over them.
func spreadFails(i, n, errors int64) bool {
	return errors > 0 && (i+1)*errors/n > i*errors/n
}

// randomly draws every request's latency, second by second.
func (m *measurer) randomly(e Endpoint, n int64, out *results.EndpointRun, fail, succeed func(time.Duration), sendLag func()) {
	median, sigma := e.shape()
	var i int64 // the measured request's number
	for sec := -m.warmup; sec < m.seconds; sec++ {
		p := results.Second{T: sec, Warmup: sec < 0}
		slow := 1.0
		if sec < 0 {
			slow = coldFactor
		}
		var ok []float64 // seconds; a histogram per second would cost 200 KB
		for range m.perSecond(n, sec) {
			lat := time.Duration(slow * median * math.Exp(sigma*m.rng.NormFloat64()) * float64(time.Second))
			failed := e.FailOneIn > 0 && m.rng.IntN(e.FailOneIn) == 0
			if sec >= 0 {
				failed = failed || spreadFails(i, n, e.Errors)
				i++
			}
			p.Requests++
			if failed {
				p.Errors++
			} else {
				ok = append(ok, lat.Seconds())
			}
			if sec < 0 {
				continue
			}
			out.Requests++
			sendLag()
			if failed {
				fail(lat)
			} else {
				succeed(lat)
			}
		}
		slices.Sort(ok)
		p.P50, p.P99 = valueAt(ok, 500), valueAt(ok, 990)
		out.Series = append(out.Series, p)
	}
}

// exactly places the successful latencies of the window at evenly spaced
// quantiles of the shape, dealt to the seconds in turn so that every
// second holds the whole shape; failures take the median. Failures are
// decided first (FailOneIn's draws), send lags drawn after.
func (m *measurer) exactly(e Endpoint, n int64, out *results.EndpointRun, fail, succeed func(time.Duration)) {
	median, sigma := e.shape()
	failsRandomly := func() bool { return e.FailOneIn > 0 && m.rng.IntN(e.FailOneIn) == 0 }
	dur := func(seconds float64) time.Duration { return time.Duration(seconds * float64(time.Second)) }
	for sec := -m.warmup; sec < 0; sec++ {
		p := results.Second{T: sec, Warmup: true}
		for range m.perSecond(n, sec) {
			p.Requests++
			if failsRandomly() {
				p.Errors++
			}
		}
		if p.Errors < p.Requests {
			p.P50 = dur(coldFactor * median).Seconds()
			p.P99 = dur(coldFactor * quantile(median, sigma, 0.99)).Seconds()
		}
		out.Series = append(out.Series, p)
	}
	// Which requests fail, second by second.
	failed := make([][]bool, m.seconds)
	var oks int64
	var i int64
	for j := range m.seconds {
		failed[j] = make([]bool, m.perSecond(n, j))
		for k := range failed[j] {
			failed[j][k] = failsRandomly() || spreadFails(i, n, e.Errors)
			i++
			if !failed[j][k] {
				oks++
			}
		}
	}
	// Deal the quantiles, lowest first, one to each second in turn.
	values := make([][]float64, m.seconds)
	next := make([]int, m.seconds)
	for k := int64(0); k < oks; {
		for j := range m.seconds {
			for next[j] < len(failed[j]) && failed[j][next[j]] {
				next[j]++
			}
			if next[j] == len(failed[j]) || k == oks {
				continue
			}
			// The k-th of n values at quantile (k+1)/n, the last at
			// 1 - 1/2n: the histogram's quantile q is the value of rank
			// round(q·n), which is then the shape's quantile q.
			p := min(float64(k+1), float64(oks)-0.5) / float64(oks)
			values[j] = append(values[j], quantile(median, sigma, p))
			next[j]++
			k++
		}
	}
	for j := range m.seconds {
		p := results.Second{T: j, Requests: int64(len(failed[j]))}
		for _, f := range failed[j] {
			out.Requests++
			if f {
				p.Errors++
				fail(dur(median))
			}
		}
		for _, v := range values[j] {
			succeed(dur(v))
		}
		p.P50, p.P99 = valueAt(values[j], 500), valueAt(values[j], 990)
		out.Series = append(out.Series, p)
	}
}

// valueAt is the value of sorted at permille (500: the median); 0 for none.
func valueAt(sorted []float64, permille int) float64 {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[len(sorted)*permille/1000]
}

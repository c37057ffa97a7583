package runner

import (
	"bytes"
	"errors"
	"io"
	"math/bits"
	"net/http"
	"net/url"
	"strconv"
	"sync"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/hotbench/hotbench/scenarios"
)

// An endpoint with a data file (scenarios' Feeders) sends hit n with row
// row(n) of the file: n mod rows in cycle order, or a row drawn from the
// seed and n alone in random order. n is the hit's number in the
// endpoint's schedule (a shard's hit keeps its number in the whole
// schedule), so every repetition, and the base and candidate of a
// comparison, send the same sequence.
//
// vegeta numbers each hit (its sequence number, which the runner already
// matches to the schedule) before it asks the targeter for the request,
// but does not tell the targeter the number, and concurrent workers may ask
// in another order than they were numbered. The request is therefore
// completed after vegeta numbered it: vegeta sends every request with its
// number in X-Vegeta-Seq, and the feeder's RoundTripper, the first thing
// the request meets after vegeta, fills the path, headers and body of that
// row from the templates parsed when the scenario loaded. The result comes
// back with the same number, so the recorder knows the row, and its group.

// seqHeader is the header in which vegeta sends each hit's sequence number.
const seqHeader = "X-Vegeta-Seq"

// feeder builds an endpoint's requests from its data file.
type feeder struct {
	tmpl *scenarios.RequestTemplate
	feed *scenarios.Feed
	// targets, instead of tmpl and feed, are the requests of a targets
	// file.
	targets []scenarios.Target
	rows    uint64
	random  bool
	seed    uint64
	// prefix is the target URL the path is appended to.
	prefix string
	// static parts need no filling: the targeter's request has them.
	staticHeaders, staticBody bool
	// sched numbers hits as the whole schedule does (a shard's); nil for
	// the closed model, whose hits are numbered as sent.
	sched func() *Schedule
	bufs  sync.Pool
}

// newFeeder returns the feeder of endpoint e, or nil when it has no data
// file.
func newFeeder(target string, e scenarios.Endpoint) (*feeder, error) {
	if e.Targets != "" {
		return newTargetsFeeder(target, e)
	}
	tmpl, err := e.Template()
	if err != nil || tmpl == nil {
		return nil, err
	}
	if tmpl.Feed.Rows() == 0 {
		return nil, errors.New("endpoint " + e.Name + ": its data file has no rows")
	}
	f := &feeder{
		tmpl:       tmpl,
		feed:       tmpl.Feed,
		rows:       uint64(tmpl.Feed.Rows()),
		random:     e.DataOrder == scenarios.OrderRandom,
		prefix:     joinURL(target, ""),
		staticBody: tmpl.Body.Static(),
	}
	if e.Seed != nil {
		f.seed = *e.Seed
	} else {
		f.seed = scenarios.DefaultSeed(&e)
	}
	f.staticHeaders = true
	for _, h := range tmpl.Headers {
		if !h.Value.Static() {
			f.staticHeaders = false
		}
	}
	f.bufs.New = func() any { b := make([]byte, 0, 256); return &b }
	return f, nil
}

// newTargetsFeeder returns the feeder of an endpoint with a targets file.
func newTargetsFeeder(target string, e scenarios.Endpoint) (*feeder, error) {
	if e.TargetList == nil {
		return nil, errors.New("endpoint " + e.Name + ": its targets file " + e.Targets + " is not loaded: load the scenario from its file (scenarios.Load)")
	}
	if len(e.TargetList.List) == 0 {
		return nil, errors.New("endpoint " + e.Name + ": its targets file has no targets")
	}
	f := &feeder{
		targets: e.TargetList.List,
		rows:    uint64(len(e.TargetList.List)),
		random:  e.DataOrder == scenarios.OrderRandom,
		prefix:  joinURL(target, ""),
	}
	if e.Seed != nil {
		f.seed = *e.Seed
	} else {
		f.seed = scenarios.DefaultSeed(&e)
	}
	return f, nil
}

// target is the request vegeta's targeter gives for every hit: the
// endpoint's request with the parts that vary left to RoundTrip.
func (f *feeder) target(t vegeta.Target) vegeta.Target {
	t.URL = f.prefix + "/"
	if f.targets != nil || !f.staticBody {
		t.Body = nil
	}
	return t
}

// number is hit seq's number in the whole schedule.
func (f *feeder) number(seq uint64) uint64 {
	if f.sched != nil {
		if s := f.sched(); s != nil {
			return s.number(seq)
		}
	}
	return seq
}

// row is the row hit seq takes.
func (f *feeder) row(seq uint64) int {
	return rowOf(f.number(seq), f.rows, f.random, f.seed)
}

// rowOf is the row of hit n of rows: n mod rows in cycle order; in random
// order a row drawn uniformly by a hash of seed and n (splitmix64's
// finalizer over n's Weyl sequence), scaled to rows without division
// (Lemire's multiply-shift).
func rowOf(n, rows uint64, random bool, seed uint64) int {
	if !random {
		return int(n % rows)
	}
	z := seed + (n+1)*0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	z ^= z >> 31
	hi, _ := bits.Mul64(z, rows)
	return int(hi)
}

// group is the group of hit seq, or -1 without group_by.
func (f *feeder) group(seq uint64) int {
	if f.feed == nil || f.feed.Groups() == nil {
		return -1
	}
	return f.feed.GroupOf(f.row(seq))
}

// url is the URL of row.
func (f *feeder) url(row int) string {
	if f.targets != nil {
		return f.prefix + f.targets[row].URI
	}
	return string(f.tmpl.Path.Append([]byte(f.prefix), f.feed, row))
}

// fill completes req, as vegeta built it for hit seq, with its row: a new
// request (RoundTrip may not change the one it is given) sharing the
// rest.
func (f *feeder) fill(req *http.Request, seq uint64) (*http.Request, error) {
	row := f.row(seq)
	if f.targets != nil {
		return f.fillTarget(req, &f.targets[row])
	}
	bp := f.bufs.Get().(*[]byte)
	buf := append((*bp)[:0], f.prefix...)
	buf = f.tmpl.Path.Append(buf, f.feed, row)
	u, err := url.Parse(string(buf))
	if err != nil {
		*bp = buf
		f.bufs.Put(bp)
		return nil, err
	}
	r := *req
	r.URL = u
	if !f.staticHeaders {
		r.Header = req.Header.Clone()
		for _, h := range f.tmpl.Headers {
			if !h.Value.Static() {
				buf = h.Value.Append(buf[:0], f.feed, row)
				r.Header.Set(h.Name, string(buf))
			}
		}
	}
	*bp = buf
	f.bufs.Put(bp)
	if !f.staticBody {
		body := f.tmpl.Body.Append(nil, f.feed, row)
		r.ContentLength = int64(len(body))
		if len(body) == 0 {
			r.Body, r.GetBody = http.NoBody, nil
		} else {
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		}
	}
	return &r, nil
}

// feedTransport fills each request with its row before sending it.
type feedTransport struct {
	rt http.RoundTripper
	f  *feeder
}

func (t feedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	seq, err := strconv.ParseUint(req.Header.Get(seqHeader), 10, 64)
	if err != nil {
		return nil, errors.New("hotbench: a request without vegeta's sequence number cannot take a row of the data file")
	}
	r, err := t.f.fill(req, seq)
	if err != nil {
		return nil, err
	}
	return t.rt.RoundTrip(r)
}

// number is hit n of the schedule as the whole schedule numbers it: a
// shard's hit n is the schedule's offset + n·stride.
func (s *Schedule) number(n uint64) uint64 {
	if s.stride > 1 {
		return s.offset + n*s.stride
	}
	return n
}

// fillTarget completes req with a target of a targets file: its method,
// path and query on the scenario's target, headers and body.
func (f *feeder) fillTarget(req *http.Request, t *scenarios.Target) (*http.Request, error) {
	u, err := url.Parse(f.prefix + t.URI)
	if err != nil {
		return nil, err
	}
	r := *req
	r.Method, r.URL = t.Method, u
	r.Header = req.Header.Clone()
	for k, vs := range t.Header {
		r.Header[k] = vs
	}
	if host := r.Header.Get("Host"); host != "" {
		r.Host = host
	}
	r.ContentLength = int64(len(t.Body))
	if len(t.Body) == 0 {
		r.Body, r.GetBody = http.NoBody, nil
	} else {
		body := t.Body
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	}
	return &r, nil
}

package runner

import (
	"context"
	"fmt"
	"io"
	"maps"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// loadFeederScenario writes a scenario with one endpoint (text indented
// under it) and its data file, and loads it against target.
func loadFeederScenario(t testing.TB, target, endpoint, dataName, data string, load string) *scenarios.Scenario {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, dataName), []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	text := "name: feeder\ntarget: http://127.0.0.1:1\nruns: 1\nload: " + load + "\nendpoints:\n  - name: manual\n" + endpoint
	p := filepath.Join(dir, "s.yaml")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	sc, err := scenarios.Load(p, map[string]string{"target": target})
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// Request n of an endpoint takes row n mod rows in cycle order; in random
// order a row that depends on the seed and n alone, every row about as
// often as the others.
func TestRowOf(t *testing.T) {
	for n := uint64(0); n < 20; n++ {
		if got := rowOf(n, 7, false, 0); got != int(n%7) {
			t.Fatalf("cycle: hit %d takes row %d, want %d", n, got, n%7)
		}
	}
	counts := make([]int, 10)
	same := 0
	for n := uint64(0); n < 100_000; n++ {
		r := rowOf(n, 10, true, 42)
		counts[r]++
		if r != rowOf(n, 10, true, 42) {
			t.Fatal("random: one hit, two rows")
		}
		if r == rowOf(n, 10, true, 43) {
			same++
		}
	}
	for r, c := range counts {
		if math.Abs(float64(c)-10_000) > 500 { // > 5 standard deviations
			t.Errorf("random: row %d taken %d times of 100000, want about 10000", r, c)
		}
	}
	if same > 11_000 {
		t.Errorf("seeds 42 and 43 agree on %d of 100000 rows: the seed does not change the order", same)
	}
	// A shard's hits keep their numbers in the whole schedule.
	sh := NewSchedule(scenarios.LoadSpec{Rate: scenarios.Rate{PerSecond: 30}, Duration: dur(time.Second)}, 1).Shard(1, 3)
	if got := sh.number(4); got != 13 {
		t.Errorf("shard 1 of 3: its hit 4 is the schedule's %d, want 13", got)
	}
}

// seenRequests records what a test server was sent, by vegeta's sequence
// number.
type seenRequests struct {
	mu  sync.Mutex
	req map[uint64]string
}

func (s *seenRequests) record(r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	seq, err := strconv.ParseUint(r.Header.Get(seqHeader), 10, 64)
	if err != nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.req == nil {
		s.req = map[uint64]string{}
	}
	s.req[seq] = r.Method + " " + r.URL.RequestURI() + " X-Size=" + r.Header.Get("X-Size") + " " + string(body)
}

func (s *seenRequests) take() map[uint64]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.req
	s.req = nil
	return m
}

// The check: a feeder of ids against a server that is slow for a
// known subset of them. Each size has its group; the slow ids' group has
// the slow p50, the fast ones' the fast p50; every request is the row its
// number says, and two runs (a base and a candidate) send the same
// sequence, as the server saw it and as their raw results record it.
func TestFeederGroupsSeparateSlowIDsAndRunsRepeatTheSequence(t *testing.T) {
	var seen seenRequests
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen.record(r)
		id, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/api/manuals/"))
		if id >= 7 {
			time.Sleep(20 * time.Millisecond)
		}
	}))
	defer srv.Close()
	data := "id,size\n1,fast\n2,fast\n3,fast\n4,fast\n5,fast\n6,fast\n7,slow\n8,slow\n9,slow\n"
	sc := loadFeederScenario(t, srv.URL, `    path: /api/manuals/{{.id}}?size={{.size}}
    method: POST
    headers: {X-Size: "{{.size}}"}
    body: '{"id": {{.id}}}'
    data: ids.csv
    data_order: random
    group_by: size
`, "ids.csv", data, "{rate: 200/s, duration: 1s, warmup: 200ms}")
	e := sc.Endpoints[0]
	store := results.Open(t.TempDir())
	var runs []*results.Run
	var sent []map[uint64]string
	for _, label := range []string{"base", "candidate"} {
		run, err := Run(context.Background(), sc, Options{Store: store, Label: label, Raw: true})
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, run)
		sent = append(sent, seen.take())
	}

	// Each request is its row.
	for seq, got := range sent[0] {
		row := rowOf(seq, 9, true, *e.Seed)
		id, size := e.Feed.Value(row, e.Feed.FieldIndex("id")), e.Feed.Value(row, e.Feed.FieldIndex("size"))
		want := fmt.Sprintf(`POST /api/manuals/%s?size=%s X-Size=%s {"id": %s}`, id, size, size, id)
		if got != want {
			t.Fatalf("hit %d was sent as %q, want row %d: %q", seq, got, row, want)
		}
	}
	if len(sent[0]) < 200 || !maps.Equal(sent[0], sent[1]) {
		t.Errorf("the base sent %d requests and the candidate %d: want the same sequence of about 240", len(sent[0]), len(sent[1]))
	}

	// Their raw results record the same sequence of URLs.
	urls := func(run *results.Run) map[uint64]string {
		m := map[uint64]string{}
		for _, r := range decodeRaw(t, filepath.Join(run.Dir, "raw", "results.bin")) {
			m[r.Seq] = r.URL
		}
		return m
	}
	if b, c := urls(runs[0]), urls(runs[1]); len(b) < 150 || !maps.Equal(b, c) {
		t.Errorf("raw results: the base has %d URLs, the candidate %d, and they differ: want one sequence", len(b), len(c))
	} else if u := b[0]; !strings.HasPrefix(u, srv.URL+"/api/manuals/") {
		t.Errorf("raw result 0's URL is %q: want the row's", u)
	}

	// Per group, the slow ids' p50 is the server's 20ms, the fast ones'
	// well under it.
	s := results.Summarize(runs[0])
	groups := map[string]results.GroupSummary{}
	for _, g := range s.Endpoints[0].Groups {
		groups[g.Name] = g
	}
	fast, slow := groups["fast"], groups["slow"]
	t.Logf("fast: %d requests, p50 %.4fs; slow: %d requests, p50 %.4fs", fast.Requests, fast.Latency.P50, slow.Requests, slow.Latency.P50)
	if fast.Requests+slow.Requests != s.Endpoints[0].Requests || slow.Requests < s.Endpoints[0].Requests/5 {
		t.Errorf("groups hold %d + %d of %d requests: want all, a third of them slow", fast.Requests, slow.Requests, s.Endpoints[0].Requests)
	}
	if slow.Latency.P50 < 0.020 || fast.Latency.P50 > 0.010 {
		t.Errorf("p50 of slow ids %.4fs, of fast ids %.4fs: want at least 20ms and under 10ms", slow.Latency.P50, fast.Latency.P50)
	}
	// A group reads as an endpoint of its own.
	if v, ok := runs[0].Repetitions[0].Value("manual[size=slow]", "p50"); !ok || v < 0.020 {
		t.Errorf("manual[size=slow]'s p50 is %v (%v), want at least 20ms", v, ok)
	}
}

// In the closed model hits are numbered as they are sent, and still take
// their rows.
func TestFeederInTheClosedModel(t *testing.T) {
	var seen seenRequests
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen.record(r) }))
	defer srv.Close()
	sc := loadFeederScenario(t, srv.URL, "    path: /m/{{.id}}\n    data: ids.jsonl\n", "ids.jsonl",
		"{\"id\": \"a b\"}\n{\"id\": 2}\n{\"id\": \"c/d\"}\n", "{rate: max, workers: 2, duration: 300ms}")
	if _, err := Run(context.Background(), sc, Options{Store: results.Open(t.TempDir())}); err != nil {
		t.Fatal(err)
	}
	want := []string{"/m/a%20b", "/m/2", "/m/c%2Fd"}
	got := seen.take()
	if len(got) < 10 {
		t.Fatalf("%d requests, want many", len(got))
	}
	for seq, req := range got {
		if w := "GET " + want[seq%3] + " "; !strings.HasPrefix(req, w) {
			t.Fatalf("hit %d sent %q, want %q", seq, req, w)
		}
	}
}

// An endpoint whose data file was not loaded (a scenario read back from
// run.json) is refused before any load.
func TestFeederWithoutItsData(t *testing.T) {
	sc := scenario("http://127.0.0.1:1", 10, 100*time.Millisecond)
	sc.Endpoints[0].Data = "ids.csv"
	_, err := newStreams(context.Background(), sc, 1, "", Options{}, newTransport(time.Second))
	if err == nil || !strings.Contains(err.Error(), "is not loaded") {
		t.Errorf("newStreams: %v, want the data file not loaded", err)
	}
}

// An endpoint with a vegeta targets file sends its targets in order, on the
// scenario's target whatever host the file names, each with its method,
// headers and body.
func TestTargetsFileInTheLoad(t *testing.T) {
	var seen seenRequests
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen.record(r) }))
	defer srv.Close()
	targets := "GET http://elsewhere:9/api/manuals/1?lang=en\nX-Size: small\n\nPOST /api/search\nX-Size: large\n@body.json\n"
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "body.json"), []byte(`{"q":"x"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	// The body lies outside the scenario's folder, which the scenario
	// allows.
	sc := loadFeederScenario(t, srv.URL, "    targets: t.txt\n", "t.txt", strings.Replace(targets, "@body.json", "@"+filepath.Join(dir, "body.json"), 1),
		"{rate: 100/s, duration: 300ms}\nallow_outside_files: true")
	if _, err := Run(context.Background(), sc, Options{Store: results.Open(t.TempDir())}); err != nil {
		t.Fatal(err)
	}
	want := []string{"GET /api/manuals/1?lang=en X-Size=small ", `POST /api/search X-Size=large {"q":"x"}`}
	got := seen.take()
	if len(got) < 20 {
		t.Fatalf("%d requests, want about 30", len(got))
	}
	for seq, req := range got {
		if req != want[seq%2] {
			t.Fatalf("hit %d sent %q, want %q", seq, req, want[seq%2])
		}
	}
}

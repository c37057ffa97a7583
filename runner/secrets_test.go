package runner

import (
	"bufio"
	"context"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// secretServer answers /ok with a session cookie, hangs up on /close
// (vegeta's error then quotes the URL), and has a pprof index whose CPU
// profile fails (the capture's warning quotes the profile URL).
func secretServer(query *atomic.Value) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) {
		query.Store(r.URL.RawQuery)
		w.Header().Set("Set-Cookie", "sid=s3cret-cookie")
		w.Header().Set("X-Request-Id", "visible")
	})
	mux.HandleFunc("/close", func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	})
	mux.HandleFunc("/debug/pprof/", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("/debug/pprof/profile", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no", http.StatusInternalServerError)
	})
	return httptest.NewServer(mux)
}

// Issue 9 item 4: secrets in query parameters, in a URL's user
// information and in profiles.pprof reach the server, and nowhere else:
// not run.json (scenario, error samples, warnings), not raw/, not the
// progress lines, not the returned error.
func TestSecretsAreRedactedWhereverTheRunStoresOrPrintsThem(t *testing.T) {
	var query atomic.Value
	srv := secretServer(&query)
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	sc := scenario("http://user:s3cret-pw@"+host, 40, 500*time.Millisecond)
	sc.Load.Warmup = dur(100 * time.Millisecond)
	sc.Endpoints = []scenarios.Endpoint{
		{Name: "ok", Method: "GET", Path: "/ok?q=kitchen&token=s3cret-q&X-Amz-Signature=s3cret-sig", Weight: 1,
			Headers: map[string]string{"Authorization": "Bearer s3cret-hdr", "X-Api-Key": "s3cret-key", "Accept": "text/plain"}},
		{Name: "close", Method: "GET", Path: "/close?api_key=s3cret-err", Weight: 1},
	}
	sc.Profiles = scenarios.Profiles{Pprof: "http://admin:s3cret-ppw@" + host + "/debug/pprof/?token=s3cret-pprof", Kinds: []string{"cpu"}}
	sc.Server = nil
	var progress syncBuffer
	run, err := Run(context.Background(), sc, Options{Store: results.Open(t.TempDir()), Raw: true, Progress: &progress})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if q, _ := query.Load().(string); !strings.Contains(q, "token=s3cret-q") {
		t.Errorf("the server saw query %q, want the real token", q)
	}

	// Every byte hotbench wrote or printed.
	places := map[string]string{"progress": progress.String(), "warnings": strings.Join(run.Warnings, "\n")}
	err = filepath.WalkDir(run.Dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		places[path] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for where, text := range places {
		if i := strings.Index(text, "s3cret"); i >= 0 {
			t.Errorf("%s holds a secret: …%s…", where, text[max(0, i-60):min(len(text), i+30)])
		}
	}

	// What was redacted is still there by name, so people see what was sent.
	stored := places[filepath.Join(run.Dir, "run.json")]
	for _, want := range []string{
		`"target": "http://user:REDACTED@`, "token=REDACTED", "X-Amz-Signature=REDACTED", "q=kitchen",
		`"Authorization": "[redacted]"`, `"X-Api-Key": "[redacted]"`, `"Accept": "text/plain"`,
		"admin:REDACTED@", "pprof/?token=REDACTED", "api_key=REDACTED",
	} {
		if !strings.Contains(stored, want) {
			t.Errorf("run.json lacks %s", want)
		}
	}
	if !hasWarning(run, "REDACTED") {
		t.Errorf("warnings %q: want the profile warnings, with the URL redacted", run.Warnings)
	}
	if !strings.Contains(progress.String(), "http://user:REDACTED@") {
		t.Errorf("progress %q does not name the target", progress.String())
	}
	if e := run.Repetitions[0].Endpoint("close"); e == nil || !containsAny(e.ErrorSamples, "api_key=REDACTED") {
		t.Errorf("error samples of close: want the URL with its key redacted")
	}

	// The raw results keep everything but the secrets.
	f, err := os.Open(filepath.Join(run.Dir, "raw", "repetitions", "rep-01-ok.bin"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var r vegeta.Result
	if err := vegeta.NewDecoder(bufio.NewReader(f)).Decode(&r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.URL, "token=REDACTED") || r.Headers.Get("Set-Cookie") != "[redacted]" || r.Headers.Get("X-Request-Id") != "visible" {
		t.Errorf("raw result URL %q headers %v: want the token and cookie redacted, the rest kept", r.URL, r.Headers)
	}
}

// The hash is of the redacted scenario: rotating a token, a password or a
// signature leaves it alone, while a change of what is measured does not.
func TestRotatedSecretsKeepTheScenarioHash(t *testing.T) {
	base := func() *scenarios.Scenario {
		sc := scenario("http://user:pw-1@127.0.0.1:8080", 10, time.Second)
		sc.Endpoints[0].Path = "/search?q=kitchen&access_token=tok-1&sig=s-1"
		sc.Endpoints[0].Headers = map[string]string{"Authorization": "Bearer tok-1", "X-Signature": "s-1"}
		sc.Profiles = scenarios.Profiles{Pprof: "http://127.0.0.1:6060/debug/pprof?token=tok-1"}
		sc.Server = &scenarios.Server{Command: "API_KEY=key-1 {bin} --token=tok-1 -addr {addr}", Ready: "/healthz?key=key-1"}
		return sc
	}
	hash := func(sc *scenarios.Scenario) string {
		stored := redacted(*sc)
		return scenarios.Hash(&stored)
	}
	want := hash(base())
	tests := []struct {
		name   string
		change func(*scenarios.Scenario)
		same   bool
	}{
		{"a rotated query token", func(sc *scenarios.Scenario) {
			sc.Endpoints[0].Path = "/search?q=kitchen&access_token=tok-2&sig=s-2"
		}, true},
		{"a new password in the target", func(sc *scenarios.Scenario) { sc.Target = "http://user:pw-2@127.0.0.1:8080" }, true},
		{"rotated header secrets", func(sc *scenarios.Scenario) {
			sc.Endpoints[0].Headers = map[string]string{"Authorization": "Bearer tok-2", "X-Signature": "s-2"}
		}, true},
		{"a rotated pprof token", func(sc *scenarios.Scenario) {
			sc.Profiles.Pprof = "http://127.0.0.1:6060/debug/pprof?token=tok-2"
		}, true},
		{"rotated secrets in the server command", func(sc *scenarios.Scenario) {
			sc.Server.Command = "API_KEY=key-2 {bin} --token=tok-2 -addr {addr}"
			sc.Server.Ready = "/healthz?key=key-2"
		}, true},
		{"another query", func(sc *scenarios.Scenario) {
			sc.Endpoints[0].Path = "/search?q=garden&access_token=tok-1&sig=s-1"
		}, false},
		{"another user", func(sc *scenarios.Scenario) { sc.Target = "http://admin:pw-1@127.0.0.1:8080" }, false},
	}
	for _, tt := range tests {
		sc := base()
		tt.change(sc)
		if got := hash(sc); (got == want) != tt.same {
			t.Errorf("%s: hash changed %v, want changed %v", tt.name, got != want, !tt.same)
		}
	}
	// And redacting leaves the scenario that is run alone.
	sc := base()
	redacted(*sc)
	if sc.Endpoints[0].Headers["Authorization"] != "Bearer tok-1" || sc.Server.Command != "API_KEY=key-1 {bin} --token=tok-1 -addr {addr}" {
		t.Error("redacted changed the scenario it was given")
	}
}

// Errors Run returns quote the target and the profile URL redacted.
func TestErrorsHideSecrets(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()

	unreachable := scenario("http://user:s3cret@"+closed, 10, time.Second)
	required := scenario(srv.URL, 10, time.Second)
	required.Profiles = scenarios.Profiles{Pprof: "http://" + closed + "/debug/pprof?token=s3cret", Required: true}
	for name, sc := range map[string]*scenarios.Scenario{"unreachable target": unreachable, "required profiles": required} {
		_, err := Run(context.Background(), sc, Options{Store: results.Open(t.TempDir())})
		if err == nil || strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), "REDACTED") {
			t.Errorf("%s: err = %v, want it with the secret redacted", name, err)
		}
	}
}

// The recorder keeps distinct failure messages redacted, once each.
func TestErrorSamplesAreRedacted(t *testing.T) {
	r := newRecorder("get", scenarios.Expect{}, 0, time.Second)
	for _, msg := range []string{
		`Get "http://h/p?token=a": EOF`,
		`Get "http://h/p?token=a": EOF`,
		`Get "http://u:pw@h/p?token=b": EOF`,
		"500 Internal Server Error",
	} {
		r.add(observation{latency: time.Millisecond, err: msg})
	}
	got := strings.Join(r.finish().ErrorSamples, " | ")
	if want := `Get "http://h/p?token=REDACTED": EOF | Get "http://u:REDACTED@h/p?token=REDACTED": EOF | 500 Internal Server Error`; got != want {
		t.Errorf("samples %s\nwant    %s", got, want)
	}
}

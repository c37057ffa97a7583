package profiles

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
)

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var viewURL = regexp.MustCompile(`^pprof web UI: (http://127\.0\.0\.1:[1-9][0-9]*/)$`)

func TestView(t *testing.T) {
	dir := t.TempDir()
	store := func(name string, stacks map[string]int64) string {
		path := filepath.Join(dir, name)
		if _, err := writeProfile(path, cpuProfile(10e6, stacks)); err != nil {
			t.Fatal(err)
		}
		return path
	}
	before := store("before.pb.gz", map[string]int64{"main;serve;burnHotspotCPU": 80, "main;serve;other": 20})
	after1 := store("after-1.pb.gz", map[string]int64{"main;serve;burnHotspotCPU": 5, "main;serve;other": 20})
	after2 := store("after-2.pb.gz", map[string]int64{"main;serve;burnHotspotCPU": 7, "main;serve;other": 19})

	// pprof's driver keeps its settings in package variables, so views run
	// one after the other, as the command line runs them.
	tests := []struct {
		name         string
		files, bases []string
		top          string // in pprof's top page: burnHotspotCPU's flat value
	}{
		{"one stored profile is served", []string{before}, nil, "800ms"},
		// 5+7 samples after against 80 before, at 10ms each.
		{"repetitions are merged and diffed against a base", []string{after1, after2}, []string{before}, "-680ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			pr, pw := io.Pipe()
			var stderr syncBuffer
			done := make(chan error, 1)
			go func() {
				err := View(ctx, ViewOptions{Files: tt.files, BaseFiles: tt.bases, NoBrowser: true, Out: pw, Stderr: &stderr})
				pw.Close() // unblocks the reader if View failed before printing
				done <- err
			}()

			line, err := bufio.NewReader(pr).ReadString('\n')
			m := viewURL.FindStringSubmatch(strings.TrimSuffix(line, "\n"))
			if m == nil {
				t.Fatalf("View printed %q (%v), want the URL line; stderr:\n%s", line, err, stderr.String())
			}
			resp, err := http.Get(m[1])
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "Flame Graph") || !strings.Contains(string(body), "burnHotspotCPU") {
				t.Errorf("GET %s: %s, want pprof's flame graph of the profile; body starts %.300q", m[1], resp.Status, body)
			}
			if top := get(t, m[1]+"ui/top"); !strings.Contains(top, tt.top) {
				t.Errorf("pprof's top page lacks %q", tt.top)
			}

			cancel()
			if err := <-done; err != nil {
				t.Errorf("View after cancel = %v, want nil", err)
			}
			if _, err := http.Get(m[1]); err == nil {
				t.Error("the UI still answers after cancel")
			}
		})
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}

func TestViewRefuses(t *testing.T) {
	existing := filepath.Join(t.TempDir(), "p.pb.gz")
	if _, err := writeProfile(existing, cpuProfile(1, map[string]int64{"a": 1})); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		opts ViewOptions
		want string
	}{
		{"no files", ViewOptions{}, "no profile files"},
		{"a missing file", ViewOptions{Files: []string{existing + ".missing"}}, "no such file"},
		{"a missing base", ViewOptions{Files: []string{existing}, BaseFiles: []string{"nope.pb.gz"}}, "nope.pb.gz"},
		{"an address without a port", ViewOptions{Files: []string{existing}, Addr: "localhost"}, "must be host:port"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := View(context.Background(), tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("View = %v, want a one-line error containing %q", err, tt.want)
			}
		})
	}
}

func TestFlagSetCollectsEveryBaseAndKeepsFilesAfterDashes(t *testing.T) {
	fs := newFlagSet([]string{"-http=127.0.0.1:1", "-diff_base=a", "-diff_base=b", "--", "-odd.pb.gz", "x.pb.gz"}, io.Discard)
	bases := fs.StringList("diff_base", "", "")
	http := fs.String("http", "", "")
	args := fs.Parse(func() { t.Error("usage called") })
	var got []string
	for _, b := range *bases {
		got = append(got, *b)
	}
	if !slices.Equal(got, []string{"a", "b"}) || *http != "127.0.0.1:1" || !slices.Equal(args, []string{"-odd.pb.gz", "x.pb.gz"}) {
		t.Errorf("bases %v, http %q, args %v", got, *http, args)
	}
}

package profiles

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/google/pprof/driver"
)

// ViewOptions says what pprof's web UI shows and where.
type ViewOptions struct {
	// Files are the profiles to show, merged (say, one per repetition).
	Files []string
	// BaseFiles, when set, make the view a diff: Files minus BaseFiles, as
	// `pprof -diff_base` shows it.
	BaseFiles []string
	// Addr is where to listen; default "127.0.0.1:0" (a free port).
	Addr string
	// NoBrowser keeps pprof from opening a browser.
	NoBrowser bool
	// Out receives the line "pprof web UI: http://HOST:PORT/".
	Out io.Writer
	// Stderr receives pprof's own messages.
	Stderr io.Writer
}

// View serves pprof's web UI on the profiles until ctx is cancelled, then
// returns nil. It drives github.com/google/pprof/driver with its own flag set
// and UI, so it never reads os.Args, the global flag set or standard streams.
// pprof keeps its UI settings in package variables: run one View at a time.
func View(ctx context.Context, opts ViewOptions) error {
	if len(opts.Files) == 0 {
		return errors.New("view: no profile files: name a run that has stored profiles")
	}
	for _, f := range append(append([]string{}, opts.Files...), opts.BaseFiles...) {
		if _, err := os.Stat(f); err != nil {
			return fmt.Errorf("view: %w", err)
		}
	}
	out, stderr := opts.Out, opts.Stderr
	if out == nil {
		out = io.Discard
	}
	if stderr == nil {
		stderr = io.Discard
	}
	addr := opts.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("view: address %q must be host:port, like 127.0.0.1:8081", addr)
	}
	if host == "" {
		addr = net.JoinHostPort("127.0.0.1", port)
	}
	// Listening before pprof starts gives it the real port for ":0", so the
	// URL it opens in a browser is the one we serve.
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("view: listen on %s: %w", addr, err)
	}
	defer ln.Close()

	args := []string{"-http=" + ln.Addr().String()}
	if opts.NoBrowser {
		args = append(args, "-no_browser")
	}
	for _, b := range opts.BaseFiles {
		args = append(args, "-diff_base="+b)
	}
	args = append(append(args, "--"), opts.Files...)

	err = driver.PProf(&driver.Options{
		Flagset:    newFlagSet(args, stderr),
		UI:         &viewUI{w: stderr, browser: !opts.NoBrowser},
		Writer:     noFiles{},
		HTTPServer: func(a *driver.HTTPServerArgs) error { return serveUntilDone(ctx, ln, a, out) },
	})
	if err != nil {
		return fmt.Errorf("view: %w", err)
	}
	return nil
}

// serveUntilDone serves pprof's handlers on ln the way pprof's own server
// does (under /ui/, local clients only when bound to loopback) until ctx ends.
func serveUntilDone(ctx context.Context, ln net.Listener, a *driver.HTTPServerArgs, out io.Writer) error {
	local := isLoopback(a.Host)
	ui := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if local {
			host, _, err := net.SplitHostPort(r.RemoteAddr)
			if err != nil || !isLoopback(host) {
				http.Error(w, "permission denied", http.StatusForbidden)
				return
			}
		}
		h := a.Handlers[r.URL.Path]
		if h == nil {
			http.NotFound(w, r) // never fall back to http.DefaultServeMux
			return
		}
		h.ServeHTTP(w, r)
	})
	mux := http.NewServeMux()
	mux.Handle("/ui/", http.StripPrefix("/ui", ui))
	mux.Handle("/", http.RedirectHandler("/ui/", http.StatusTemporaryRedirect))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}

	fmt.Fprintf(out, "pprof web UI: http://%s/\n", ln.Addr())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		srv.Close()
	}
	<-done
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// flagSet is driver.FlagSet over a private flag.FlagSet and fixed arguments.
type flagSet struct {
	fs    *flag.FlagSet
	args  []string
	extra []string
}

func newFlagSet(args []string, stderr io.Writer) *flagSet {
	fs := flag.NewFlagSet("pprof", flag.ContinueOnError)
	fs.SetOutput(stderr)
	return &flagSet{fs: fs, args: args}
}

func (f *flagSet) Bool(name string, def bool, usage string) *bool {
	return f.fs.Bool(name, def, usage)
}

func (f *flagSet) Int(name string, def int, usage string) *int { return f.fs.Int(name, def, usage) }

func (f *flagSet) Float64(name string, def float64, usage string) *float64 {
	return f.fs.Float64(name, def, usage)
}

func (f *flagSet) String(name string, def string, usage string) *string {
	return f.fs.String(name, def, usage)
}

// StringList collects every occurrence of the flag, so several -diff_base
// files (one per repetition) all count.
func (f *flagSet) StringList(name string, def string, usage string) *[]*string {
	l := &stringList{}
	if def != "" {
		l.vals = []*string{&def}
	}
	f.fs.Var(l, name, usage)
	return &l.vals
}

func (f *flagSet) ExtraUsage() string      { return strings.Join(f.extra, "\n") }
func (f *flagSet) AddExtraUsage(eu string) { f.extra = append(f.extra, eu) }

func (f *flagSet) Parse(usage func()) []string {
	f.fs.Usage = usage
	if err := f.fs.Parse(f.args); err != nil {
		return nil
	}
	if f.fs.NArg() == 0 {
		usage()
		return nil
	}
	return f.fs.Args()
}

type stringList struct {
	vals []*string
	set  bool
}

func (l *stringList) String() string { return "" }

func (l *stringList) Set(v string) error {
	if !l.set {
		l.vals, l.set = nil, true // the first value replaces the default
	}
	l.vals = append(l.vals, &v)
	return nil
}

// viewUI is driver.UI for a non-interactive web session: messages go to w.
type viewUI struct {
	mu      sync.Mutex
	w       io.Writer
	browser bool
}

func (u *viewUI) ReadLine(string) (string, error) { return "", io.EOF }

func (u *viewUI) Print(args ...any) { u.write(fmt.Sprint(args...)) }

func (u *viewUI) PrintErr(args ...any) { u.write(fmt.Sprint(args...)) }

func (u *viewUI) write(s string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	io.WriteString(u.w, s)
}

func (u *viewUI) IsTerminal() bool                    { return false }
func (u *viewUI) WantBrowser() bool                   { return u.browser }
func (u *viewUI) SetAutoComplete(func(string) string) {}

// noFiles refuses pprof's requests to write output files: the web UI needs
// none, and a library must not write files it was not asked to.
type noFiles struct{}

func (noFiles) Open(name string) (io.WriteCloser, error) {
	return nil, fmt.Errorf("writing %s is disabled in hotbench's profile view", name)
}

package runner

import (
	"context"
	"crypto/sha256"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hotbench/hotbench/internal/shellcmd"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// TestMain lets the test binary double as a managed server: with
// HOTBENCH_TEST_SERVE=addr it serves HTTP there instead of running tests.
func TestMain(m *testing.M) {
	if addr := os.Getenv("HOTBENCH_TEST_SERVE"); addr != "" {
		mux := http.NewServeMux()
		mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {})
		mux.HandleFunc("/pid", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(strconv.Itoa(os.Getpid()))) })
		mux.HandleFunc("/burn", burn)
		_ = http.ListenAndServe(addr, mux)
		os.Exit(3)
	}
	os.Exit(m.Run())
}

// burn spends a fixed amount of CPU work per request, not of time: ?n=N
// hashes 16 KiB N times (about 10 us each), so twice the n is twice the
// CPU time however busy the machine is.
func burn(w http.ResponseWriter, r *http.Request) {
	n, _ := strconv.Atoi(r.URL.Query().Get("n"))
	block := make([]byte, 16<<10)
	var sum [sha256.Size]byte
	for range n {
		sum = sha256.Sum256(block)
		block[0] ^= sum[0]
	}
	w.Write(sum[:1])
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func TestManagedServerIsBuiltStartedAndStopped(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	sc := scenario("http://"+addr, 50, 500*time.Millisecond)
	sc.Endpoints[0].Path = "/healthz"
	sc.Server = &scenarios.Server{
		Build:   "cp " + shellcmd.Quote(self) + " {bin}",
		Command: "HOTBENCH_TEST_SERVE={addr} {bin}",
		Ready:   "/healthz",
	}
	srv, err := StartServer(context.Background(), *sc.Server, sc.Target)
	if err != nil {
		t.Fatal(err)
	}
	checkServerIsItself(t, srv, addr)
	srv.Stop()

	run := runOnce(t, sc)
	if e := run.Repetitions[0].Endpoints[0]; e.Requests != 25 || e.Errors != 0 {
		t.Errorf("requests %d errors %d, want 25 and none", e.Requests, e.Errors)
	}
	if Reachable(context.Background(), "http://"+addr) == nil {
		t.Error("the managed server still answers after the run")
	}
}

func TestManagedServerThatDiesIsExplained(t *testing.T) {
	sc := scenario("http://"+freeAddr(t), 50, 500*time.Millisecond)
	sc.Server = &scenarios.Server{Command: "echo 'listen: address already in use' >&2; exit 1", Ready: "/healthz"}
	_, err := Run(context.Background(), sc, Options{Store: results.Open(t.TempDir())})
	if err == nil || !strings.Contains(err.Error(), "address already in use") {
		t.Errorf("err = %v, want the server's last words", err)
	}
}

// hostileTarget is issue 9 item 2's target, grown: as {addr} through a
// shell it would create files and run commands. url.Parse takes it, so
// only the scenario's validation stands in its way, and the runner must
// be safe without it.
const hostileTarget = "http://127.0.0.1;>INJ1;'\"$(touch$IFS\"INJ2\")&touch$IFS\"INJ3\";<x:9330"

// checkOnly fails the test unless dir holds exactly the files named.
func checkOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, " ") != strings.Join(names, " ") {
		t.Errorf("%s holds %q, want %q: a placeholder's value ran as code", dir, got, names)
	}
}

func TestServerPlaceholdersAreNeverCode(t *testing.T) {
	work := t.TempDir()
	cd := "cd " + shellcmd.Quote(work) + " && "
	spec := scenarios.Server{
		Build:   cd + `printf '%s' {addr} > build-addr && printf '%s' "{addr}" > build-addr-quoted`,
		Command: cd + `printf '%s' {addr} > command-addr; printf '%s' '{addr}' > command-addr-quoted`,
	}
	_, err := StartServer(context.Background(), spec, hostileTarget)
	if err == nil || !strings.Contains(err.Error(), "exited before it was ready") {
		t.Fatalf("err = %v, want the command's early exit", err)
	}
	checkOnly(t, work, "build-addr", "build-addr-quoted", "command-addr", "command-addr-quoted")
	host := strings.TrimPrefix(hostileTarget, "http://")
	for _, name := range []string{"build-addr", "build-addr-quoted", "command-addr", "command-addr-quoted"} {
		if got, _ := os.ReadFile(filepath.Join(work, name)); string(got) != host {
			t.Errorf("%s: the command saw {addr} as %q, want %q", name, got, host)
		}
	}
}

// Run refuses nothing itself (the scenario's validation does), yet a
// hostile target given straight to it runs no command of its own.
func TestRunWithAHostileTargetRunsNothing(t *testing.T) {
	work := t.TempDir()
	sc := scenario(hostileTarget, 10, time.Second)
	sc.Server = &scenarios.Server{Command: "cd " + shellcmd.Quote(work) + " && exec sleep 30 {addr}"}
	_, err := Run(context.Background(), sc, Options{Store: results.Open(t.TempDir())})
	if err == nil {
		t.Fatal("Run against a target no server can take succeeded")
	}
	checkOnly(t, work)
}

// {bin} lives under TMPDIR, the user's to set: a server built and started
// from a folder named to inject commands is the server itself, and
// nothing else runs.
func TestServerBinaryInAHostileFolder(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(t.TempDir(), "a'b\";touch INJ1;$(touch INJ2)`touch INJ3`\n>INJ4 *")
	if err := os.Mkdir(tmp, 0o755); err != nil {
		t.Skipf("this file system refuses the folder name: %v", err)
	}
	work := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	addr := freeAddr(t)
	cd := "cd " + shellcmd.Quote(work) + " && "
	spec := scenarios.Server{
		Build:   cd + "cp " + shellcmd.Quote(self) + " {bin}",
		Command: "HOTBENCH_TEST_SERVE={addr} {bin}",
		Ready:   "/healthz",
	}
	srv, err := StartServer(context.Background(), spec, "http://"+addr)
	if err != nil {
		t.Fatal(err)
	}
	checkServerIsItself(t, srv, addr)
	srv.Stop()
	checkOnly(t, work)
	checkOnly(t, tmp)
}

// checkServerIsItself asks the managed test server for its process id: PID
// must be the server's own, not a shell's around it.
func checkServerIsItself(t *testing.T, srv *Server, addr string) {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/pid")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != strconv.Itoa(srv.PID()) {
		t.Errorf("server process %s, PID() %d: want the server itself, not a shell", body, srv.PID())
	}
}

// StartServerWith takes a binary built already (server.build is not run),
// runs server.command in the folder given with the environment given, and
// fills {port} with the target's port.
func TestStartServerWithPrebuiltBinaryInAFolder(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	addr, err := FreeLoopbackAddr()
	if err != nil {
		t.Fatal(err)
	}
	if _, port, err := net.SplitHostPort(addr); err != nil || !strings.HasPrefix(addr, "127.0.0.1:") || port == "0" {
		t.Fatalf("FreeLoopbackAddr() = %q, want 127.0.0.1 and a port", addr)
	}
	work := t.TempDir()
	spec := scenarios.Server{
		Build:   "touch built",
		Command: `printf '%s' {port} > port; printf '%s' "$HOTBENCH_TEST_EXTRA" > extra; echo listening on {port}; HOTBENCH_TEST_SERVE={addr} exec {bin}`,
		Ready:   "/healthz",
	}
	srv, err := StartServerWith(context.Background(), spec, "http://"+addr, ServerOptions{
		Bin: self, Dir: work, Env: []string{"HOTBENCH_TEST_EXTRA=from the caller"},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	checkServerIsItself(t, srv, addr)
	_, port, _ := net.SplitHostPort(addr)
	for name, want := range map[string]string{"port": port, "extra": "from the caller"} {
		if got, err := os.ReadFile(filepath.Join(work, name)); err != nil || string(got) != want {
			t.Errorf("%s: %q (%v), want %q", name, got, err, want)
		}
	}
	if _, err := os.Stat(filepath.Join(work, "built")); err == nil {
		t.Error("server.build ran although a binary was given")
	}
	if tail := srv.LogTail(); !strings.Contains(tail, "listening on "+port) {
		t.Errorf("LogTail() = %q, want the server's output", tail)
	}
}

// {port} of a target without one is its scheme's.
func TestTargetPort(t *testing.T) {
	for target, want := range map[string]string{
		"http://127.0.0.1:8080": "8080",
		"http://localhost":      "80",
		"https://example.com/x": "443",
		"http://[::1]:9000":     "9000",
	} {
		u, err := url.Parse(target)
		if err != nil {
			t.Fatal(err)
		}
		if got := targetPort(u); got != want {
			t.Errorf("targetPort(%s) = %s, want %s", target, got, want)
		}
	}
}

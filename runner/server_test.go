package runner

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

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
		_ = http.ListenAndServe(addr, mux)
		os.Exit(3)
	}
	os.Exit(m.Run())
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
		Build:   "cp " + shellQuote(self) + " {bin}",
		Command: "HOTBENCH_TEST_SERVE={addr} {bin}",
		Ready:   "/healthz",
	}
	srv, err := StartServer(context.Background(), *sc.Server, sc.Target)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get("http://" + addr + "/pid")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != strconv.Itoa(srv.PID()) {
		t.Errorf("server process %s, PID() %d: want the server itself, not a shell", body, srv.PID())
	}
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

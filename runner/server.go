package runner

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/hotbench/hotbench/internal/shellcmd"
	"github.com/hotbench/hotbench/scenarios"
)

// Time limits for a managed server.
const (
	serverBuildTimeout = 10 * time.Minute
	serverReadyTimeout = 60 * time.Second
	serverStopGrace    = 5 * time.Second
)

// Server is a service hotbench built and started itself from the
// scenario's server section, so its process id is known (for {pid} in
// profiles.command) and it is stopped when the run ends.
type Server struct {
	cmd  *exec.Cmd
	dir  string
	log  *tailBuffer
	done chan struct{}
	err  error
}

// PID is the server's process id.
func (s *Server) PID() int { return s.cmd.Process.Pid }

// StartServer builds (server.build) and starts (server.command) the
// service with {bin} and {addr} filled in, then waits until it answers
// server.ready with 200 (or, without ready, accepts connections).
//
// The target's host:port fills {addr} and a temporary path {bin}; neither
// is ever read by the shell as code, whatever the target holds. Errors
// quote the target with its secrets redacted.
func StartServer(ctx context.Context, spec scenarios.Server, target string) (_ *Server, err error) {
	defer func() { err = redactError(err) }()
	u, err := url.Parse(target)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("target %q is not a URL: write it like http://127.0.0.1:8080", target)
	}
	if Reachable(ctx, target) == nil {
		// The new server could not bind, and the old one would be measured.
		return nil, fmt.Errorf("something already answers at %s: stop it, or give the scenario another target port", target)
	}
	dir, err := os.MkdirTemp("", "hotbench-server-")
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	// The values reach the shell as variables, never as code: a target
	// that came through no validation cannot run anything (issue 9 item 2).
	values := map[string]string{"bin": filepath.Join(dir, "server"), "addr": u.Host}
	if spec.Build != "" {
		bctx, cancel := context.WithTimeout(ctx, serverBuildTimeout)
		defer cancel()
		script, env := shellcmd.Fill(spec.Build, values)
		build := exec.CommandContext(bctx, "sh", "-c", script)
		build.Env = append(os.Environ(), env...)
		out, err := build.CombinedOutput()
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("server.build failed (%v): %s", err, lastLine(out))
		}
	}
	s := &Server{dir: dir, log: &tailBuffer{max: 8 << 10}, done: make(chan struct{})}
	script, env := shellcmd.Fill(spec.Command, values)
	s.cmd = exec.Command("sh", "-c", execPrefix(spec.Command)+script)
	s.cmd.Env = append(os.Environ(), env...)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	setProcessGroup(s.cmd)
	if err := s.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("server.command did not start: %w", err)
	}
	go func() {
		s.err = s.cmd.Wait()
		close(s.done)
	}()
	if err := s.waitReady(ctx, target, spec.Ready); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

func (s *Server) waitReady(ctx context.Context, target, ready string) error {
	deadline := time.Now().Add(serverReadyTimeout)
	client := &http.Client{Timeout: time.Second}
	for {
		select {
		case <-s.done:
			return fmt.Errorf("server.command exited before it was ready (%v): %s", s.err, lastLine(s.log.Bytes()))
		case <-ctx.Done():
			return fmt.Errorf("waiting for the server: %w", ErrInterrupted)
		default:
		}
		if ready == "" {
			if Reachable(ctx, target) == nil {
				return nil
			}
		} else if resp, err := client.Get(joinURL(target, ready)); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("server was not ready at %s within %s: check server.command and server.ready", joinURL(target, ready), serverReadyTimeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Stop ends the server (its whole process group): SIGTERM, then SIGKILL
// after a grace period. It returns the server's output tail when it had
// already died, so a crash during the load is explained.
func (s *Server) Stop() error {
	defer os.RemoveAll(s.dir)
	select {
	case <-s.done:
		return redactError(fmt.Errorf("server exited during the run (%v): %s", s.err, lastLine(s.log.Bytes())))
	default:
	}
	terminate(s.cmd)
	select {
	case <-s.done:
	case <-time.After(serverStopGrace):
		kill(s.cmd)
		<-s.done
	}
	return nil
}

// execPrefix makes the shell replace itself with a simple command, so the
// process hotbench knows (for {pid}) is the server, not a shell around it.
// Commands with shell syntax (cd dir && ./app) keep their shell.
func execPrefix(command string) string {
	if strings.ContainsAny(command, ";&|()<>`$\n") {
		return ""
	}
	first, _, _ := strings.Cut(strings.TrimSpace(command), " ")
	if strings.Contains(first, "=") {
		return "exec env " // VAR=value app: env keeps the process id
	}
	return "exec "
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
	max int
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = t.buf[over:]
	}
	return len(p), nil
}

func (t *tailBuffer) Bytes() []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]byte(nil), t.buf...)
}

func lastLine(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if l := strings.TrimSpace(lines[len(lines)-1]); l != "" {
		return l
	}
	return "no output"
}

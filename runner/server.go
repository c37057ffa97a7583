package runner

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hotbench/hotbench/internal/redact"
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
	dir  string // the temporary folder of a binary it built, or ""
	log  *tailBuffer
	done chan struct{}
	err  error
}

// PID is the server's process id.
func (s *Server) PID() int { return s.cmd.Process.Pid }

// StartServer builds (server.build) and starts (server.command) the
// service with {bin}, {addr} and {port} filled in, then waits until it
// answers server.ready with 200 (or, without ready, accepts connections).
// It is StartServerWith with no options: the build goes to a temporary
// {bin}, both commands run in the current directory.
//
// The target's host:port fills {addr}, its port {port} and a temporary
// path {bin}; none is ever read by the shell as code, whatever the target
// holds. Errors quote the target with its secrets redacted.
func StartServer(ctx context.Context, spec scenarios.Server, target string) (*Server, error) {
	return StartServerWith(ctx, spec, target, ServerOptions{})
}

// ServerOptions changes how StartServerWith builds and starts a server.
type ServerOptions struct {
	// Bin is a binary built already: it fills {bin}, and server.build is
	// not run. Empty: server.build builds {bin} in a temporary folder.
	Bin string
	// Dir is the working directory of server.build and server.command (a
	// git worktree of the commit under test); empty for the current one.
	Dir string
	// Env is added to the environment of both commands (NAME=value).
	Env []string
}

// StartServerWith starts the server of spec for target, as StartServer
// does, with a prebuilt binary, in a working directory or with extra
// environment (hotbench ab starts the base's and the candidate's builds,
// each from its worktree, on ports of their own: see FreeLoopbackAddr).
func StartServerWith(ctx context.Context, spec scenarios.Server, target string, o ServerOptions) (_ *Server, err error) {
	defer func() { err = redactError(err) }()
	u, err := url.Parse(target)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("target %q is not a URL: write it like http://127.0.0.1:8080", target)
	}
	if Reachable(ctx, target) == nil {
		// The new server could not bind, and the old one would be measured.
		return nil, fmt.Errorf("something already answers at %s: stop it, or give the scenario another target port", target)
	}
	s := &Server{log: &tailBuffer{max: 8 << 10}, done: make(chan struct{})}
	bin := o.Bin
	if bin == "" {
		if s.dir, err = os.MkdirTemp("", "hotbench-server-"); err != nil {
			return nil, fmt.Errorf("server: %w", err)
		}
		bin = filepath.Join(s.dir, "server")
	}
	// The values reach the shell as variables, never as code: a target
	// that came through no validation cannot run anything (issue 9 item 2).
	values := map[string]string{"bin": bin, "addr": u.Host, "port": targetPort(u)}
	env := append(os.Environ(), o.Env...)
	if spec.Build != "" && o.Bin == "" {
		bctx, cancel := context.WithTimeout(ctx, serverBuildTimeout)
		defer cancel()
		script, vars := shellcmd.Fill(spec.Build, values)
		build := exec.CommandContext(bctx, "sh", "-c", script)
		build.Env = append(slices.Clip(env), vars...)
		build.Dir = o.Dir
		out, err := build.CombinedOutput()
		if err != nil {
			s.removeDir()
			return nil, fmt.Errorf("server.build failed (%v): %s", err, lastLine(out))
		}
	}
	script, vars := shellcmd.Fill(spec.Command, values)
	s.cmd = exec.Command("sh", "-c", execPrefix(spec.Command)+script)
	s.cmd.Env = append(slices.Clip(env), vars...)
	s.cmd.Dir = o.Dir
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	setProcessGroup(s.cmd)
	if err := s.cmd.Start(); err != nil {
		s.removeDir()
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

// targetPort is the port of a target URL, its scheme's when it names none.
func targetPort(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if u.Scheme == "https" {
		return "443"
	}
	return "80"
}

// FreeLoopbackAddr returns a 127.0.0.1:port address nothing listened on a
// moment ago, for a server hotbench starts: the port is the kernel's pick,
// released at once, so another process could still take it before the
// server binds (StartServerWith then refuses a target that already
// answers).
func FreeLoopbackAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free loopback port: %w", err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		return "", fmt.Errorf("find a free loopback port: %w", err)
	}
	return addr, nil
}

// LogTail is the end of what the server wrote to its standard output and
// error (up to 8 KiB), with secrets redacted, for messages that explain
// a failure.
func (s *Server) LogTail() string { return redact.Text(string(s.log.Bytes())) }

// removeDir removes the temporary folder of a binary StartServerWith built.
func (s *Server) removeDir() {
	if s.dir != "" {
		os.RemoveAll(s.dir)
	}
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
	defer s.removeDir()
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

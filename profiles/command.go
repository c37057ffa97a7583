package profiles

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/pprof/profile"

	"github.com/hotbench/hotbench/internal/shellcmd"
)

// runCommand runs cfg.Command for one kind and reads what it wrote to {out}:
// pprof (gzipped or not) as is, folded stacks converted.
func (c *capturer) runCommand(ctx context.Context, kind string, start time.Time) (*profile.Profile, error) {
	if strings.Contains(c.cfg.Command, "{pid}") && c.cfg.PID <= 0 {
		return nil, errors.New("the command uses {pid} but the server's process id is unknown: let hotbench start the server (server.command), name its pid file (server.pid_file), or drop {pid}")
	}
	tmp, err := os.MkdirTemp("", "hotbench-profile-")
	if err != nil {
		return nil, fmt.Errorf("temporary folder for {out}: %w", err)
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, kind+".out")
	seconds := wholeSeconds(c.window)
	script, env := shellcmd.Fill(c.cfg.Command, map[string]string{
		"out":     out,
		"seconds": strconv.FormatInt(seconds, 10),
		"pid":     strconv.Itoa(c.cfg.PID),
		"kind":    kind,
	})

	budget := c.grace + time.Duration(seconds)*time.Second
	cctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	// The placeholders' values reach the shell as variables, never as code
	// (issue 9 item 2): the command's own text keeps its &&, | and >.
	cmd := exec.CommandContext(cctx, "sh", "-c", script)
	cmd.Env = append(os.Environ(), env...)
	killProcessGroup(cmd) // profilers run children (sleep, perf): stop them all
	cmd.WaitDelay = 2 * time.Second
	var stdout, stderr tailWriter
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	said := stderr.lastLine()
	if said == "" {
		said = stdout.lastLine()
	}
	if err != nil {
		switch why := c.abandoned(ctx, cctx.Err(), budget); {
		case ctx.Err() != nil:
			return nil, errors.New(why)
		case why != "":
			return nil, fmt.Errorf("%s: the command must exit by itself after {seconds} seconds", why)
		}
		if said != "" {
			return nil, fmt.Errorf("command failed (%v): %s", err, said)
		}
		return nil, fmt.Errorf("command failed (%v)", err)
	}

	data, err := readOutput(out, c.maxBytes)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("read the command's output: %w", err)
	}
	if len(data) == 0 {
		msg := "the command wrote nothing to {out}"
		if said != "" {
			msg += ": " + said
		}
		return nil, errors.New(msg)
	}
	p, err := decodeProfile(data, c.maxBytes)
	if err != nil {
		return nil, err
	}
	if p.TimeNanos == 0 {
		p.TimeNanos = start.UnixNano()
	}
	if p.DurationNanos == 0 {
		p.DurationNanos = time.Since(start).Nanoseconds()
	}
	return p, nil
}

// readOutput reads the file a profiling command wrote, inflated if it is
// gzipped, keeping at most limit bytes either way: a command's output is
// as untrusted as a download.
func readOutput(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return inflateBounded(f, limit)
}

// decodeProfile reads pprof protobuf or folded stacks from a command's
// plain (already inflated, bounded) output.
func decodeProfile(data []byte, limit int64) (*profile.Profile, error) {
	p, perr := parseBounded(data, limit)
	if perr == nil {
		return p, nil
	}
	var tl *TooLargeError
	if errors.As(perr, &tl) {
		return nil, perr
	}
	p, ferr := ParseFolded(bytes.NewReader(data))
	if ferr != nil {
		return nil, fmt.Errorf("the output is neither pprof (%v) nor folded stacks (%v)", perr, ferr)
	}
	return p, nil
}

// tailWriter keeps the last few KB a command printed: enough for its last
// line, bounded however chatty the command is.
type tailWriter struct {
	mu  sync.Mutex
	buf []byte
}

const tailBytes = 4096

func (t *tailWriter) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > tailBytes {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-tailBytes:]...)
	}
	return len(p), nil
}

func (t *tailWriter) lastLine() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	lines := strings.Split(strings.TrimSpace(string(t.buf)), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

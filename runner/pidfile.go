package runner

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/hotbench/hotbench/scenarios"
)

// maxPIDFile bounds what is read of a pid file: a process id is a few
// digits, and a file much longer is not one.
const maxPIDFile = 1 << 10

// pidFromFile returns the process id server.pid_file names, for a server
// hotbench does not start (server.pid_file without server.command), or 0
// when the scenario names none. A relative path is relative to the
// scenario file's folder (to the working directory for a scenario built
// in code). The file must hold one positive number, that of a running
// process; anything else is an error that says what to do, before any
// load.
func pidFromFile(sc *scenarios.Scenario) (int, error) {
	if sc.Server == nil || sc.Server.Managed() || sc.Server.PidFile == "" {
		return 0, nil
	}
	path := sc.Server.PidFile
	if !filepath.IsAbs(path) && sc.File != "" {
		path = filepath.Join(filepath.Dir(sc.File), path)
	}
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("server.pid_file %s cannot be read (%v): start the service so that it writes its process id there, or fix server.pid_file", path, unwrapPath(err))
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxPIDFile+1))
	if err != nil {
		return 0, fmt.Errorf("server.pid_file %s cannot be read (%v): point server.pid_file at the file that holds the service's process id", path, unwrapPath(err))
	}
	text := strings.TrimSpace(string(b))
	pid, err := strconv.Atoi(text)
	if err != nil || pid <= 0 || len(b) > maxPIDFile {
		if len(text) > 20 {
			text = text[:20] + "…"
		}
		return 0, fmt.Errorf("server.pid_file %s holds %q, not a process id: it must hold the service's process id alone, like 4242; fix the file or server.pid_file", path, text)
	}
	if err := processRunning(pid); err != nil {
		return 0, fmt.Errorf("server.pid_file %s names process %d, which is not running: start the service (it rewrites the file), or fix server.pid_file", path, pid)
	}
	return pid, nil
}

// unwrapPath drops the path an *os.PathError repeats.
func unwrapPath(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

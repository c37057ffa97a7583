//go:build unix

package profiles

import (
	"os/exec"
	"syscall"
)

// killProcessGroup makes cancelling cmd kill its whole process group: `sh -c`
// forks the profiler, which may fork `sleep` or `perf`, and killing only the
// shell would leave them running and holding the output pipes.
func killProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}

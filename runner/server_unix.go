//go:build unix

package runner

import (
	"os/exec"
	"syscall"
)

// setProcessGroup puts the server in its own process group, so stopping it
// also stops what its shell started; where the system can, the server is
// also ended when hotbench dies without stopping it (killed, or a closed
// pipe), rather than left listening.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	endWithParent(cmd.SysProcAttr)
}

func terminate(cmd *exec.Cmd) { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) }

func kill(cmd *exec.Cmd) { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }

//go:build unix

package build

import (
	"os/exec"
	"syscall"
)

// killGroup starts cmd in a process group of its own and makes its
// context's end kill the whole group: the compilers a shell started, not
// only the shell.
func killGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
}

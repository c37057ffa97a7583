//go:build !unix

package profiles

import "os/exec"

// killProcessGroup is a no-op where process groups do not exist: cancelling
// kills the shell only.
func killProcessGroup(cmd *exec.Cmd) {}

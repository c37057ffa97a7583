//go:build !unix

package build

import "os/exec"

// killGroup leaves cmd as it is: without process groups, its context's end
// kills the shell alone.
func killGroup(cmd *exec.Cmd) {}

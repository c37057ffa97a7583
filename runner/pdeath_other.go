//go:build unix && !linux

package runner

import "syscall"

// endWithParent does nothing where the system has no parent-death signal:
// a killed hotbench leaves its server to be stopped by hand.
func endWithParent(*syscall.SysProcAttr) {}

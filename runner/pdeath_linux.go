package runner

import "syscall"

// endWithParent asks Linux to send SIGTERM to the server when the thread
// that started it exits: when hotbench is killed, the server goes too. The
// setting survives the exec of a simple server.command (see execPrefix).
func endWithParent(attr *syscall.SysProcAttr) { attr.Pdeathsig = syscall.SIGTERM }

//go:build !linux

package runner

import "errors"

// procSupported: without /proc, a server's CPU time and memory are not
// read, and cpu_per_req comes from its CPU profile when it has one.
const procSupported = false

var errNoProc = errors.New("no /proc on this system")

func processTree(root int) ([]int, error) { return nil, errNoProc }

func readCPU(pids []int) cpuReading { return nil }

func readRSS(pids []int, root int) (int64, bool) { return 0, false }

// processRunning cannot tell without /proc: it assumes the process runs.
func processRunning(pid int) error { return nil }

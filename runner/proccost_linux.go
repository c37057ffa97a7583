package runner

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"syscall"
)

// procSupported: this system has /proc to read a server's cost from.
const procSupported = true

// processTree returns root and its descendants, root first, by scanning
// every process's parent in /proc; an error when root is not running.
func processTree(root int) ([]int, error) {
	if err := processRunning(root); err != nil {
		return nil, err
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	children := map[int][]int{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == root {
			continue
		}
		if st, err := readStat(pid); err == nil {
			children[st.ppid] = append(children[st.ppid], pid)
		}
	}
	tree := []int{root}
	for i := 0; i < len(tree); i++ {
		tree = append(tree, children[tree[i]]...)
	}
	return tree, nil
}

// stat is what hotbench reads of /proc/PID/stat.
type stat struct {
	state byte // R, S, D, Z (zombie: exited, not yet waited for) …
	ppid  int
	cpu   procCPU
}

// readStat reads a process's /proc/PID/stat.
func readStat(pid int) (stat, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		if errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ESRCH) {
			return stat{}, fmt.Errorf("no process %d", pid)
		}
		return stat{}, err
	}
	return parseStat(b)
}

// parseStat reads /proc/PID/stat: "pid (comm) state ppid …"; comm may
// hold spaces and parentheses, so the fields are counted from the last ')'.
// After it, field 3 (state) is index 0: ppid 4, utime 14, stime 15,
// cutime 16, cstime 17, starttime 22.
func parseStat(b []byte) (st stat, err error) {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return st, errors.New("stat has no command")
	}
	f := bytes.Fields(b[i+1:])
	if len(f) < 20 || len(f[0]) != 1 {
		return st, errors.New("stat is short")
	}
	num := func(k int) uint64 {
		v, e := strconv.ParseInt(string(f[k]), 10, 64)
		if e != nil && err == nil {
			err = fmt.Errorf("stat field %d: %w", k+3, e)
		}
		return uint64(max(v, 0))
	}
	st.state = f[0][0]
	st.ppid = int(num(1))
	st.cpu.own = num(11) + num(12)
	st.cpu.reaped = num(13) + num(14)
	st.cpu.started = num(19)
	return st, err
}

// readCPU reads the CPU time of each process of pids that is running; a
// process that is gone is left out.
func readCPU(pids []int) cpuReading {
	r := cpuReading{}
	for _, pid := range pids {
		st, err := readStat(pid)
		if err != nil {
			continue
		}
		st.cpu.threads = readThreads(pid)
		r[pid] = st.cpu
	}
	return r
}

// readThreads returns the run time in ns of each live thread of pid from
// /proc/PID/task/TID/schedstat, or nil when schedstat is unavailable
// (absent, or zero: the kernel keeps no scheduler statistics).
func readThreads(pid int) map[int]uint64 {
	dir := "/proc/" + strconv.Itoa(pid) + "/task/"
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	threads := make(map[int]uint64, len(entries))
	var sum uint64
	for _, e := range entries {
		tid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(dir + e.Name() + "/schedstat")
		if err != nil {
			continue // exited since the listing
		}
		first, _, _ := bytes.Cut(bytes.TrimSpace(b), []byte(" "))
		ns, err := strconv.ParseUint(string(first), 10, 64)
		if err != nil {
			return nil
		}
		threads[tid] = ns
		sum += ns
	}
	if sum == 0 {
		return nil
	}
	return threads
}

var pageSize = int64(os.Getpagesize())

// readRSS sums the resident memory of the processes of pids from
// /proc/PID/statm; false when root is gone.
func readRSS(pids []int, root int) (int64, bool) {
	var total int64
	for _, pid := range pids {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/statm")
		if err != nil {
			if pid == root {
				return 0, false
			}
			continue
		}
		f := bytes.Fields(b)
		if len(f) < 2 {
			continue
		}
		pages, err := strconv.ParseInt(string(f[1]), 10, 64)
		if err != nil {
			continue
		}
		total += pages * pageSize
	}
	return total, true
}

// processRunning fails when no process pid is running (a zombie has
// exited).
func processRunning(pid int) error {
	st, err := readStat(pid)
	switch {
	case err != nil:
		return err
	case st.state == 'Z' || st.state == 'X':
		return fmt.Errorf("process %d has exited", pid)
	}
	return nil
}

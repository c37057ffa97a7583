package runner

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/hotbench/hotbench/results"
)

// The server's cost over a repetition's measured window, read from /proc
// for a server whose process id is known (Options.ServerPID), whatever its
// language: the CPU time of the process and its descendants, and their
// resident memory sampled through the window.
//
// CPU time is the difference of two readings, at the window's start and
// end. Each reading takes, per process of the tree, the run time of each of
// its threads in nanoseconds (the first field of
// /proc/PID/task/TID/schedstat, the scheduler's sum_exec_runtime), and the
// process's utime+stime and cutime+cstime from /proc/PID/stat. Why
// schedstat: stat counts in clock ticks of 10 ms, so two readings of a
// 20 s window in which the server used 0.2 s (4000 requests at 50 µs) are
// ±5 %; schedstat is exact to the nanosecond, behind by at most the
// scheduler tick for a thread that is running when read. stat is the
// fallback, per process: when schedstat is absent or reads zero (a kernel
// without scheduler statistics), and when a thread exited during the
// window, since an exited thread's time is in the process's stat but in no
// thread's schedstat. Children the tree reaped during the window come in
// through their parent's cutime+cstime (ticks), less what they had used
// when the window began.
//
// Memory is sampled every rssInterval: the resident set of each process
// of the tree from /proc/PID/statm, summed (pages two processes share are
// counted in each, as ps does). The tree is found by scanning /proc at most
// every treeRescan, so a sample reads one small file per process.
const (
	rssInterval = 100 * time.Millisecond
	treeRescan  = time.Second
)

// clockTicks is USER_HZ, the unit of /proc/PID/stat's times: 100 on every
// Linux architecture, whatever the kernel's own tick.
const clockTicks = 100

func ticksNS(t uint64) int64 { return int64(t) * (1e9 / clockTicks) }

// procCPU is one process's CPU time at one moment.
type procCPU struct {
	// started is the process's start time (stat field 22): a process id
	// the kernel gave to a new process is another process.
	started uint64
	// own is utime+stime in ticks, exited threads included; reaped is
	// cutime+cstime, the children it waited for.
	own, reaped uint64
	// threads is each live thread's run time in ns (schedstat), nil when
	// schedstat is unavailable.
	threads map[int]uint64
}

// cpuReading is the CPU time of the processes of a server's tree, by
// process id, at one moment.
type cpuReading map[int]procCPU

// same reports whether pid is one process in both readings.
func same(a, b cpuReading, pid int) (procCPU, procCPU, bool) {
	x, okA := a[pid]
	y, okB := b[pid]
	return x, y, okA && okB && x.started == y.started
}

// cpuWindow returns the CPU time in ns the tree used between two readings,
// and false when the root is not the same live process in both (it died,
// or its process id went to another): the window's CPU time is then
// unknown, and a part of it would read as a server that got cheaper.
func cpuWindow(start, end cpuReading, root int) (int64, bool) {
	if _, _, ok := same(start, end, root); !ok {
		return 0, false
	}
	var total int64
	for pid, e := range end {
		if s, _, ok := same(start, end, pid); ok {
			total += ownDelta(s, e) + ticksNS(e.reaped) - ticksNS(s.reaped)
		} else {
			// Born in the window: all its time is the window's.
			total += ownTotal(e) + ticksNS(e.reaped)
		}
	}
	for pid, s := range start {
		if _, _, ok := same(start, end, pid); !ok {
			// Gone: its whole time moved to a parent's reaped time when a
			// process of the tree waited for it; only what it used in the
			// window belongs to the window.
			total -= ticksNS(s.own + s.reaped)
		}
	}
	return max(total, 0), true
}

// ownDelta is the CPU time in ns one process's threads used between two
// readings: by schedstat when every thread of the first is still there,
// else (a thread exited, or no schedstat) by stat's ticks.
func ownDelta(s, e procCPU) int64 {
	if s.threads != nil && e.threads != nil {
		complete := true
		for tid := range s.threads {
			if _, ok := e.threads[tid]; !ok {
				complete = false
				break
			}
		}
		if complete {
			var d int64
			for tid, v := range e.threads {
				if was, ok := s.threads[tid]; ok && v >= was {
					d += int64(v - was)
				} else {
					d += int64(v) // a thread born in the window
				}
			}
			return d
		}
	}
	if e.own < s.own {
		return 0
	}
	return ticksNS(e.own - s.own)
}

// ownTotal is all the CPU time one process's threads used: its threads'
// schedstat, or stat's ticks when they are more (threads exited).
func ownTotal(p procCPU) int64 {
	var sum int64
	for _, v := range p.threads {
		sum += int64(v)
	}
	return max(sum, ticksNS(p.own))
}

// rssTally sums a window's memory samples.
type rssTally struct {
	n         int
	sum, peak int64
}

func (t *rssTally) add(bytes int64) {
	t.n++
	t.sum += bytes
	t.peak = max(t.peak, bytes)
}

// procWatch measures one repetition's server cost from /proc, alongside
// the load.
type procWatch struct {
	stop  chan struct{}
	done  chan struct{}
	stats *results.ServerStats
	warn  string
}

// startProcWatch begins measuring the tree of process pid when the window
// begins (from) and ends at its end (to), or when ctx is cancelled (the
// load stopped then). It returns nil when pid is unknown or /proc cannot
// be read on this system: nothing is then recorded.
func startProcWatch(ctx context.Context, pid, index int, from, to time.Time) *procWatch {
	if pid <= 0 || !procSupported {
		return nil
	}
	w := &procWatch{stop: make(chan struct{}), done: make(chan struct{})}
	go w.watch(ctx, pid, index, from, to)
	return w
}

func (w *procWatch) watch(ctx context.Context, root, index int, from, to time.Time) {
	defer close(w.done)
	begin := time.NewTimer(time.Until(from))
	defer begin.Stop()
	select {
	case <-ctx.Done():
		return
	case <-w.stop:
		return
	case <-begin.C:
	}
	tree, err := processTree(root)
	if err != nil {
		w.warn = fmt.Sprintf("repetition %d: server process %d is not running (%v): its CPU time and memory are not recorded", index, root, err)
		return
	}
	start := readCPU(tree)
	var rss rssTally
	alive := true
	sample := func() {
		if b, ok := readRSS(tree, root); ok {
			rss.add(b)
		} else {
			alive = false
		}
	}
	sample()
	scanned := time.Now()
	tick := time.NewTicker(rssInterval)
	defer tick.Stop()
	end := time.NewTimer(time.Until(to))
	defer end.Stop()
window:
	for alive {
		select {
		case <-ctx.Done():
			break window
		case <-w.stop:
			break window
		case <-end.C:
			break window
		case <-tick.C:
			if time.Since(scanned) >= treeRescan {
				if t, err := processTree(root); err == nil {
					tree = t
				}
				scanned = time.Now()
			}
			sample()
		}
	}
	// The tree as it is now, and the processes of the first reading still
	// alive that left it (a child whose parent died is no descendant now,
	// yet its time is the server's).
	last, err := processTree(root)
	if err == nil {
		for pid := range start {
			if !slices.Contains(last, pid) {
				last = append(last, pid)
			}
		}
	}
	var st results.ServerStats
	if ns, ok := cpuWindow(start, readCPU(last), root); ok && err == nil {
		st.CPUSeconds, st.CPUSource = float64(ns)/1e9, results.CPUFromProc
	} else {
		w.warn = fmt.Sprintf("repetition %d: server process %d exited during the window: its memory until then is recorded, its CPU time is not", index, root)
	}
	if rss.n > 0 {
		st.RSSBytes, st.RSSPeakBytes, st.RSSSamples = rss.sum/int64(rss.n), rss.peak, rss.n
	}
	if st != (results.ServerStats{}) {
		w.stats = &st
	}
}

// finish ends the watch if the window is still running and returns what
// it measured (nil for nothing) and a warning ("" for none).
func (w *procWatch) finish() (*results.ServerStats, string) {
	if w == nil {
		return nil, ""
	}
	close(w.stop)
	<-w.done
	return w.stats, w.warn
}

// mergeServer joins a repetition's server statistics from /proc and from
// its profiles: CPU time from /proc when it was read there, else from the
// CPU profile; memory from /proc; allocated bytes from the allocation
// profile. nil when neither knows anything.
func mergeServer(proc, prof *results.ServerStats) *results.ServerStats {
	var st results.ServerStats
	if proc != nil {
		st = *proc
	}
	if prof != nil {
		st.AllocBytes = prof.AllocBytes
		if st.CPUSource == "" && prof.CPUSeconds > 0 {
			st.CPUSeconds, st.CPUSource = prof.CPUSeconds, results.CPUFromProfile
		}
	}
	if st == (results.ServerStats{}) {
		return nil
	}
	return &st
}

package shard

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"os"
	"slices"
	"time"

	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/runner"
	"github.com/hotbench/hotbench/scenarios"
)

// Options controls one shard's run.
type Options struct {
	// Runner holds the run's options as for an unsharded run: Label (the
	// run's; the part's label adds "-shard-I-of-N"), Store, Progress,
	// Version. Shard and StartAt are set by Run.
	Runner runner.Options
	// Shard is which part of the schedule this process sends.
	Shard runner.Shard
	// Coordinator is the address of shard 0's coordination endpoint,
	// host:port; shard 0 listens on its port (on every interface, or on
	// the host itself when it is a loopback address) unless Listen says
	// where.
	Coordinator string
	Listen      string
	// RunID, for shard 0, names the run (NewRunID's when empty).
	RunID string
	// RegisterTimeout is how long the shards have to register (default 2
	// minutes); FirstLead how far ahead the first start is broadcast.
	RegisterTimeout time.Duration
	FirstLead       time.Duration
	// Merge makes shard 0 merge the parts at the end, when it can read
	// them all (a shared results folder), into a run labelled Label.
	Merge bool
}

// Result is what one shard's run produced.
type Result struct {
	// Part is this shard's run; nil when it could not begin.
	Part *results.Run
	// Offset and RTT are the clock offset to the coordinator and the
	// round trip it was measured over.
	Offset, RTT time.Duration
	// Outcome is what shard 0's coordinator saw; nil on other shards.
	Outcome *Outcome
	// Merged is the merged run, stored, when shard 0 merged; MergeErr
	// says why it did not.
	Merged   *results.Run
	MergeErr error
}

// DefaultPort is the coordination endpoint's port when an address names
// none.
const DefaultPort = "7070"

// Run runs one shard of sc: it registers with the coordinator (shard 0
// starts it), runs every repetition at the time the coordinator
// broadcasts, redoes the repetitions the coordinator says to, and stores
// its part as an ordinary run with its shard record. Shard 0 then waits
// for every shard to finish and, with Merge, merges the parts. The error
// is the part's (wrapping ErrAborted when the coordination aborted the
// run, runner.ErrInterrupted after Ctrl-C).
func Run(ctx context.Context, sc *scenarios.Scenario, opts Options) (*Result, error) {
	sh := opts.Shard
	switch {
	case !sh.Active():
		return nil, errors.New("shard: a sharded run needs at least two shards")
	case opts.Runner.Store == nil:
		return nil, errors.New("shard: no results store")
	case opts.Runner.Raw:
		return nil, errors.New("raw results (--raw) are not written by shards yet: run the shards without --raw")
	case opts.Coordinator == "":
		return nil, fmt.Errorf("shard %d of %d needs the coordinator's address (shard 0's host and port): give --coordinator or HOTBENCH_COORDINATOR", sh.Index, sh.Count)
	}
	if err := sh.Check(sc); err != nil {
		return nil, err
	}
	note := func(msg string) {
		if w := opts.Runner.Progress; w != nil {
			fmt.Fprintf(w, "shard %d/%d: %s\n", sh.Index, sh.Count, msg)
		}
	}
	register := opts.RegisterTimeout
	if register <= 0 {
		register = 2 * time.Minute
	}
	deadline := time.Now().Add(register)
	hash := scenarios.Hash(sc)
	addr := withPort(opts.Coordinator)

	var coordDone chan Outcome
	if sh.Index == 0 {
		listen := opts.Listen
		if listen == "" {
			listen = listenAddress(addr)
		}
		l := sc.Load
		coord, err := Listen(listen, CoordinatorConfig{
			Count: sh.Count, Hash: hash, RunID: opts.RunID,
			Runs: sc.Runs, Retries: l.Retries,
			RegisterTimeout: register, FirstLead: opts.FirstLead,
			Repetition: l.Warmup.D() + l.Window() + l.Timeout.D(),
			Note:       note,
		})
		if err != nil {
			return nil, err
		}
		note(fmt.Sprintf("coordinating run %s on %s", coord.RunID(), coord.Addr()))
		coordDone = make(chan Outcome, 1)
		go func() { coordDone <- coord.Serve(ctx) }()
		addr = dialAddress(coord.Addr())
	}
	res := &Result{}
	outcome := func() {
		if coordDone != nil {
			o := <-coordDone
			res.Outcome = &o
		}
	}

	host, _ := os.Hostname()
	cl, err := Dial(ctx, addr, sh.Index, sh.Count, hash, host, deadline)
	if err != nil {
		outcome()
		return res, err
	}
	res.Offset, res.RTT = cl.Offset, cl.RTT
	runCtx := cl.Watch(ctx)

	ropts := opts.Runner
	label := ropts.Label
	ropts.Label = PartLabel(label, sh)
	ropts.Shard = sh
	var next time.Time
	ropts.StartAt = func(int) time.Time { return next }
	sess, err := runner.Begin(runCtx, sc, ropts)
	if err != nil {
		err = shardError(ctx, runCtx, err)
		cl.Finished("", false, err)
		outcome()
		return res, err
	}
	part := sess.Run()
	part.Shard = &results.ShardPart{
		Index: sh.Index, Count: sh.Count, RunID: cl.RunID, Label: label, Coordinator: opts.Coordinator,
		ClockOffset: cl.Offset.Seconds(), RTT: cl.RTT.Seconds(),
	}
	if err := sess.Save(); err != nil {
		cl.Finished(part.Dir, false, err)
		outcome()
		return res, err
	}
	note(fmt.Sprintf("registered in run %s: clock offset to shard 0 %v (round trip %v)", cl.RunID, cl.Offset, cl.RTT))

	var runErr error
	valid, reasons := true, []string(nil)
	for step := 1; ; step++ {
		at, retry, err := cl.Ready(runCtx, step, valid, reasons)
		if err != nil {
			runErr = err
			break
		}
		if at.IsZero() {
			break // done
		}
		next = at
		rep, err := sess.Repetition(runCtx, retry)
		if err != nil {
			runErr = err
			break
		}
		valid, reasons = rep.Valid(), rep.Reasons()
	}
	if runErr != nil {
		runErr = shardError(ctx, runCtx, runErr)
	}
	run, err := sess.Finish(runErr)
	res.Part = run
	if run != nil {
		cl.Finished(run.Dir, run.Complete, err)
	} else {
		cl.Finished(part.Dir, false, err)
	}
	outcome()
	if res.Outcome != nil && opts.Merge {
		res.Merged, res.MergeErr = mergeOutcome(opts.Runner.Store, sc.Name, *res.Outcome, label)
	}
	return res, err
}

// shardError is the error of a shard whose run stopped with err: the
// abort when the coordination aborted it (the runner saw only its
// context cancelled), an interruption after Ctrl-C.
func shardError(parent, runCtx context.Context, err error) error {
	if cause := context.Cause(runCtx); errors.Is(cause, ErrAborted) && parent.Err() == nil {
		return cause
	}
	if parent.Err() != nil && !errors.Is(err, runner.ErrInterrupted) {
		return fmt.Errorf("%w: %v", runner.ErrInterrupted, err)
	}
	return err
}

// mergeOutcome merges the parts of a finished sharded run when this
// machine can read them all: those the shards reported and any found in
// store by the run's id (a shard that died leaves a folder there too).
func mergeOutcome(store *results.Store, scenario string, o Outcome, label string) (*results.Run, error) {
	parts, err := FindParts(store, scenario, o.RunID)
	if err != nil {
		return nil, err
	}
	have := map[int]bool{}
	for _, p := range parts {
		have[p.Shard.Index] = true
	}
	var unreadable []string
	for _, i := range slices.Sorted(maps.Keys(o.Parts)) {
		r := o.Parts[i]
		if have[i] || r.Dir == "" {
			continue
		}
		p, err := results.Load(r.Dir)
		if err != nil || p.Shard == nil || p.Shard.RunID != o.RunID {
			unreadable = append(unreadable, fmt.Sprintf("shard %d (%s)", i, r.Dir))
			continue
		}
		parts = append(parts, p)
	}
	if len(unreadable) > 0 {
		return nil, fmt.Errorf("the parts of %s are not readable here: put every shard's results on one volume, or copy the part folders together and run hotbench merge on them", joinList(unreadable))
	}
	merged, err := Merge(parts, MergeOptions{Label: label, Failures: o.Failed})
	if err != nil {
		return nil, err
	}
	if err := Store(store, merged, parts); err != nil {
		return nil, err
	}
	return merged, nil
}

// withPort adds DefaultPort to an address that names no port.
func withPort(addr string) string {
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return net.JoinHostPort(addr, DefaultPort)
	}
	return addr
}

// listenAddress is where shard 0 listens for the coordinator address the
// shards dial: the address itself when its host is a loopback address,
// else the port on every interface (in Kubernetes the address is the
// headless service's name of pod 0).
func listenAddress(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() || host == "localhost" {
		return addr
	}
	return ":" + port
}

// dialAddress turns a listener's address into one shard 0 can dial.
func dialAddress(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		return net.JoinHostPort("127.0.0.1", port)
	}
	return addr
}

func joinList(s []string) string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	}
	out := s[0]
	for _, x := range s[1 : len(s)-1] {
		out += ", " + x
	}
	return out + " and " + s[len(s)-1]
}

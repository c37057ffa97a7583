package shard

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/hotbench/hotbench/runner"
)

// Parse reads a shard written I/N ("2/4": shard 2 of 4, counting from 0).
func Parse(s string) (runner.Shard, error) {
	i, n, ok := strings.Cut(strings.TrimSpace(s), "/")
	index, err1 := strconv.Atoi(i)
	count, err2 := strconv.Atoi(n)
	if !ok || err1 != nil || err2 != nil || count < 1 || index < 0 || index >= count {
		return runner.Shard{}, fmt.Errorf("shard %q: write it I/N with 0 <= I < N, like 0/4 for the first of four", s)
	}
	return runner.Shard{Index: index, Count: count}, nil
}

// FromIndex is shard index of count, where index is the text of an
// environment variable such as JOB_COMPLETION_INDEX (name, for the
// message).
func FromIndex(name, index string, count int) (runner.Shard, error) {
	if count < 1 {
		return runner.Shard{}, fmt.Errorf("--shards %d: there must be at least one shard", count)
	}
	if index == "" {
		return runner.Shard{}, fmt.Errorf("--shards %d needs this shard's index: give --shard I/%d, run under a Kubernetes Indexed Job (which sets %s), or add --local to start all %d here", count, count, name, count)
	}
	i, err := strconv.Atoi(index)
	if err != nil || i < 0 || i >= count {
		return runner.Shard{}, fmt.Errorf("%s=%q is not a shard index from 0 to %d", name, index, count-1)
	}
	return runner.Shard{Index: i, Count: count}, nil
}

// PartLabel is the label of shard sh's part of a run labelled label:
// "before-shard-2-of-4", or "shard-2-of-4" without a label.
func PartLabel(label string, sh runner.Shard) string {
	suffix := fmt.Sprintf("shard-%d-of-%d", sh.Index, sh.Count)
	if label == "" {
		return suffix
	}
	return label + "-" + suffix
}

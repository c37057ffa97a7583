package profiles

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/google/pprof/profile"
)

// SyntaxError is a malformed line of folded stacks.
type SyntaxError struct {
	Line int
	Msg  string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("folded stacks: line %d: %s", e.Line, e.Msg) }

// maxFoldedLine bounds one stack line; deep recursion in a JIT can make lines
// of tens of KB, but not of megabytes.
const maxFoldedLine = 4 << 20

// ParseFolded reads folded stacks, one stack per line, root first, frames
// separated by ";" and the sample count after the last space:
//
//	main;handle;manuals.(*Store).StepsFor 42
//
// as py-spy --format raw, rbspy --format collapsed, async-profiler's collapsed
// output and stackcollapse-perf.pl write them. Blank lines and lines starting
// with # are skipped. The profile has one sample type, samples/count, one
// Location and Function per distinct frame name, and one Sample per distinct
// stack.
func ParseFolded(r io.Reader) (*profile.Profile, error) {
	p := &profile.Profile{
		SampleType: []*profile.ValueType{{Type: "samples", Unit: "count"}},
		// A period type lets profile.Merge combine converted profiles; the
		// sampling rate itself is unknown, so one sample stands for itself.
		PeriodType: &profile.ValueType{Type: "samples", Unit: "count"},
		Period:     1,
	}
	locs := map[string]*profile.Location{}
	samples := map[string]*profile.Sample{}
	var total int64

	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxFoldedLine)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		cut := strings.LastIndexAny(text, " \t")
		if cut < 0 {
			return nil, &SyntaxError{line, "want frames then a sample count, like a;b;c 42"}
		}
		stack, countText := strings.TrimSpace(text[:cut]), text[cut+1:]
		count, err := strconv.ParseInt(countText, 10, 64)
		if err != nil || count < 0 {
			return nil, &SyntaxError{line, fmt.Sprintf("sample count %q is not a whole number >= 0", countText)}
		}
		if total > math.MaxInt64-count {
			return nil, &SyntaxError{line, "sample counts add up beyond 2^63"}
		}
		total += count

		frames := strings.Split(stack, ";")
		for i, name := range frames {
			if frames[i] = strings.TrimSpace(name); frames[i] == "" {
				return nil, &SyntaxError{line, fmt.Sprintf("frame %d is empty", i+1)}
			}
		}
		key := strings.Join(frames, ";")
		if s := samples[key]; s != nil {
			s.Value[0] += count
			continue
		}
		s := &profile.Sample{Value: []int64{count}, Location: make([]*profile.Location, len(frames))}
		for i, name := range frames {
			loc := locs[name]
			if loc == nil {
				fn := &profile.Function{ID: uint64(len(p.Function) + 1), Name: name, SystemName: name}
				loc = &profile.Location{ID: uint64(len(p.Location) + 1), Line: []profile.Line{{Function: fn}}}
				p.Function = append(p.Function, fn)
				p.Location = append(p.Location, loc)
				locs[name] = loc
			}
			s.Location[len(frames)-1-i] = loc // pprof wants the leaf first
		}
		samples[key] = s
		p.Sample = append(p.Sample, s)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, &SyntaxError{line + 1, fmt.Sprintf("line longer than %d MB", maxFoldedLine>>20)}
		}
		return nil, fmt.Errorf("folded stacks: %w", err)
	}
	if len(p.Sample) == 0 {
		return nil, errors.New("folded stacks: no stacks found")
	}
	if err := p.CheckValid(); err != nil {
		return nil, fmt.Errorf("folded stacks: %w", err)
	}
	return p, nil
}

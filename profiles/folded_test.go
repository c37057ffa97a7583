package profiles

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/pprof/profile"
)

// foldedOf writes a profile's first sample value back as sorted folded
// stacks, root first, so tests can state profiles as text.
func foldedOf(p *profile.Profile) string {
	var lines []string
	for _, s := range p.Sample {
		var frames []string
		for i := len(s.Location) - 1; i >= 0; i-- {
			names := frameNames(s.Location[i])
			for j := len(names) - 1; j >= 0; j-- {
				frames = append(frames, names[j])
			}
		}
		lines = append(lines, fmt.Sprintf("%s %d\n", strings.Join(frames, ";"), s.Value[0]))
	}
	slices.Sort(lines)
	return strings.Join(lines, "")
}

func TestParseFolded(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{
			name: "stacks are root first and the count follows the last space",
			in:   "main;serve;hot 30\nmain;serve;cold 10\n",
			want: "main;serve;cold 10\nmain;serve;hot 30\n",
		},
		{
			name: "the same stack twice is one sample with the counts added",
			in:   "a;b 1\na;b 2\n",
			want: "a;b 3\n",
		},
		{
			name: "blank lines, # comments, CRLF and a missing final newline are fine",
			in:   "# rbspy\r\n\r\na;b 1\r\n   \n# end\na;c 2",
			want: "a;b 1\na;c 2\n",
		},
		{
			name: "frame names may hold spaces and parentheses, as py-spy writes them",
			in:   "process 12:\"python app.py\";<module> (app.py:10);handler (app.py:5) 7\n",
			want: "process 12:\"python app.py\";<module> (app.py:10);handler (app.py:5) 7\n",
		},
		{
			name: "a tab may separate the count, and spaces around frames are dropped",
			in:   "a ; b\t4\n",
			want: "a;b 4\n",
		},
		{
			name: "async-profiler and perf annotations stay part of the name",
			in:   "java;Interpreter_[j];do_syscall_64_[k] 9\n",
			want: "java;Interpreter_[j];do_syscall_64_[k] 9\n",
		},
		{
			name: "recursion keeps every frame on the stack",
			in:   "main;f;f;f 2\n",
			want: "main;f;f;f 2\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParseFolded(strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if got := foldedOf(p); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
			checkFoldedProfile(t, p)
		})
	}
}

func TestParseFoldedMakesOneLocationPerFrameName(t *testing.T) {
	p, err := ParseFolded(strings.NewReader("main;a;hot 1\nmain;b;hot 1\nmain;hot 1\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Location) != 4 || len(p.Function) != 4 {
		t.Errorf("%d locations and %d functions for main, a, b, hot; want 4 each", len(p.Location), len(p.Function))
	}
	if got := p.SampleType[0]; got.Type != "samples" || got.Unit != "count" {
		t.Errorf("sample type %v, want samples/count", got)
	}
	if leaf := p.Sample[0].Location[0].Line[0].Function.Name; leaf != "hot" {
		t.Errorf("first location %q, want the leaf hot", leaf)
	}
}

func TestParseFoldedRejects(t *testing.T) {
	tests := []struct {
		name, in string
		line     int
		msg      string
	}{
		{"a line without a count", "a;b 1\na;b\n", 2, "want frames then a sample count"},
		{"a count that is not a number", "# c\na;b x1\n", 2, `sample count "x1"`},
		{"a negative count", "a;b -1\n", 1, `sample count "-1"`},
		{"an empty frame", "a;;b 1\n", 1, "frame 2 is empty"},
		{"a count alone", "a 1\n 7\n", 2, "want frames"},
		{"counts that overflow", "a 9223372036854775807\nb 1\n", 2, "beyond 2^63"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseFolded(strings.NewReader(tt.in))
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want a SyntaxError", err)
			}
			if se.Line != tt.line || !strings.Contains(se.Msg, tt.msg) {
				t.Errorf("err = %v, want line %d and %q", err, tt.line, tt.msg)
			}
		})
	}
	if _, err := ParseFolded(strings.NewReader("# only a comment\n\n")); err == nil {
		t.Error("input without stacks parsed; want an error")
	}
}

// checkFoldedProfile checks what every converted profile must hold: it is
// valid, survives a write and a parse, and its names are distinct.
func checkFoldedProfile(t *testing.T, p *profile.Profile) {
	t.Helper()
	if err := p.CheckValid(); err != nil {
		t.Fatalf("invalid profile: %v", err)
	}
	var buf bytes.Buffer
	if err := p.Write(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := profile.Parse(&buf)
	if err != nil {
		t.Fatalf("written profile does not parse back: %v", err)
	}
	if foldedOf(back) != foldedOf(p) {
		t.Errorf("round trip changed the stacks:\n%s\nwant\n%s", foldedOf(back), foldedOf(p))
	}
	names := map[string]bool{}
	for _, f := range p.Function {
		if names[f.Name] {
			t.Errorf("function %q appears twice", f.Name)
		}
		names[f.Name] = true
	}
	for _, s := range p.Sample {
		if len(s.Location) == 0 || s.Value[0] < 0 {
			t.Errorf("sample %v has no stack or a negative count", s)
		}
	}
}

func FuzzParseFolded(f *testing.F) {
	for _, seed := range []string{
		"main;serve;hot 30\nmain;serve;cold 10\n",
		"# c\r\na;b\t1\n\na;b 2",
		"process 1:\"x\";f (a.py:1) 3\n",
		"a;;b 1\n",
		"a 9223372036854775807\nb 1\n",
		"\x1f\x8b garbage 1\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseFolded(bytes.NewReader(data))
		if err != nil {
			var se *SyntaxError
			if errors.As(err, &se) && se.Line < 1 {
				t.Errorf("syntax error at line %d", se.Line)
			}
			return
		}
		checkFoldedProfile(t, p)
		var total int64
		for _, s := range p.Sample {
			total += s.Value[0]
		}
		if total < 0 {
			t.Errorf("total %d overflowed", total)
		}
	})
}

// FuzzDecodeProfile feeds a command's output decoder (pprof, gzipped or not,
// else folded stacks): it must never panic, and what it accepts must be a
// valid profile that can be stored.
func FuzzDecodeProfile(f *testing.F) {
	var pb bytes.Buffer
	if p, err := ParseFolded(strings.NewReader("main;hot 3\nmain;cold 1\n")); err == nil {
		p.Write(&pb)
	}
	f.Add(pb.Bytes())
	f.Add([]byte("main;hot 3\n"))
	f.Add([]byte("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"))
	f.Add([]byte("goroutine profile: total 1\n1 @ 0x1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		raw, err := inflateBounded(bytes.NewReader(data), 1<<20)
		if err != nil {
			return
		}
		p, err := decodeProfile(raw, 1<<20)
		if err != nil {
			return
		}
		if err := p.CheckValid(); err != nil {
			t.Fatalf("accepted an invalid profile: %v", err)
		}
		var buf bytes.Buffer
		if err := p.Write(&buf); err != nil {
			t.Fatalf("accepted a profile that cannot be stored: %v", err)
		}
		if _, err := profile.Parse(&buf); err != nil {
			t.Fatalf("stored profile does not parse back: %v", err)
		}
	})
}

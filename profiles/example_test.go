package profiles_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/hotbench/hotbench/profiles"
	"github.com/hotbench/hotbench/scenarios"
)

func ExampleCapture() {
	dir, err := os.MkdirTemp("", "hotbench-example-")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)

	cfg := profiles.Config{
		// A stand-in for rbspy or py-spy: it writes folded stacks to {out}.
		// A Go server would set PprofURL instead.
		Command: `printf 'main;serve;manuals.(*Store).StepsFor 80\nmain;serve;render 20\n' > {out}`,
		Kinds:   []string{"cpu"},
	}
	got, warns := profiles.Capture(context.Background(), cfg, time.Second, dir, "rep-01")
	for _, w := range warns {
		fmt.Println("warning:", w)
	}
	pattern, _ := scenarios.FunctionPattern("manuals.(*Store).StepsFor")
	for _, c := range got {
		share, _ := profiles.ShareOf(c.Profile, c.Kind, pattern)
		fmt.Printf("%s profile in %s: StepsFor has %.0f%% of the samples\n", c.Kind, c.File, share*100)
	}
	// Output:
	// cpu profile in rep-01-cpu.pb.gz: StepsFor has 80% of the samples
}

func ExampleDiff() {
	before, _ := profiles.ParseFolded(strings.NewReader("main;serve;StepsFor;query 60\nmain;serve;StepsFor 20\nmain;serve;render 20\n"))
	after, _ := profiles.ParseFolded(strings.NewReader("main;serve;StepsFor;query 2\nmain;serve;StepsFor 1\nmain;serve;render 21\n"))
	profiles.WriteSources(os.Stdout, profiles.Sources{Label: "base", Profiles: []profiles.Source{profiles.NewSource("before", before)}})
	profiles.WriteSources(os.Stdout, profiles.Sources{Label: "candidate", Profiles: []profiles.Source{profiles.NewSource("after", after)}})
	profiles.WriteDiff(os.Stdout, profiles.Diff(before, after, 0, 3))
	// Output:
	// base: 1 profile, 100 samples (before)
	// candidate: 1 profile, 24 samples (after)
	// warning: after holds 24 samples, fewer than 100: its shares are noise (more load or a longer window gives more samples)
	//  base cum% cand cum%     Δcum base flat% cand flat%    Δflat  function
	//      20.0%     87.5% +67.5 pp      20.0%      87.5% +67.5 pp  render
	//      80.0%     12.5% -67.5 pp      20.0%      4.17% -15.8 pp  StepsFor
	//      60.0%     8.33% -51.7 pp      60.0%      8.33% -51.7 pp  query
}

func ExampleTop() {
	p, _ := profiles.ParseFolded(strings.NewReader("main;serve;StepsFor;query 60\nmain;serve;StepsFor 20\nmain;serve;render 20\n"))
	profiles.WriteSources(os.Stdout, profiles.Sources{Profiles: []profiles.Source{profiles.NewSource("rep-01", p)}})
	profiles.WriteTop(os.Stdout, profiles.Top(p, 0, 3), p.SampleType[0].Unit)
	// Output:
	// 1 profile, 100 samples (rep-01)
	//  flat flat%  sum% cum  cum%  function
	//    60 60.0% 60.0%  60 60.0%  query
	//    20 20.0% 80.0%  80 80.0%  StepsFor
	//    20 20.0%  100%  20 20.0%  render
}

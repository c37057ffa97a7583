// Command abrepo writes the git repository bench/ab.sh runs hotbench ab in:
// the ab demo's small service at four commits (base, a comment-only change,
// 10 % more work, 2 ms more work), with the scenario as hotbench.yaml.
package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/hotbench/hotbench/demo"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: abrepo DIR")
		os.Exit(2)
	}
	work := time.Millisecond
	scenario := strings.NewReplacer("duration: 2s", "duration: 1s", "max_send_lag: 50ms", "max_send_lag: 100ms").Replace(demo.ABScenario)
	commits, err := demo.WriteABRepo(os.Args[1], scenario,
		demo.ABCommit{Service: demo.ABService{Work: work}, Message: "base"},
		demo.ABCommit{Service: demo.ABService{Work: work, Comment: "only a comment"}, Message: "comment only"},
		demo.ABCommit{Service: demo.ABService{Work: work * 11 / 10}, Message: "10% more work"},
		demo.ABCommit{Service: demo.ABService{Work: work + 2*time.Millisecond}, Message: "2 ms more work"},
	)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(strings.Join(commits, " "))
}

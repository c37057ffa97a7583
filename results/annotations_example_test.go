package results_test

import (
	"fmt"
	"os"
	"time"

	"github.com/hotbench/hotbench/results"
)

// An incident greys out the runs inside it: the month report asks
// InIncident for each run's start.
func ExampleStore_AddAnnotation() {
	dir, _ := os.MkdirTemp("", "results")
	defer os.RemoveAll(dir)
	store := results.Open(dir)

	start := time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC)
	end := start.Add(90 * time.Minute)
	if _, err := store.AddAnnotation(results.Annotation{
		Kind: results.AnnotationIncident, Time: start, End: &end,
		Title: "database failover", Scenarios: []string{"manual-search"},
	}); err != nil {
		fmt.Println(err)
		return
	}
	all, err := store.Annotations()
	if err != nil {
		fmt.Println(err)
		return
	}
	run := start.Add(time.Hour)
	if in := results.InIncident(all, run, "manual-search"); in != nil {
		fmt.Printf("the run at %s is in the incident %q\n", run.Format("15:04"), in.Title)
	}
	if results.InIncident(all, run, "login") == nil {
		fmt.Println("a login run at that time is not")
	}
	// Output:
	// the run at 11:00 is in the incident "database failover"
	// a login run at that time is not
}

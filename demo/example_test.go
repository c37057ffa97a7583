package demo_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"

	"github.com/hotbench/hotbench/demo"
)

// Serve the demo service with the search hotspot fixed, query it, and stop it.
func ExampleServe() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- demo.Serve(ctx, ln, demo.Fixes{demo.SearchRegexp: true}) }()

	resp, err := http.Get("http://" + ln.Addr().String() + "/api/search?q=hinge")
	if err != nil {
		fmt.Println(err)
		return
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.Status)
	fmt.Print(string(body))

	cancel()
	fmt.Println("stopped:", <-done)
	// Output:
	// 200 OK
	// [{"id":4,"title":"MacBook Pro 13\" Two Thunderbolt Ports 2019 Hinge & Display Cable Replacement","steps":28,"matching_steps":5},{"id":8,"title":"Lenovo ThinkPad X1 Carbon Gen 9 Hinge & Display Cable Replacement","steps":30,"matching_steps":5}]
	// stopped: <nil>
}

func ExampleParseFixed() {
	fixes, err := demo.ParseFixed("search-regexp,render-concat")
	fmt.Println(fixes, err)

	_, err = demo.ParseFixed("fast")
	fmt.Println(err)
	// Output:
	// search-regexp,render-concat <nil>
	// unknown hotspot "fast": use none, all, or a comma-separated list of search-regexp, render-concat, manual-n-plus-one
}

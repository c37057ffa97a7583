package redact_test

import (
	"fmt"

	"github.com/hotbench/hotbench/internal/redact"
)

func ExampleURL() {
	fmt.Println(redact.URL("http://admin:hunter2@127.0.0.1:8080/api/search?q=kitchen&api_key=abc123"))
	// Output: http://admin:REDACTED@127.0.0.1:8080/api/search?q=kitchen&api_key=REDACTED
}

func ExampleText() {
	fmt.Println(redact.Text(`Get "http://127.0.0.1:1/p?token=abc": dial tcp 127.0.0.1:1: connect: connection refused`))
	// Output: Get "http://127.0.0.1:1/p?token=REDACTED": dial tcp 127.0.0.1:1: connect: connection refused
}

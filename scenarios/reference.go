package scenarios

import _ "embed"

// Reference is the scenario format's reference: the sections of this
// package's documentation (doc.go) from "# Files" on, rendered as plain
// text, for users who only have the binary (`hotbench help scenario`).
//
// doc.go is the one source: edit it, then run
//
//	go generate ./scenarios
//
// (go test -run TestReference -update) to rewrite reference.txt.
// TestReference fails while the two differ.
//
//go:generate go test -run TestReference -update
//go:embed reference.txt
var Reference string

package scenarios

import "embed"

// Examples holds the shipped example scenarios, examples/*.yaml; load one
// with LoadFS(Examples, "examples/basic.yaml", nil).
//
//go:embed examples/*.yaml
var Examples embed.FS

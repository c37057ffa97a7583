package scenarios

import "embed"

// Examples holds the shipped example scenarios, examples/*.yaml, and the
// data files they read (examples/*.csv); load one with LoadFS(Examples,
// "examples/basic.yaml", nil).
//
//go:embed examples/*.yaml examples/*.csv
var Examples embed.FS

// Package layers holds no code: its test keeps hotbench's packages to the
// import direction that docs/design.md draws, so the layering is kept by the
// build and not by memory.
package layers

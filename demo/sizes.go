package demo

import "strconv"

// Size classes of the manuals by their number of steps, as the demo
// scenario's data file (scenarios/examples/manuals.csv) groups them: the
// N+1 hotspot costs a store round trip a step, so it shows most in large
// manuals.
const (
	SizeSmall  = "small"  // up to 22 steps
	SizeMedium = "medium" // 23 to 59 steps
	SizeLarge  = "large"  // 60 steps or more
)

// SizeOf is the size class of a manual with n steps.
func SizeOf(n int) string {
	switch {
	case n >= 60:
		return SizeLarge
	case n >= 23:
		return SizeMedium
	}
	return SizeSmall
}

// ManualsCSV is the demo scenario's data file: a header row, then each
// manual's id and size class, in id order.
func ManualsCSV() string {
	s := "id,size\n"
	for i, n := range stepCounts {
		s += strconv.Itoa(i+1) + "," + SizeOf(n) + "\n"
	}
	return s
}

// Package sequential is the statistics of hotbench ab: the blocked t-test
// of a candidate against a base measured in interleaved ABBA/BAAB blocks.
// Pure functions, no I/O.
package sequential

package results

// What the tests in package results_test need of the package and of its
// in-package tests.

var (
	DecodeRun = decodeRun
	Quantiles = quantiles
	Child     = child
	ChildDone = childDone
)

const (
	RunFile  = runFile
	ChildEnv = childEnv
)

// Helpers of the in-package tests that the external ones share.
var (
	MustCreate   = mustCreate
	WriteRunJSON = writeRunJSON
)

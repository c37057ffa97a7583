//go:build !unix

package scenarios

import "os"

// openFile opens p for reading.
func openFile(p string) (readStater, error) { return os.Open(p) }

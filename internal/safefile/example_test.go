package safefile_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/hotbench/hotbench/internal/safefile"
)

// A command writes its --out with Write: a file is replaced atomically, "-"
// goes to the command's standard output, a FIFO or /dev/stdout is written
// into, a folder is refused.
func ExampleWrite() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	render := func(w io.Writer) error {
		_, err := fmt.Fprintln(w, "<h1>November</h1>")
		return err
	}
	for _, out := range []string{filepath.Join(dir, "month.html"), "-", dir} {
		err := safefile.Write(out, render, safefile.Stdout(os.Stdout))
		if errors.Is(err, safefile.ErrFolder) {
			fmt.Println("refused: the path names a folder")
		}
	}
	b, _ := os.ReadFile(filepath.Join(dir, "month.html"))
	fmt.Print("month.html: ", string(b))
	// Output:
	// <h1>November</h1>
	// refused: the path names a folder
	// month.html: <h1>November</h1>
}

// A read-modify-write of a shared file holds a lock around it.
func ExampleLockFile() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	l, err := safefile.LockFile(context.Background(), filepath.Join(dir, ".lock"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer l.Unlock()
	err = safefile.WriteFile(filepath.Join(dir, "baselines.json"), []byte("{}\n"), 0o644, safefile.RegularOnly())
	fmt.Println(err)
	// Output:
	// <nil>
}

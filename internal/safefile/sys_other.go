//go:build !unix

package safefile

import (
	"io/fs"
	"os"
)

func checkWritable(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if fi.Mode().Perm()&0o200 == 0 {
		return &fs.PathError{Op: "write", Path: path, Err: fs.ErrPermission}
	}
	return nil
}

func keepOwner(*os.File, fs.FileInfo) {}

//go:build !unix

package store

import (
	"io/fs"
	"os"
)

// Without access(2) the mode bits are the best guess.
func canWrite(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().Perm()&0o200 != 0
}
func canRead(string) bool { return true }

func describe(fi fs.FileInfo) string { return "mode " + fi.Mode().Perm().String() }

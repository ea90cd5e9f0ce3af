//go:build unix

package store

import (
	"fmt"
	"io/fs"
	"syscall"
)

// canWrite and canRead ask the kernel, which knows this process's user,
// groups and capabilities better than the mode bits do (access(2)).
func canWrite(path string) bool { return syscall.Access(path, 0x2) == nil } // W_OK
func canRead(path string) bool  { return syscall.Access(path, 0x4) == nil } // R_OK

// describe says who owns a file and its mode, to set beside the user id
// that was refused.
func describe(fi fs.FileInfo) string {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return fmt.Sprintf("owner user id %d, group id %d, mode %s", st.Uid, st.Gid, fi.Mode().Perm())
	}
	return "mode " + fi.Mode().Perm().String()
}

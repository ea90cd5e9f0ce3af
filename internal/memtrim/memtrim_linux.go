package memtrim

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// releaseExecutable drops the executable's read-only file mappings (code,
// read-only data, function tables) from the process's page tables, after
// marking their pages cold (madvise(2)):
//
//   - MADV_COLD (Linux 5.4) moves the pages to the inactive list, first in
//     line when the kernel or the container's memory limit needs room, and
//     no longer counted as the container's working set (docker stats).
//   - MADV_DONTNEED unmaps them: they leave the RSS. The next access reads
//     them again from the file, through the page cache. (MADV_PAGEOUT would
//     also free the page cache, but the kernel allows that only to the
//     file's owner or root, and the container runs as neither.)
//
// DONTNEED is lossless only where the mapping holds nothing but the file's
// own bytes: a mapping with private copies of pages (the relocated read-only
// data of a position-independent build) is left alone, as are writable ones.
//
// A mapping is the executable's if its device and inode are the file's, or
// its path is: on overlayfs (a container's root) the kernel may show the
// inode of the layer below, and a binary replaced on disk shows the same
// "(deleted)" path in both places.
func releaseExecutable() (int64, error) {
	ms, err := executableMappings()
	if err != nil {
		return 0, err
	}
	var (
		advised int64
		errs    []error
	)
	for _, m := range ms {
		if m.writable || m.anonymous > 0 {
			continue
		}
		if err := drop(m.start, m.end); err != nil {
			errs = append(errs, err)
			continue
		}
		advised += int64(m.end - m.start)
	}
	return advised, errors.Join(errs...)
}

// drop marks the pages of [start, end) cold and unmaps them. COLD comes
// first: once unmapped, the pages can no longer be named. A kernel before
// 5.4 refuses COLD; DONTNEED still does the most.
func drop(start, end uintptr) error {
	_, _, _ = unix.Syscall(unix.SYS_MADVISE, start, end-start, unix.MADV_COLD)
	if _, _, e := unix.Syscall(unix.SYS_MADVISE, start, end-start, unix.MADV_DONTNEED); e != 0 {
		return fmt.Errorf("memtrim: madvise(MADV_DONTNEED) %x-%x: %w", start, end, e)
	}
	return nil
}

// executableMappings are the mappings of the running executable's file.
func executableMappings() ([]mapping, error) {
	var st syscall.Stat_t
	if err := syscall.Stat("/proc/self/exe", &st); err != nil {
		return nil, fmt.Errorf("memtrim: stat /proc/self/exe: %w", err)
	}
	exe, _ := os.Readlink("/proc/self/exe") // "": matched by inode only
	smaps, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		return nil, fmt.Errorf("memtrim: %w", err)
	}
	var out []mapping
	for _, m := range parseSmaps(smaps) {
		if (m.inode == st.Ino && m.dev == uint64(st.Dev)) || (exe != "" && m.path == exe) {
			out = append(out, m)
		}
	}
	return out, nil
}

// mapping is one mapping of /proc/self/smaps (proc(5)).
type mapping struct {
	start, end uintptr
	writable   bool
	dev        uint64
	inode      uint64
	path       string // "" for an anonymous mapping
	anonymous  int64  // kB of private (copied-on-write or anonymous) pages
}

// parseSmaps reads /proc/PID/smaps: per mapping a header line like the
// maps file's ("start-end perms offset major:minor inode path") and then
// "Key: value" lines, of which Anonymous is kept. Lines it cannot read are
// skipped; a mapping whose Anonymous line is unreadable is treated as
// holding private pages, so it is left alone.
func parseSmaps(b []byte) []mapping {
	var (
		out []mapping
		cur *mapping
	)
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if strings.HasSuffix(f[0], ":") {
			if cur != nil && f[0] == "Anonymous:" {
				cur.anonymous = -1
				if len(f) >= 2 {
					if n, err := strconv.ParseInt(f[1], 10, 64); err == nil {
						cur.anonymous = n
					}
				}
				if cur.anonymous < 0 {
					cur.anonymous = 1
				}
			}
			continue
		}
		m, ok := parseHeader(line, f)
		if !ok {
			cur = nil
			continue
		}
		m.anonymous = 1 // until an Anonymous line says otherwise
		out = append(out, m)
		cur = &out[len(out)-1]
	}
	return out
}

// parseHeader reads a maps line (f are its fields).
func parseHeader(line string, f []string) (mapping, bool) {
	if len(f) < 5 {
		return mapping{}, false
	}
	lo, hi, ok1 := strings.Cut(f[0], "-")
	major, minor, ok2 := strings.Cut(f[3], ":")
	start, err1 := strconv.ParseUint(lo, 16, 64)
	end, err2 := strconv.ParseUint(hi, 16, 64)
	maj, err3 := strconv.ParseUint(major, 16, 32)
	mnr, err4 := strconv.ParseUint(minor, 16, 32)
	inode, err5 := strconv.ParseUint(f[4], 10, 64)
	if errors.Join(err1, err2, err3, err4, err5) != nil || !ok1 || !ok2 || end <= start || len(f[1]) < 2 {
		return mapping{}, false
	}
	return mapping{
		start:    uintptr(start),
		end:      uintptr(end),
		writable: f[1][1] == 'w',
		dev:      unix.Mkdev(uint32(maj), uint32(mnr)),
		inode:    inode,
		path:     pathField(line),
	}, true
}

// pathField is what follows the fifth field of a maps line: the path, which
// may hold spaces ("" for an anonymous mapping).
func pathField(line string) string {
	rest := line
	for range 5 {
		rest = strings.TrimLeft(rest, " \t")
		i := strings.IndexAny(rest, " \t")
		if i < 0 {
			return ""
		}
		rest = rest[i:]
	}
	return strings.TrimSpace(rest)
}

// rss is the process's VmRSS in bytes, or 0 if /proc says nothing.
func rss() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}

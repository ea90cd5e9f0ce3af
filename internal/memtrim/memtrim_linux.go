package memtrim

import (
	"bufio"
	"bytes"
	"debug/elf"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// releaseExecutable drops the executable's read-only file mappings (code,
// read-only data, function tables) from the process's page tables, after
// marking their pages cold (madvise(2)):
//
//   - MADV_COLD (Linux 5.4) moves the pages to the inactive list, first in
//     line when the kernel or the container's memory limit needs room, and
//     no longer counted in the container's working set (memory use minus
//     inactive file pages: docker stats, the kubelet).
//   - MADV_DONTNEED drops them from the page tables: they leave the RSS.
//     The next access maps them again from the file, through the page
//     cache. (MADV_PAGEOUT would also free the page cache, but the kernel
//     allows that only to root, the file's owner or a process that may
//     write it, and the container's process is none of them.)
//
// DONTNEED is lossless only where the mapping holds nothing but the file's
// own bytes. Left alone: writable mappings; any part of the file the dynamic
// loader writes before making it read-only (PT_GNU_RELRO: the relocated
// data of a position-independent or dynamically linked build); a mapping
// holding private copies of pages, in memory (Anonymous) or swapped out
// (Swap). An executable with text relocations is not touched at all.
//
// A mapping is the executable's if its device and inode are the file's, or
// its path is: on overlayfs (a container's root) the kernel may show the
// inode of the layer below, and a binary replaced on disk shows the same
// "(deleted)" path in both places.
func releaseExecutable() (int64, error) {
	relro, err := loaderWritten()
	if err != nil {
		return 0, err
	}
	ms, err := executableMappings()
	if err != nil {
		return 0, err
	}
	var (
		advised int64
		errs    []error
	)
	for _, m := range ms {
		if m.writable || m.private != 0 || m.overlaps(relro) {
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

// drop marks the pages of [start, end) cold and drops them from the page
// tables. COLD comes first: once dropped, the pages can no longer be named.
// A kernel before 5.4 refuses COLD; DONTNEED still does the most.
func drop(start, end uintptr) error {
	_, _, _ = unix.Syscall(unix.SYS_MADVISE, start, end-start, unix.MADV_COLD)
	if _, _, e := unix.Syscall(unix.SYS_MADVISE, start, end-start, unix.MADV_DONTNEED); e != 0 {
		return fmt.Errorf("memtrim: madvise(MADV_DONTNEED) %x-%x: %w", start, end, e)
	}
	return nil
}

// fileRange is a part of the executable's file, [off, end).
type fileRange struct{ off, end uint64 }

// loaderWritten returns the parts of the executable's file that the dynamic
// loader writes to after mapping them (PT_GNU_RELRO segments), read once
// from its ELF headers; an error when the file cannot be read or has text
// relocations (the loader then writes to code as well).
var loaderWritten = sync.OnceValues(func() ([]fileRange, error) {
	f, err := elf.Open("/proc/self/exe")
	if err != nil {
		return nil, fmt.Errorf("memtrim: read the executable's ELF headers: %w", err)
	}
	defer f.Close()
	var out []fileRange
	for _, p := range f.Progs {
		if p.Type == elf.PT_GNU_RELRO {
			out = append(out, fileRange{p.Off, p.Off + p.Filesz})
		}
	}
	if textrel, _ := f.DynValue(elf.DT_TEXTREL); len(textrel) > 0 {
		return nil, errors.New("memtrim: the executable has text relocations")
	}
	if flags, _ := f.DynValue(elf.DT_FLAGS); len(flags) > 0 && flags[0]&uint64(elf.DF_TEXTREL) != 0 {
		return nil, errors.New("memtrim: the executable has text relocations")
	}
	return out, nil
})

// overlaps reports whether m maps any byte of rs.
func (m mapping) overlaps(rs []fileRange) bool {
	end := m.offset + uint64(m.end-m.start)
	for _, r := range rs {
		if m.offset < r.end && r.off < end {
			return true
		}
	}
	return false
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
	offset     uint64 // where in the file the mapping starts
	path       string // "" for an anonymous mapping
	// private is the kB of private (copied-on-write or anonymous) pages, in
	// memory or swapped out; -1 when smaps did not say.
	private int64
}

// parseSmaps reads /proc/PID/smaps: per mapping a header line like the
// maps file's ("start-end perms offset major:minor inode path") and then
// "Key: value kB" lines, of which Anonymous and Swap (private pages in
// memory and swapped out) are kept. Lines it cannot read are skipped; a
// mapping without both lines, or with one unreadable, is taken to hold
// private pages (private -1), so it is left alone.
func parseSmaps(b []byte) []mapping {
	var (
		out  []mapping
		cur  *mapping
		seen int // of Anonymous and Swap, for cur
	)
	finish := func() {
		if cur != nil && seen != 2 {
			cur.private = -1
		}
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if strings.HasSuffix(f[0], ":") {
			if cur == nil || (f[0] != "Anonymous:" && f[0] != "Swap:") || cur.private < 0 {
				continue
			}
			n, err := int64(-1), errors.New("no value")
			if len(f) >= 2 {
				n, err = strconv.ParseInt(f[1], 10, 64)
			}
			if err != nil || n < 0 {
				cur.private = -1
				continue
			}
			cur.private += n
			seen++
			continue
		}
		finish()
		m, ok := parseHeader(line, f)
		if !ok {
			cur = nil
			continue
		}
		out = append(out, m)
		cur, seen = &out[len(out)-1], 0
	}
	finish()
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
	offset, err6 := strconv.ParseUint(f[2], 16, 64)
	if errors.Join(err1, err2, err3, err4, err5, err6) != nil || !ok1 || !ok2 || end <= start || len(f[1]) < 2 {
		return mapping{}, false
	}
	return mapping{
		start:    uintptr(start),
		end:      uintptr(end),
		writable: f[1][1] == 'w',
		dev:      unix.Mkdev(uint32(maj), uint32(mnr)),
		inode:    inode,
		offset:   offset,
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

package memtrim

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

func TestParseSmaps(t *testing.T) {
	in := []byte(`00400000-00dc4000 r-xp 00000000 fd:01 1234567                            /usr/local/bin/reelpost
Size:               9996 kB
Rss:                8392 kB
Anonymous:             0 kB
AnonHugePages:       512 kB
Swap:                  0 kB
VmFlags: rd ex mr mw me dw
00dc4000-01897000 r--p 009c4000 fd:01 1234567                            /usr/local/bin/reelpost
Rss:                8136 kB
Anonymous:            12 kB
Swap:                  0 kB
00e00000-00e10000 r--p 00a00000 fd:01 1234567                            /usr/local/bin/reelpost
Anonymous:             0 kB
Swap:                 64 kB
01897000-01a18000 rw-p 01497000 fd:01 1234567                            /usr/local/bin/reelpost
Anonymous:           700 kB
Swap:                  0 kB
01a18000-03a67000 rw-p 00000000 00:00 0
Anonymous:             0 kB
7f5d9de1c000-7f5d9de24000 rw-s 00000000 00:2a 99                         /data/reel post.db-shm
Anonymous:             0 kB
Swap:                  0 kB
7f00-7e00 r--p 00000000 00:00 0
garbage
7ffc6aea6000-7ffc6aec7000 rw-p 00000000 00:00 0                          [stack]
Anonymous:           x kB
Swap:                  0 kB
`)
	got := parseSmaps(in)
	dev := unix.Mkdev(0xfd, 1)
	want := []mapping{
		{0x400000, 0xdc4000, false, dev, 1234567, 0, "/usr/local/bin/reelpost", 0},
		{0xdc4000, 0x1897000, false, dev, 1234567, 0x9c4000, "/usr/local/bin/reelpost", 12},
		{0xe00000, 0xe10000, false, dev, 1234567, 0xa00000, "/usr/local/bin/reelpost", 64}, // swapped out
		{0x1897000, 0x1a18000, true, dev, 1234567, 0x1497000, "/usr/local/bin/reelpost", 700},
		{0x1a18000, 0x3a67000, true, 0, 0, 0, "", -1}, // no Swap line: unknown
		{0x7f5d9de1c000, 0x7f5d9de24000, true, unix.Mkdev(0, 0x2a), 99, 0, "/data/reel post.db-shm", 0},
		{0x7ffc6aea6000, 0x7ffc6aec7000, true, 0, 0, 0, "[stack]", -1}, // unreadable: unknown
	}
	if len(got) != len(want) {
		t.Fatalf("parsed %d mappings, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("mapping %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

// TestLoaderWrittenPartsAreKept: a mapping over any byte of a PT_GNU_RELRO
// segment (data the dynamic loader relocated in place) is not dropped.
func TestLoaderWrittenPartsAreKept(t *testing.T) {
	relro := []fileRange{{off: 0x9c4000, end: 0x9c8000}}
	for _, tc := range []struct {
		m    mapping
		want bool
	}{
		{mapping{start: 0x400000, end: 0xdc4000, offset: 0}, false},         // code, before it
		{mapping{start: 0xdc4000, end: 0xdc5000, offset: 0x9c3000}, false},  // ends where it starts
		{mapping{start: 0xdc4000, end: 0xdc6000, offset: 0x9c3000}, true},   // runs into it
		{mapping{start: 0xdc4000, end: 0xdc5000, offset: 0x9c7000}, true},   // inside
		{mapping{start: 0xdc4000, end: 0xdcf000, offset: 0x9c8000}, false},  // after it
		{mapping{start: 0x1000000, end: 0x2000000, offset: 0x9c0000}, true}, // covers it
	} {
		if got := tc.m.overlaps(relro); got != tc.want {
			t.Errorf("%+v overlaps %v = %v, want %v", tc.m, relro, got, tc.want)
		}
	}
	rs, err := loaderWritten()
	if err != nil {
		t.Fatalf("this test binary's ELF headers: %v", err)
	}
	t.Logf("this test binary's loader-written ranges: %v", rs)
}

// TestDropUnmapsFilePages: a read-only private mapping of a file, every
// page read, is no longer resident after drop, and reads back the file's
// bytes: what happens to the executable's code and tables.
func TestDropUnmapsFilePages(t *testing.T) {
	page := os.Getpagesize()
	data := make([]byte, 64*page)
	for i := range data {
		data[i] = byte(i * 7)
	}
	path := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	mem, err := unix.Mmap(int(f.Fd()), 0, len(data), unix.PROT_READ, unix.MAP_PRIVATE)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Munmap(mem)
	var got, want int
	for i := 0; i < len(mem); i += page {
		got += int(mem[i])
		want += int(data[i])
	}
	if got != want {
		t.Fatalf("the mapping reads %d, the file holds %d", got, want)
	}
	start := uintptr(unsafe.Pointer(&mem[0]))
	if n := presentPages(t, start, start+uintptr(len(mem))); n != 64 {
		t.Fatalf("%d of 64 pages present after reading them all", n)
	}
	if err := drop(start, start+uintptr(len(mem))); err != nil {
		t.Fatal(err)
	}
	if n := presentPages(t, start, start+uintptr(len(mem))); n != 0 {
		t.Fatalf("%d of 64 pages still present after drop", n)
	}
	if !bytes.Equal(mem, data) {
		t.Fatal("the mapping no longer reads the file's bytes after drop")
	}
}

// TestReleaseFindsTheExecutable: Release drops this test binary's code and
// read-only data (and nothing writable), and the process's resident pages
// of it go down, as an operator sees the idle daemon's memory go down.
func TestReleaseFindsTheExecutable(t *testing.T) {
	ms, err := executableMappings()
	if err != nil {
		t.Fatal(err)
	}
	var code, writable bool
	for _, m := range ms {
		code = code || (!m.writable && m.private == 0)
		writable = writable || m.writable
	}
	if !code || !writable {
		t.Fatalf("the executable's mappings were not all found (read-only clean: %v, writable: %v): %+v", code, writable, ms)
	}
	before := residentExecutable(t)
	res, err := Release()
	if err != nil {
		t.Fatalf("Release: %v", err)
	}
	after := residentExecutable(t)
	t.Logf("the executable's resident read-only pages: %d kB -> %d kB; %v", before, after, res)
	if res.Advised == 0 || res.Before == 0 || res.After == 0 {
		t.Fatalf("Release reported %+v", res)
	}
	// Code that runs after the release maps its pages again, 64 kB around
	// each, so the count comes back partly; it cannot come back whole.
	if after >= before {
		t.Fatalf("the executable's resident pages went from %d kB to %d kB: nothing dropped", before, after)
	}
}

// TestTrimmerSkipsWhenNothingGrew: a second release with the resident set
// barely changed is skipped; with no minimum it is done again.
func TestTrimmerSkipsWhenNothingGrew(t *testing.T) {
	tr := &Trimmer{MinGrowth: 1 << 40}
	if _, done, err := tr.Release(); !done || err != nil {
		t.Fatalf("first release: done %v, %v", done, err)
	}
	if res, done, _ := tr.Release(); done {
		t.Fatalf("second release done with the resident set grown by %d bytes of a 1 TiB minimum", res.Before-tr.after)
	}
	tr.MinGrowth = 0
	if _, done, err := tr.Release(); !done || err != nil {
		t.Fatalf("release without a minimum: done %v, %v", done, err)
	}
}

// TestTrimmerCountsIdleGrowthFromWhereItSettled: while the program stays
// idle, growth is counted from where the resident set stood at the first
// Idle call after a release, not from the low point after it: memory the
// idle work brought back by then is not released again, memory it takes
// on later is.
func TestTrimmerCountsIdleGrowthFromWhereItSettled(t *testing.T) {
	const grow = 32 << 20
	tr := &Trimmer{MinGrowth: grow / 2}
	if _, done, err := tr.Release(); !done || err != nil {
		t.Fatalf("first release: done %v, %v", done, err)
	}
	// What the idle work brings back after the release: 24 MiB written to.
	back := touch(grow * 3 / 4)
	if res, done, _ := tr.Idle(); done {
		t.Fatalf("the first idle call released, with the resident set %d bytes over the low point after the release",
			res.Before-tr.after)
	}
	if res, done, _ := tr.Idle(); done {
		t.Fatalf("an idle call released with the resident set %d bytes over where it settled", res.Before-tr.settled)
	}
	// Memory taken on since it settled: 32 MiB more.
	more := touch(grow)
	if res, done, err := tr.Idle(); !done || err != nil {
		t.Fatalf("idle call with the resident set grown from %d to %d bytes: done %v, %v", tr.settled, res.Before, done, err)
	}
	runtime.KeepAlive(back)
	runtime.KeepAlive(more)
}

// touch allocates n bytes and writes to each of their pages, so that they
// are resident.
func touch(n int) []byte {
	b := make([]byte, n)
	for i := 0; i < len(b); i += os.Getpagesize() {
		b[i] = 1
	}
	return b
}

// presentPages counts the pages of [start, end) present in this process's
// page tables.
func presentPages(t *testing.T, start, end uintptr) int {
	t.Helper()
	pm, err := os.Open("/proc/self/pagemap")
	if err != nil {
		t.Skipf("no /proc/self/pagemap: %v", err)
	}
	defer pm.Close()
	page := uintptr(os.Getpagesize())
	n := (end - start) / page
	buf := make([]byte, n*8)
	if _, err := pm.ReadAt(buf, int64(start/page*8)); err != nil {
		t.Fatalf("read pagemap of %x-%x: %v", start, end, err)
	}
	present := 0
	for i := range n {
		if binary.LittleEndian.Uint64(buf[i*8:])&(1<<63) != 0 {
			present++
		}
	}
	return present
}

// residentExecutable is how many kB of the executable's read-only mappings
// are present in this process's page tables, read from /proc/self/pagemap
// (bit 63 of each page's entry: present; readable without privileges).
func residentExecutable(t *testing.T) int64 {
	t.Helper()
	ms, err := executableMappings()
	if err != nil {
		t.Fatal(err)
	}
	var kb int64
	for _, m := range ms {
		if !m.writable {
			kb += int64(presentPages(t, m.start, m.end)) * int64(os.Getpagesize()) >> 10
		}
	}
	return kb
}

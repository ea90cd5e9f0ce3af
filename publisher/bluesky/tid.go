package bluesky

import (
	"crypto/sha256"
	"encoding/binary"
	"time"
)

// base32-sortable, the alphabet of TIDs (https://atproto.com/specs/tid).
const s32 = "234567abcdefghijklmnopqrstuvwxyz"

// tidEpoch and tidSpanBits bound the timestamps TIDFromKey makes: from
// 2024-01-01 for 2^45 µs (about 407 days), so every derived TID reads as a
// plausible past creation time, never one in the future.
var tidEpoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()

const tidSpanBits = 45

// TIDFromKey derives the record key of a post from its idempotency key: a
// valid TID (13 characters of base32-sortable; top bit 0, 53 bits of
// microseconds, 10 bits of clock id) made from the key's SHA-256 alone, so
// every attempt for the same key writes to the same record, and different
// keys almost never meet (55 bits of the hash are used).
//
// Written by hand because it is a few lines and no Go library derives a TID
// from anything but the clock.
func TIDFromKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	h := binary.BigEndian.Uint64(sum[:8])
	micros := uint64(tidEpoch) + h>>(64-tidSpanBits)
	clock := binary.BigEndian.Uint16(sum[8:10]) & 0x3ff
	v := micros<<10 | uint64(clock) // micros < 2^53, so the top bit is 0
	var b [13]byte
	for i := 12; i >= 0; i-- {
		b[i] = s32[v&31]
		v >>= 5
	}
	return string(b[:])
}

package review

import (
	"encoding/json"
	"errors"
	"fmt"
)

// storedVersion is the version of the stored form Encode writes. Version 0
// is what reelpost wrote before the field existed (the same JSON, without
// "version"); such payloads stay in users' ledgers and Decode reads them.
// A change that old code would misread raises the version.
const storedVersion = 1

// ErrStoredVersion is a stored review in a version of the format this
// reelpost does not know: written by a newer release sharing the ledger.
var ErrStoredVersion = errors.New("stored review format version unknown")

// stored is a Review as the ledger keeps it.
type stored struct {
	Version int `json:"version"`
	Review
}

// Encode returns rv in the form the ledger stores, so that a pending
// delivery can be rendered after a restart without the feed.
func Encode(rv Review) ([]byte, error) {
	b, err := json.Marshal(stored{Version: storedVersion, Review: rv})
	if err != nil {
		return nil, fmt.Errorf("encode review %s: %w", rv.Key, err)
	}
	return b, nil
}

// Decode reads a review Encode wrote, or one stored before the format had a
// version.
func Decode(b []byte) (Review, error) {
	var s stored
	if err := json.Unmarshal(b, &s); err != nil {
		return Review{}, fmt.Errorf("stored review: %w", err)
	}
	if s.Version < 0 || s.Version > storedVersion {
		return Review{}, fmt.Errorf("%w: %d (this reelpost reads up to %d)", ErrStoredVersion, s.Version, storedVersion)
	}
	return s.Review, nil
}

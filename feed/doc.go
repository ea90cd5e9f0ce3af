// Package feed fetches RSS, Atom and JSON feeds politely (conditional GET,
// size cap, Retry-After) and turns their items into Reviews: stable keys,
// trailer, metadata block, verdict summary and picture.
package feed

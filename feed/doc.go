// Package feed turns bytes into feed items: it fetches RSS, Atom and JSON
// feeds politely (conditional GET, size cap, Retry-After), decodes their
// charset, parses them with gofeed and hands out Items; it also owns link
// normalisation, the identity a link has in the ledger. What an item says
// as a review is the review package's work.
package feed

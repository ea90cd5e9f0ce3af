// Package review turns feed items into Reviews: stable keys, verdict
// summary, metadata block, trailer, picture, whether the item is a review at
// all, completion of thin items from their page, and the merging of one
// post listed once per language. It also owns the Review's stored form in
// the ledger (Encode, Decode). A Letterboxd member feed's entries are read by
// Letterboxd's own fields (review/letterboxd): a written review is a review,
// a diary entry or a list never is.
package review

// Package store is the delivery ledger: which feed items reelpost has seen
// and what it posted where, on SQLite (default) or PostgreSQL. The database
// enforces uniqueness, so several replicas can share one ledger.
package store

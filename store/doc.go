// Package store keeps drawwatch's state in one embedded SQLite file: every
// announcement and draw read from ontario.ca with its version history, the
// changes detected between fetches, the alert outbox, the fetch log with
// conditional-GET validators, source health, and the single-writer lease.
//
// It persists and decides nothing: Apply loads what the engine package needs
// for a page, lets it decide, and writes the plan with its outbox rows in one
// transaction. Backend is the contract a second backend meets; storetest is
// the conformance suite every backend passes. It is the only package that
// speaks SQL. Migrations are embedded .sql files applied in order at Open.
package store

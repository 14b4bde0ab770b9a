// Package store keeps drawwatch's state in one embedded SQLite file: every
// announcement and draw read from ontario.ca with its version history, the
// changes detected between fetches, the alert outbox, the fetch log with
// conditional-GET validators, source health, and the single-writer run lock.
//
// It is the only package that speaks SQL. Migrations are embedded .sql files
// applied in order at Open.
package store

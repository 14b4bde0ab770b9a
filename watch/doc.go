// Package watch runs one pass over the configured sources: fetch each page,
// parse it, apply it to the store (where the engine decides the changes and
// alerts, queued in the same transaction and held until the pass ends), and
// keep each source's health, raising one ops alert when a source stops
// reading normally and one when it recovers.
package watch

// Package watch runs one pass over the configured sources: fetch each page,
// parse it, merge it into the store (which queues alerts in the same
// transaction), and keep each source's health, raising one ops alert when a
// source stops reading normally and one when it recovers.
package watch

// Package drawwatch holds the domain types shared by every other package:
// announcements read from ontario.ca, the draws they report, the changes the
// store detects between fetches, and the alerts queued for delivery.
//
// It does no I/O and imports nothing else from this module.
package drawwatch

// Package scraper turns ontario.ca OINP pages into announcements and draws
// (one file per page kind) and fetches those pages politely with colly.
//
// Parsers take bytes, never URLs, so they are testable without a server.
package scraper

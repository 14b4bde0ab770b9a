package scraper

// Dates as the pages write them, and the dates a draw announcement states.

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

var months = map[string]time.Month{
	"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6,
	"july": 7, "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}

// monthNumber returns the month an English month name (full or short)
// names, else 0.
func monthNumber(name string) time.Month {
	return months[strings.ToLower(strings.TrimSuffix(name, "."))]
}

const monthPattern = `(January|February|March|April|May|June|July|August|September|October|November|December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)`

// datePattern is an English date in the forms both page kinds write:
// "December 23, 2024", "December 17" (no year), "April 05, 2019",
// "January 1st, 2024", "Sept. 5", and the table pages' odd ones:
// "September 19. 2023", "June 1,2021", "June 1 2022" and day ranges
// "March 8-9, 2023" / "August 11 - 16, 2023", read as their first day.
// Groups: month, day, year ("" when not written). It expects
// NormalizeSpace'd text: dashes are "-".
const datePattern = `\b` + monthPattern + `\.?\s*(\d{1,2})(?:st|nd|rd|th)?\b(?:\s*-\s*\d{1,2}\b)?(?:\s*[,.]?\s*(\d{4})\b)?`

var (
	reDate = regexp.MustCompile(`(?i)` + datePattern)
	// a date at the start of a heading, then the rest of it
	reLeadDate = regexp.MustCompile(`(?i)^\s*` + datePattern + `[\s,.:-]*(.*)$`)
	// "2024-02-06", which some table cells use
	reISODate = regexp.MustCompile(`\b(\d{4})-(\d{2})-(\d{2})\b`)
)

var (
	errNoSuchDay = errors.New("no such month or day")
	errNoYear    = errors.New("no year, and none known from the page")
)

// calDay is a calendar day as a page writes it; year is 0 when not written.
type calDay struct {
	year  int
	month time.Month
	day   int
}

// dayOf reads the month, day and year ("" when not written) groups of a
// reDate or reLeadDate match.
func dayOf(month, day, year string) calDay {
	d := calDay{month: monthNumber(month)}
	d.day, _ = strconv.Atoi(day)
	if year != "" {
		d.year, _ = strconv.Atoi(year)
	}
	return d
}

// iso is the day as "YYYY-MM-DD". It fails for days no calendar has
// ("February 30") and for a year that is missing or implausible.
func (d calDay) iso() (string, error) {
	if d.year < 1900 || d.year > 2999 {
		if d.month < time.January || d.month > time.December || d.day < 1 || d.day > 31 {
			return "", errNoSuchDay
		}
		return "", errNoYear
	}
	t := time.Date(d.year, d.month, d.day, 0, 0, 0, 0, time.UTC)
	if t.Month() != d.month || t.Day() != d.day { // time.Date normalizes February 30 to March
		return "", errNoSuchDay
	}
	return t.Format(time.DateOnly), nil
}

// before compares month and day only, for ranges whose years are inferred.
func (d calDay) before(o calDay) bool {
	return d.month < o.month || (d.month == o.month && d.day < o.day)
}

// orYear fills in a year the page did not write.
func (d calDay) orYear(year int) calDay {
	if d.year == 0 {
		d.year = year
	}
	return d
}

// ParseDate reads a date such as "December 23, 2024", "September 19. 2023",
// "2024-02-06" or, with no year, "December 17" (then defaultYear is used)
// and returns it as ISO "YYYY-MM-DD". The whole string must be the date.
func ParseDate(s string, defaultYear int) (string, error) {
	s = NormalizeSpace(s)
	if m := reISODate.FindStringSubmatch(s); m != nil && m[0] == s {
		if iso, err := isoDay(m).iso(); err == nil {
			return iso, nil
		}
	}
	m := reLeadDate.FindStringSubmatch(s)
	if m == nil || m[4] != "" {
		return "", fmt.Errorf("parse date %q: want a date like \"December 23, 2024\"", s)
	}
	iso, err := dayOf(m[1], m[2], m[3]).orYear(defaultYear).iso()
	if err != nil {
		return "", fmt.Errorf("parse date %q: %w", s, err)
	}
	return iso, nil
}

func isoDay(m []string) calDay {
	y, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	d, _ := strconv.Atoi(m[3])
	return calDay{year: y, month: time.Month(mo), day: d}
}

// leadDate reads a heading that starts with a date ("May 30, 2016 Important
// notification: ...") and returns the ISO date and the rest of the heading.
func leadDate(s string, defaultYear int) (iso, rest string, ok bool) {
	m := reLeadDate.FindStringSubmatch(s)
	if m == nil {
		return "", "", false
	}
	iso, err := dayOf(m[1], m[2], m[3]).orYear(defaultYear).iso()
	if err != nil {
		return "", "", false
	}
	return iso, strings.TrimSpace(m[4]), true
}

// findDays returns every English date in normalized s as written, in order.
func findDays(s string) []calDay {
	var out []calDay
	for _, m := range reDate.FindAllStringSubmatch(s, -1) {
		out = append(out, dayOf(m[1], m[2], m[3]))
	}
	return out
}

// firstDateIn returns the first date in normalized s that names a real
// day, as ISO; a date with no year takes defaultYear (and is passed over
// when that is 0).
func firstDateIn(s string, defaultYear int) (string, bool) {
	for s != "" {
		m := reDate.FindStringSubmatchIndex(s)
		if m == nil {
			break
		}
		d := dayOf(group(s, m, 1), group(s, m, 2), group(s, m, 3))
		if iso, err := d.orYear(defaultYear).iso(); err == nil {
			return iso, true
		}
		// A match ends at a word boundary before a non-word character, so
		// no match starts where the rest begins: the search goes on as
		// FindAll's would.
		s = s[m[1]:]
	}
	return "", false
}

// firstDate reads the first date anywhere in s, ISO or English: a table
// cell such as "October 27, 2021 9:00 a.m. EST" or "2024-02-06". A date
// with no year takes defaultYear.
func firstDate(s string, defaultYear int) (string, bool) {
	s = NormalizeSpace(s)
	if m := reISODate.FindStringSubmatch(s); m != nil {
		if iso, err := isoDay(m).iso(); err == nil {
			return iso, true
		}
	}
	return firstDateIn(s, defaultYear)
}

// issuanceDate is the draw date the text states: the date of the first
// sentence that reports an issuance ("On February 6, 2024, we issued ..."),
// else of a portal search (2018), else "" (the caller falls back to the
// posted date).
func issuanceDate(items []item, year int, posted string) string {
	if y, err := strconv.Atoi(posted[:min(4, len(posted))]); err == nil {
		year = y // "On December 15 the OINP issued" belongs to the posted year
	}
	for _, it := range items {
		if it.kind != itemText {
			continue
		}
		if d := itemDate(it, year); d != "" {
			return d
		}
	}
	for _, it := range items {
		for _, s := range it.sentences {
			if !containsFold(s, "portal") {
				continue // spares the regexp
			}
			if loc := rePortalSearch.FindStringIndex(s); loc != nil {
				if d, ok := firstDateIn(s[loc[1]:], year); ok {
					return d
				}
			}
		}
	}
	return ""
}

// itemDate is the issuance date a paragraph states: the date after "on" in
// its first sentence that reports an issuance and has one, else "". It
// gives a draw its own date in announcements that report draws on
// different days.
func itemDate(it item, year int) string {
	for si, s := range it.sentences {
		if !it.reports(si) {
			continue
		}
		if loc := reOnDate.FindStringIndex(s); loc != nil {
			if d, ok := firstDateIn(s[loc[0]:], year); ok {
				return d
			}
		}
	}
	return ""
}

// profileWindow reads which profiles a draw considered: "profiles created
// between X and Y", "Date Express Entry profile submitted: X to Y",
// "created and attested to by Y".
func profileWindow(items []item, year int) (from, to string) {
	// the regexps are slow on long text: only sentences about profiles get them
	var cands []string
	forSentences(items, func(s string) bool {
		if strings.Contains(s, "rofile") || strings.Contains(s, "xpression") || strings.Contains(s, "EOI") {
			cands = append(cands, s)
		}
		return true
	})
	for _, s := range cands {
		if !containsFold(s, "between") && !containsFold(s, "ubmitted:") {
			continue
		}
		if m := reProfilesBetween.FindStringSubmatch(s); m != nil {
			a, b := m[1], m[2]
			if a == "" {
				a, b = m[3], m[4]
			}
			from, _ = ParseDate(a, year)
			to, _ = ParseDate(b, year)
			return from, to
		}
	}
	for _, s := range cands {
		if !containsFold(s, "by ") {
			continue
		}
		if m := reProfilesBy.FindStringSubmatch(s); m != nil {
			to, _ = ParseDate(m[1], year)
			return from, to
		}
	}
	return from, to
}

package scraper

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// eeTimeRe reads the times IRCC types by hand into the rounds JSON:
// "October 11, 2025 at 14:55:49 UTC", "July 3rd 2026 at 21:35:13 UTC",
// "March 02. 2024 at 01:58:34", "June 19, 2023 06:41:05 UTC",
// "September 30, 2023 at 04:22:17 AM UTC", "May 19,2022 06:48:41 UTC",
// "January 23, 2025 at 2025-01-23 15:30:04 UTC", "October 7 at 16:38:21 UTC".
var eeTimeRe = regexp.MustCompile(`(?i)^\s*([a-z]+)\.?\s*(\d{1,2})(?:st|nd|rd|th)?\s*[,.]?\s*(\d{4})?\s*[,.]?\s*(?:at)?\s*(?:\d{4}-\d{2}-\d{2}\s+)?(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]\.?m\.?)?\s*(?:utc|gmt|z)?\s*$`)

var monthByPrefix = map[string]time.Month{
	"jan": time.January, "feb": time.February, "mar": time.March, "apr": time.April, "may": time.May, "jun": time.June,
	"jul": time.July, "aug": time.August, "sep": time.September, "oct": time.October, "nov": time.November, "dec": time.December,
}

// parseEETime reads one of those times as RFC 3339 UTC. A time with no
// year takes the latest year that puts it on or before notAfter (an ISO
// date: a tie-break time always precedes its round).
func parseEETime(s, notAfter string) (string, bool) {
	m := eeTimeRe.FindStringSubmatch(s)
	if m == nil || len(m[1]) < 3 {
		return "", false
	}
	month, ok := monthByPrefix[strings.ToLower(m[1][:3])]
	if !ok {
		return "", false
	}
	day, _ := strconv.Atoi(m[2])
	hour, _ := strconv.Atoi(m[4])
	minute, _ := strconv.Atoi(m[5])
	sec := 0
	if m[6] != "" {
		sec, _ = strconv.Atoi(m[6])
	}
	switch ampm := strings.ToLower(strings.ReplaceAll(m[7], ".", "")); {
	case ampm == "pm" && hour < 12:
		hour += 12
	case ampm == "am" && hour == 12:
		hour = 0
	} // "15:48:39 AM": the 24-hour clock wins
	if hour > 23 || minute > 59 || sec > 59 {
		return "", false
	}
	year := 0
	if m[3] != "" {
		year, _ = strconv.Atoi(m[3])
	} else {
		limit, err := time.Parse(time.DateOnly, notAfter)
		if err != nil {
			return "", false
		}
		year = limit.Year()
		if time.Date(year, month, day, 0, 0, 0, 0, time.UTC).After(limit) {
			year--
		}
	}
	t := time.Date(year, month, day, hour, minute, sec, 0, time.UTC)
	if t.Day() != day || t.Month() != month { // "February 30"
		return "", false
	}
	return t.Format(time.RFC3339), true
}

// parseISODate checks an ISO date ("2026-08-07").
func parseISODate(s string) (string, bool) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return "", false
	}
	return t.Format(time.DateOnly), true
}

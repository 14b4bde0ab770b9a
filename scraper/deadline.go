package scraper

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// reDeadlineWithin reads a deadline stated relative to the invitation, as
// 2025+ pages do ("You must submit your application and payment within 17
// calendar days from the date we issued the invitation"). Only the
// candidate's deadline ("your application"), not the employer's ("submit
// their application within 14 calendar days").
var reDeadlineWithin = regexp.MustCompile(`(?i)\bsubmit (?:your|an) (?:online |complete )?applications?\b[^.]{0,60}?\bwithin (\d{1,3}) (?:calendar )?days\b`)

// deadlineWithinDays is the number of days a sentence of the announcement
// gives the candidate to apply, or 0 when none says.
func deadlineWithinDays(items []item) int {
	days := 0
	forSentences(items, func(s string) bool {
		if !strings.Contains(s, "within") {
			return true
		}
		if m := reDeadlineWithin.FindStringSubmatch(s); m != nil {
			days, _ = strconv.Atoi(m[1])
			return false
		}
		return true
	})
	return days
}

// addDays is the ISO date days after an ISO date, or "" when date is not one.
func addDays(date string, days int) string {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return ""
	}
	return t.AddDate(0, 0, days).Format(time.DateOnly)
}

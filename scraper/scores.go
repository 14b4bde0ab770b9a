package scraper

// Score bands: the ways a page states which scores a draw took.

import (
	"regexp"
	"strconv"
	"strings"
)

// bandForm is one way of writing a band: its regexp has the minimum in
// group 1 and the maximum in group max (0: the band is open-ended).
type bandForm struct {
	re  *regexp.Regexp
	max int
}

// sentenceBands are the bands running text states, always after a word
// for the score; tried in order.
var sentenceBands = []bandForm{
	// "score of 379-430", "score between 460 and 468", "CRS score range: 440 to 446"
	// "Comprehensive Ranking Score (CRS) between 424 and 436", "a CRS between 358 - 439", "a score of between 134 and 200"
	{regexp.MustCompile(`(?i)\b(?:scores?\b|CRS\b\)?)(?:\s*\([A-Z]+\))?(?:\s+range)?(?:\s+(?:of|was|from))?(?:\s+between)?\s*:?\s*(\d{1,3})\s*(?:-|to|and)\s*(\d{1,3})\b`), 2},
	// "score of 78 and above", "score of 67 or above", "400 points or more"
	{regexp.MustCompile(`(?i)\b(?:scores?\b|CRS\b\)?)(?:\s*\([A-Z]+\))?(?:\s+of)?\s*:?\s*(\d{1,3})(?:\s+points)?\s+(?:and|or)\s+(?:above|higher|more|over)\b`), 0},
	// "The minimum score was 118."
	{regexp.MustCompile(`(?i)\bminimum\s+score\s+was\s+(\d{1,3})\b`), 0},
}

// cellBands are the table cells that are only a band; tried in order.
var cellBands = []bandForm{
	// "505-528", "137 to 162", "between 460 and 468"
	{regexp.MustCompile(`(?i)^(?:between\s+)?(\d{1,3})\s*(?:-|to|and)\s*(\d{1,3})\*?$`), 2},
	// "57 and above", "78+"
	{regexp.MustCompile(`(?i)^(\d{1,3})\s*(?:\+|(?:and|or)\s+(?:above|over|higher|more))\*?$`), 0},
	// "450", "450*" (footnote mark): one score, the band's both ends
	{regexp.MustCompile(`^(\d{1,3})\*?$`), 1},
}

// ParseScoreBand finds the score band a sentence or a table cell states:
// "a score of 379-430", "471–480", "473 - 480", "137 to 162", "between 460
// and 468", "78 and above" and "78+" (max nil), "450" (one score: min and
// max). A band written high-to-low is turned round. ok is false when s
// states no band ("N/A", "the EOI scored below 134").
func ParseScoreBand(s string) (lo, hi *int, ok bool) {
	return scoreBand(NormalizeSpace(s))
}

// digitRuns counts the runs of digits in s, up to most.
func digitRuns(s string, most int) int {
	n, in := 0, false
	for i := 0; i < len(s) && n < most; i++ {
		d := '0' <= s[i] && s[i] <= '9'
		if d && !in {
			n++
		}
		in = d
	}
	return n
}

// scoreBand is ParseScoreBand on normalized text.
func scoreBand(s string) (lo, hi *int, ok bool) {
	forms := cellBands
	switch {
	case strings.Contains(s, "core") || strings.Contains(s, "CRS") || strings.Contains(s, "SCORE"):
		forms = sentenceBands
	case s == "" || len(s) > 40 || !(s[0] >= '0' && s[0] <= '9' || s[0] == 'b' || s[0] == 'B'):
		// A cell is short and starts with its first score (or "between"):
		// this spares the regexps every sentence that names no score.
		return nil, nil, false
	}
	numbers := digitRuns(s, 2)
	for _, f := range forms {
		if numbers < 1 || f.max == 2 && numbers < 2 {
			continue // a band needs its numbers: spares the regexp
		}
		m := f.re.FindStringSubmatch(s)
		if m == nil {
			continue
		}
		a, _ := strconv.Atoi(m[1])
		if f.max == 0 {
			return &a, nil, true
		}
		b, _ := strconv.Atoi(m[f.max])
		if a > b { // the 2018 page writes some bands high-to-low ("441-435")
			a, b = b, a
		}
		return &a, &b, true
	}
	return nil, nil, false
}

// statesRule reports a sentence that states a rule rather than a draw's
// band (reNotBand); the hints spare most sentences the regexp.
func statesRule(s string) bool {
	for _, h := range []string{"maintain", "required", "will", "long"} {
		if containsFold(s, h) {
			return reNotBand.MatchString(s)
		}
	}
	return false
}

package scraper

// Score bands: the ways a page states which scores a draw took.

import (
	"regexp"
	"sort"
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
	for _, h := range []string{"aintain", "equired", "will", "Will", "WILL", "long"} {
		if strings.Contains(s, h) {
			return reNotBand.MatchString(s)
		}
	}
	return false
}

// A score statement in running text composes three parts: a word for the
// score, a few words that join it to the band, and the band in one of its
// forms. Each part is a small pattern; any filler joins any band form, so
// "a score of at least 400", "CRS scores ranging from 471 to 480" and "EOI
// score range: 45 to 60" need no rule of their own.
var (
	// a score word, or a stream name's "stream:" that a band follows with
	// none ("International Student stream: 70 and above")
	reScoreWord = regexp.MustCompile(`(?i)^(?:(?:scores?|scored|scoring|CRS)\b\)?|streams?\s*(?:[:–]|-\s))`)
	// the joining words: a parenthesised abbreviation, then up to five words
	// with no digit, no clause end
	scoreFiller = `(?:\s*\([A-Z]+\))?(?:[\s:,]+[A-Za-z’'()]+){0,5}?[\s:]*`
	bandForms   = []struct {
		re       *regexp.Regexp
		min, max int // submatch of each end; 0: open
	}{
		// "379-430", "471 to 480", "between 460 and 468", "ranging from 45 to 60"
		// (a capital right after the number: markup that lost its break, "350-448Date")
		{regexp.MustCompile(`^` + scoreFiller + `(\d{1,3})\s*(?:-|to|and|through)\s*(\d{1,3})(?:\b|[A-Z])`), 1, 2},
		// "78 and above", "67 or higher", "400 points or more", "78+"
		{regexp.MustCompile(`(?i)^` + scoreFiller + `(\d{1,3})(?:\s+points)?(?:\s+(?:and|or)\s+(?:above|higher|more|over|greater)\b|\s*\+)`), 1, 0},
		// "at least 400", "a minimum of 60", "no lower than 45"
		{regexp.MustCompile(`(?i)^` + scoreFiller + `(?:at least|a minimum of|minimum of|no (?:less|lower) than|not less than)\s+(\d{1,3})\b`), 1, 0},
		// "up to 430", "no higher than 430"
		{regexp.MustCompile(`(?i)^` + scoreFiller + `(?:up to|at most|a maximum of|no (?:more|higher) than)\s+(\d{1,3})\b`), 0, 1},
	}
	// "The minimum score was 118.", "the lowest CRS score was 455", "CRS
	// cut-off: 455", and "with 400 points or more" with no score word
	reMinimumScore = regexp.MustCompile(`(?i)\b(?:minimum|lowest|cut-?off)\s+(?:\w+\s+){0,2}(?:score|CRS)\s*(?:was|of|is|:)\s*(\d{1,3})\b|\b(?:score|CRS)\s+cut-?off\s*(?:was|of|is|:)?\s*(\d{1,3})\b|\b(\d{1,3})\s+points?\s+(?:and|or)\s+(?:above|higher|more)\b`)
)

// bandAt is one band a sentence states: where its score word starts, where
// the band ends, and its ends (nil when open).
type bandAt struct {
	start, end int
	lo, hi     *int
}

// reAndBand is where a further band may follow one already read, with no
// score word of its own: "a score of 50 and above under the Foreign
// Worker stream, and 80 and above under the International Student stream".
var reAndBand = newWordRegexp(`(?i)`, "abw", `(?:and|while|but|with)\b(?:\s+(?:a|the|score|scores|of|minimum))*`)

// reNotAScoreWord is a score word that is no draw's score: "an official
// language score of CLB 5 or higher".
var reNotAScoreWord = regexp.MustCompile(`(?i)language\s+$|^\s*(?:of\s+)?(?:CLB|NCLC)\b`)

// bandsIn returns every band the normalized sentence s states, in order.
func bandsIn(s string) []bandAt {
	if !mayStateBand(s) {
		return nil // spares the regexps
	}
	var out []bandAt
	words := scoreWords(s) // found once; the loop walks them
	var ands [][]int       // reAndBand matches, found when a band is read
	from := 0
	for from < len(s) {
		for len(words) > 0 && words[0][0] < from {
			words = words[1:]
		}
		if len(out) > 0 {
			// after a band, "and 80 and above" is a band too
			if ands == nil {
				ands = reAndBand.FindAllStringSubmatchIndex(s, -1)
			}
			for len(ands) > 0 && ands[0][0] < from {
				ands = ands[1:]
			}
			if len(ands) > 0 && (len(words) == 0 || ands[0][0] < words[0][0]) {
				and := ands[0]
				if b, ok := bandAfter(s, and[1], true); ok {
					b.start = and[0]
					out = append(out, b)
					from = b.end
					continue
				}
				ands = ands[1:]
				continue
			}
		}
		if len(words) == 0 {
			break
		}
		at, tail := words[0][0], words[0][1]
		words = words[1:]
		if reNotAScoreWord.MatchString(s[max(0, at-10):at]) || reNotAScoreWord.MatchString(s[tail:min(len(s), tail+8)]) {
			from = tail
			continue
		}
		b, ok := bandAfter(s, tail, strings.HasPrefix(strings.ToLower(s[at:]), "stream"))
		if !ok {
			from = tail
			continue
		}
		b.start = at
		out = append(out, b)
		from = b.end
	}
	// minimums stated in a sentence of their own shape, where no band above overlaps
	if !mayStateMinimum(s) {
		return out
	}
	for _, m := range reMinimumScore.FindAllStringSubmatchIndex(s, -1) {
		if overlaps(out, m[0], m[1]) {
			continue
		}
		for g := 1; g <= 3; g++ {
			if m[2*g] >= 0 {
				n, _ := strconv.Atoi(s[m[2*g]:m[2*g+1]])
				out = append(out, bandAt{start: m[0], end: m[1], lo: &n})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].start < out[j].start })
	return out
}

// bandAfter reads the band that follows a score word ending at tail: the
// form whose first number comes soonest. right says the band must start
// right there, with no joining words.
func bandAfter(s string, tail int, right bool) (bandAt, bool) {
	rest := s[tail:min(len(s), tail+90)]
	if !mayStartBand(rest, right) {
		return bandAt{}, false // spares the regexps
	}
	if cut := strings.IndexAny(rest, ".;"); cut >= 0 && !(cut > 0 && cut+1 < len(rest) && isDigit(rest[cut-1]) && isDigit(rest[cut+1])) {
		rest = rest[:cut]
	}
	best, bestAt := bandAt{}, -1
	for _, f := range bandForms {
		m := f.re.FindStringSubmatchIndex(rest)
		if m == nil {
			continue
		}
		first := m[2]
		if bestAt >= 0 && first >= bestAt || right && strings.TrimSpace(rest[:first]) != "" && !openPrefix(rest[:first]) {
			continue
		}
		var b bandAt
		b.end = tail + m[1]
		if f.min > 0 {
			n, _ := strconv.Atoi(rest[m[2*f.min]:m[2*f.min+1]])
			b.lo = &n
		}
		if f.max > 0 {
			n, _ := strconv.Atoi(rest[m[2*f.max]:m[2*f.max+1]])
			b.hi = &n
		}
		if b.lo != nil && b.hi != nil && *b.lo > *b.hi { // the 2018 page writes some bands high-to-low ("441-435")
			b.lo, b.hi = b.hi, b.lo
		}
		best, bestAt = b, first
	}
	return best, bestAt >= 0
}

// mayStartBand is a cheap test that a band form can match rest: a number
// soon (at once, when right) or the words that open one.
func mayStartBand(rest string, right bool) bool {
	if !right {
		i := strings.IndexAny(rest, "0123456789")
		return i >= 0 && i <= 60
	}
	t := strings.TrimLeft(rest, " :")
	return t != "" && (isDigit(t[0]) || reOpenPrefixStart.MatchString(t))
}

var reOpenPrefixStart = regexp.MustCompile(`(?i)^(?:at |a minimum|minimum|no |not |up |a maximum|between|from|a |the |score)`)

// mayStateMinimum is a cheap test for reMinimumScore's words.
func mayStateMinimum(s string) bool {
	return strings.Contains(s, "inimum") || strings.Contains(s, "owest") || strings.Contains(s, "ut-off") ||
		strings.Contains(s, "utoff") || strings.Contains(s, "oint")
}

// scoreWords are the places reScoreWord matches in s, each starting a
// word. The regexp runs only where a plain search found its first letters:
// unanchored, it was the parser's most expensive step.
func scoreWords(s string) [][]int {
	lower := strings.Map(asciiLower, s) // byte for byte: positions hold
	var out [][]int
	for _, key := range []string{"scor", "crs", "stream"} {
		for from := 0; ; {
			i := strings.Index(lower[from:], key)
			if i < 0 {
				break
			}
			at := from + i
			from = at + len(key)
			if at > 0 && isWordByte(s[at-1]) {
				continue
			}
			if m := reScoreWord.FindStringIndex(s[at:]); m != nil {
				out = append(out, []int{at, at + m[1]})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}

func asciiLower(r rune) rune {
	if 'A' <= r && r <= 'Z' {
		return r + 'a' - 'A'
	}
	return r
}

// mayStateBand is a cheap test that bandsIn can find a band in s: a
// number, and a word for the score or a "stream:" a band may follow.
func mayStateBand(s string) bool {
	if !strings.ContainsAny(s, "0123456789") {
		return false
	}
	for _, w := range []string{"cor", "CRS", "COR", "oint", "tream:", "treams:", "tream -"} {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

func overlaps(bands []bandAt, start, end int) bool {
	for _, b := range bands {
		if start < b.end && b.start < end {
			return true
		}
	}
	return false
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

var reOpenPrefix = regexp.MustCompile(`(?i)^\s*(?:at least|a minimum of|minimum of|no (?:less|lower|more|higher) than|not less than|up to|at most|a maximum of|between|from)\s*$`)

// openPrefix reports the words that open a band form ("at least").
func openPrefix(s string) bool { return reOpenPrefix.MatchString(s) }

// reLooseScore finds what reads as a score statement at all: a score word
// and, soon after, a number. The accounting step compares these with the
// bands read, so a band written in a form bandsIn does not know still
// reaches the reader.
var reLooseScore = newWordRegexp(`(?i)`, "scp", `(?:scores?|scored|scoring|CRS|points)\b[^.;\d]{0,50}?\b(\d{2,3})\b([^.;]{0,16})`)

var reNotAScore = regexp.MustCompile(`(?i)^(?:st|nd|rd|th)?,?\s*(?:\d{4}|months?|days?|years?|hours?|%|per ?cent|invitations?|notifications?|candidates|NOIs?|ITAs?|applicants|profiles)\b`)

// looseScores counts the score statements of normalized s, dates,
// durations and counts aside, and statements of who fell short ("scored
// below 134") too, since those are not a band.
func looseScores(s string) int {
	if !strings.Contains(s, "cor") && !strings.Contains(s, "CRS") && !strings.Contains(s, "oints") && !strings.Contains(s, "COR") {
		return 0 // spares the regexp
	}
	n := 0
	for _, m := range reLooseScore.FindAllStringSubmatchIndex(s, -1) {
		lead := strings.ToLower(s[m[0]:m[2]])
		if reNotAScore.MatchString(s[m[3]:m[5]]) || strings.Contains(lead, "below") || endsWithMonth(lead) {
			continue
		}
		n++
	}
	return n
}

func endsWithMonth(s string) bool {
	f := strings.Fields(s)
	return len(f) > 0 && monthNumber(f[len(f)-1]) != 0
}

package scraper

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/drawwatch/drawwatch"
)

// NormalizeSpace maps every Unicode space (nbsp included) to a plain space,
// every dash (en, em, minus, non-breaking hyphen ...) to "-", drops
// zero-width characters, collapses whitespace runs to one space and trims.
// Pages write the same value with all of these, so comparisons and hashes
// must not see them.
func NormalizeSpace(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\ufeff' || r == '\u00ad':
			continue
		case unicode.IsSpace(r) || r == '\u00a0' || r == '\u202f' || r == '\u2007':
			space = true
			continue
		case r == '\u2010' || r == '\u2011' || r == '\u2012' || r == '\u2013' || r == '\u2014' || r == '\u2015' || r == '\u2212' || r == '\ufe63' || r == '\uff0d':
			r = '-'
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// joinText appends piece to b the way text content reads: one space between
// pieces, except next to punctuation that hugs its neighbour. Used at
// element boundaries so that re-indented markup ("(\n<abbr>CRS</abbr>\n)")
// and compact markup ("(<abbr>CRS</abbr>)") give the same text.
func joinText(b *strings.Builder, piece string, hard bool) {
	if piece == "" {
		return
	}
	if b.Len() > 0 {
		s := b.String()
		last, _ := utf8.DecodeLastRuneInString(s)
		first, _ := utf8.DecodeRuneInString(piece)
		if hard || !(strings.ContainsRune("([“‘$/", last) || strings.ContainsRune(".,;:!?)]’”%/", first)) {
			b.WriteByte(' ')
		}
	}
	b.WriteString(piece)
}

var months = map[string]int{
	"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6,
	"july": 7, "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}

// monthNumber returns 1-12 for an English month name (full or short), else 0.
func monthNumber(name string) int {
	return months[strings.ToLower(strings.TrimSuffix(name, "."))]
}

const monthPattern = `(January|February|March|April|May|June|July|August|September|October|November|December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)`

// reDate matches "December 23, 2024", "December 17", "April 05, 2019",
// "January 1st, 2024" anywhere in a string.
var reDate = regexp.MustCompile(`(?i)\b` + monthPattern + `\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s*(\d{4})\b)?`)

// reLeadDate matches a date at the start of a heading, returning the rest.
var reLeadDate = regexp.MustCompile(`(?i)^\s*` + monthPattern + `\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s*(\d{4})\b)?[\s,.:-]*(.*)$`)

// ParseDate reads an English date such as "December 23, 2024" or, with no
// year, "December 17" (then defaultYear is used) and returns it as ISO
// "YYYY-MM-DD". The whole string must be the date.
func ParseDate(s string, defaultYear int) (string, error) {
	s = NormalizeSpace(s)
	m := reLeadDate.FindStringSubmatch(s)
	if m == nil || m[4] != "" {
		return "", fmt.Errorf("parse date %q: want a date like \"December 23, 2024\"", s)
	}
	return isoDate(m[1], m[2], m[3], defaultYear, s)
}

// leadDate reads a heading that starts with a date ("May 30, 2016 Important
// notification: ...") and returns the ISO date and the rest of the heading.
func leadDate(s string, defaultYear int) (iso, rest string, ok bool) {
	m := reLeadDate.FindStringSubmatch(s)
	if m == nil {
		return "", "", false
	}
	iso, err := isoDate(m[1], m[2], m[3], defaultYear, s)
	if err != nil {
		return "", "", false
	}
	return iso, strings.TrimSpace(m[4]), true
}

func isoDate(month, day, year string, defaultYear int, whole string) (string, error) {
	mo := monthNumber(month)
	d, _ := strconv.Atoi(day)
	y := defaultYear
	if year != "" {
		y, _ = strconv.Atoi(year)
	}
	if mo == 0 || d < 1 || d > 31 {
		return "", fmt.Errorf("parse date %q: no such month or day", whole)
	}
	if y < 1900 || y > 2999 {
		return "", fmt.Errorf("parse date %q: no year, and none known from the page", whole)
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, mo, d), nil
}

// findDates returns every date in s as ISO strings, in order; dates with no
// year take defaultYear (and are skipped when it is 0).
func findDates(s string, defaultYear int) []string {
	var out []string
	for _, m := range reDate.FindAllStringSubmatch(s, -1) {
		if iso, err := isoDate(m[1], m[2], m[3], defaultYear, m[0]); err == nil {
			out = append(out, iso)
		}
	}
	return out
}

var (
	// "score of 379-430", "score between 460 and 468", "CRS score range: 440 to 446"
	// "Comprehensive Ranking Score (CRS) between 424 and 436", "a CRS between 358 - 439", "a score of between 134 and 200"
	reScoreRange = regexp.MustCompile(`(?i)\b(?:scores?\b|CRS\b\)?)(?:\s*\([A-Z]+\))?(?:\s+range)?(?:\s+(?:of|was|from))?(?:\s+between)?\s*:?\s*(\d{1,3})\s*(?:-|to|and)\s*(\d{1,3})\b`)
	// "score of 78 and above", "score of 67 or above", "400 points or more"
	reScoreMin = regexp.MustCompile(`(?i)\b(?:scores?\b|CRS\b\)?)(?:\s*\([A-Z]+\))?(?:\s+of)?\s*:?\s*(\d{1,3})(?:\s+points)?\s+(?:and|or)\s+(?:above|higher|more|over)\b`)
	// "The minimum score was 118."
	reScoreMinWas = regexp.MustCompile(`(?i)\bminimum\s+score\s+was\s+(\d{1,3})\b`)
)

// ParseScoreBand finds the score band a sentence states: "379-430",
// "471–480", "473 - 480", "between 460 and 468", "78 and above" (max nil).
// ok is false when s states no band.
func ParseScoreBand(s string) (lo, hi *int, ok bool) {
	return scoreBand(NormalizeSpace(s))
}

// scoreBand is ParseScoreBand on normalized text.
func scoreBand(s string) (lo, hi *int, ok bool) {
	if !strings.Contains(s, "core") && !strings.Contains(s, "CRS") && !strings.Contains(s, "SCORE") {
		return nil, nil, false
	}
	if m := reScoreRange.FindStringSubmatch(s); m != nil {
		a, _ := strconv.Atoi(m[1])
		b, _ := strconv.Atoi(m[2])
		if a > b { // the 2018 page writes some bands high-to-low ("441-435")
			a, b = b, a
		}
		return &a, &b, true
	}
	if m := reScoreMin.FindStringSubmatch(s); m != nil {
		a, _ := strconv.Atoi(m[1])
		return &a, nil, true
	}
	if m := reScoreMinWas.FindStringSubmatch(s); m != nil {
		a, _ := strconv.Atoi(m[1])
		return &a, nil, true
	}
	return nil, nil, false
}

var (
	// "NOC 31301 - Registered nurses", "0213 - Computer and information systems managers", "NOC 73300 Transport truck drivers"
	reNOCItem = regexp.MustCompile(`^(?:NOC\s*(?:code\s*)?(\d{1,5})|(\d{4,5}))\b\s*(?:[-:]\s*)?(.*)$`)
	// "Data Scientists (NOC 21211)"
	reNOCTrailing = regexp.MustCompile(`^(.+?)\s*\(NOC\s*(\d{4,5})\)\s*$`)
	// an inline mention: "work experience in NOC 31102 - General practitioners and family physicians"
	reNOCInline = regexp.MustCompile(`\bNOC\s+(\d{4,5})\s*-\s*([^.;,()]+)`)
)

// ParseNOC reads one list item naming an occupation code:
// "NOC 31301 - Registered nurses...", "NOC 72310 – Carpenters", "0213 –
// Computer and information systems managers", "Data Scientists (NOC 21211)".
// Codes have five digits (NOC 2021) or four (NOC 2016).
func ParseNOC(item string) (drawwatch.NOC, bool) {
	s := NormalizeSpace(item)
	if m := reNOCItem.FindStringSubmatch(s); m != nil {
		code := m[1] + m[2]
		title := strings.TrimSpace(strings.TrimLeft(m[3], "-: "))
		if title == "" && m[1] == "" {
			return drawwatch.NOC{}, false // a bare number is not an occupation
		}
		return drawwatch.NOC{Code: code, Title: title}, true
	}
	if m := reNOCTrailing.FindStringSubmatch(s); m != nil {
		return drawwatch.NOC{Code: m[2], Title: m[1]}, true
	}
	return drawwatch.NOC{}, false
}

// inlineNOCs returns the codes a sentence names in running text.
func inlineNOCs(s string) []drawwatch.NOC {
	var out []drawwatch.NOC
	for _, m := range reNOCInline.FindAllStringSubmatch(s, -1) {
		out = append(out, drawwatch.NOC{Code: m[1], Title: strings.TrimSpace(m[2])})
	}
	return out
}

// streamInfo describes one OINP stream as the pages name it.
type streamInfo struct {
	slug         drawwatch.Stream
	name         string // display name
	expressEntry bool
	keys         []string // lower-case phrases that name it; plain substring search is fast
}

var streams = []streamInfo{
	{drawwatch.StreamHCP, "Express Entry Human Capital Priorities stream", true, []string{"human capital priorit", "hcp stream", "(hcp)", "hcp "}},
	{drawwatch.StreamFSSW, "Express Entry French-Speaking Skilled Worker stream", true, []string{"french-speaking skilled worker", "french speaking skilled worker"}},
	{drawwatch.StreamSkilledTrades, "Express Entry Skilled Trades stream", true, []string{"express entry skilled trades", "skilled trades stream", "skilled trades (express entry) stream"}},
	{drawwatch.StreamEJOForeignWorker, "Employer Job Offer: Foreign Worker stream", false, []string{"foreign worker"}},
	{drawwatch.StreamEJOInternationalStudent, "Employer Job Offer: International Student stream", false, []string{"international student"}},
	{drawwatch.StreamEJOInDemandSkills, "Employer Job Offer: In-Demand Skills stream", false, []string{"in-demand", "in demand"}},
	{drawwatch.StreamMastersGraduate, "Masters Graduate stream", false, []string{"masters graduate", "master graduate", "masters and phd graduate", "masters and ph.d. graduate"}},
	{drawwatch.StreamPhDGraduate, "PhD Graduate stream", false, []string{"phd graduate", "ph.d. graduate"}},
	{drawwatch.StreamEntrepreneur, "Entrepreneur stream", false, []string{"entrepreneur"}},
}

func streamBySlug(slug drawwatch.Stream) (streamInfo, bool) {
	for _, s := range streams {
		if s.slug == slug {
			return s, true
		}
	}
	return streamInfo{}, false
}

// StreamOf maps a stream name as the pages write it ("Human Capital
// Priorities", "Employer Job Offer: Foreign Worker stream", "Skilled Trades
// (Express Entry)") to its slug. ok is false when s names no known stream;
// when it names several, the first one written wins.
func StreamOf(name string) (drawwatch.Stream, bool) {
	found := findStreams(NormalizeSpace(name))
	if len(found) == 0 {
		if strings.Contains(strings.ToLower(name), "skilled trades") {
			return drawwatch.StreamSkilledTrades, true // a bare stream name in a table
		}
		return "", false
	}
	return found[0], true
}

// StreamName is the display name of a stream slug ("Express Entry Human
// Capital Priorities stream"), or the slug itself when unknown.
func StreamName(slug drawwatch.Stream) string {
	if s, ok := streamBySlug(slug); ok {
		return s.name
	}
	return string(slug)
}

// InvitationKind returns what a draw of the stream issues and how it is
// scored: NOI and CRS for the Express Entry streams, ITA and EOI otherwise.
func InvitationKind(slug drawwatch.Stream) (invitation, scoreKind string) {
	if s, ok := streamBySlug(slug); ok && s.expressEntry {
		return drawwatch.InvitationNOI, drawwatch.ScoreCRS
	}
	return drawwatch.InvitationITA, drawwatch.ScoreEOI
}

// findStreams returns the streams s names, in the order they first appear.
func findStreams(s string) []drawwatch.Stream {
	type hit struct {
		at   int
		slug drawwatch.Stream
	}
	var hits []hit
	lower := strings.ToLower(s)
	for _, st := range streams {
		at := -1
		for _, k := range st.keys {
			if i := strings.Index(lower, k); i >= 0 && (at < 0 || i < at) {
				at = i
			}
		}
		if at >= 0 {
			hits = append(hits, hit{at, st.slug})
		}
	}
	// insertion sort: at most nine hits
	for i := 1; i < len(hits); i++ {
		for j := i; j > 0 && hits[j].at < hits[j-1].at; j-- {
			hits[j], hits[j-1] = hits[j-1], hits[j]
		}
	}
	out := make([]drawwatch.Stream, len(hits))
	for i, h := range hits {
		out[i] = h.slug
	}
	return out
}

// sentenceCase upper-cases the first letter and lower-cases words that are
// plain category words, leaving proper nouns ("Northern Ontario") alone:
// "Skilled Trades" and "skilled trades" both become "Skilled trades".
func sentenceCase(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	words := strings.Fields(s)
	for i, w := range words {
		if i > 0 && categoryWords[strings.ToLower(w)] {
			words[i] = strings.ToLower(w)
		}
	}
	s = strings.Join(words, " ")
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

var categoryWords = map[string]bool{
	"occupations": true, "occupation": true, "trades": true, "skilled": true, "health": true, "tech": true,
	"general": true, "other": true, "priority": true, "and": true, "agricultural": true, "candidates": true,
}

var numberWords = map[string]int{
	"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
	"eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
	"eighteen": 18, "nineteen": 19, "twenty": 20,
}

// parseCount reads "1,234" or a small number word ("four").
func parseCount(s string) (int, bool) {
	if n, ok := numberWords[strings.ToLower(s)]; ok {
		return n, true
	}
	n, err := strconv.Atoi(strings.ReplaceAll(s, ",", ""))
	return n, err == nil
}

// splitSentences cuts normalized text at sentence ends. It keeps "p.m." and
// decimal numbers whole well enough for finding which sentence holds what.
func splitSentences(s string) []string {
	var out []string
	start := 0
	for i := 0; i+1 < len(s); i++ {
		if (s[i] == '.' || s[i] == '?' || s[i] == '!') && s[i+1] == ' ' && i+2 < len(s) {
			next := s[i+2]
			if next >= 'A' && next <= 'Z' {
				if s[i] == '.' && i >= 2 && (s[i-2] == ' ' || s[i-2] == '.') { // "p.m. On", "a. B"
					continue
				}
				out = append(out, strings.TrimSpace(s[start:i+1]))
				start = i + 2
			}
		}
	}
	if rest := strings.TrimSpace(s[start:]); rest != "" {
		out = append(out, rest)
	}
	return out
}

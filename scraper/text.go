package scraper

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
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
	return normalizeText(s, true)
}

// collapseSpace is NormalizeSpace keeping dashes as written, for text that
// is stored and hashed as the page shows it (table cells and headings):
// re-indenting a page or swapping spaces for &nbsp; changes nothing, but a
// "–" the page wrote stays one.
func collapseSpace(s string) string {
	return normalizeText(s, false)
}

func normalizeText(s string, dashes bool) string {
	if normalized(s, dashes) {
		return s // most text nodes: no copy
	}
	var b strings.Builder
	b.Grow(len(s))
	appendNormalized(&b, s, dashes)
	return b.String()
}

// appendNormalized writes normalizeText(s, dashes) to b, copying it a word
// at a time.
func appendNormalized(b *strings.Builder, s string, dashes bool) {
	wrote, space := false, false
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if asciiSpace(c) {
				space = true
				i++
				continue
			}
			j := i + 1
			for j < len(s) && s[j] < utf8.RuneSelf && !asciiSpace(s[j]) {
				j++
			}
			if space && wrote {
				b.WriteByte(' ')
			}
			space, wrote = false, true
			b.WriteString(s[i:j])
			i = j
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case zeroWidth(r):
			continue
		case unicode.IsSpace(r): // nbsp, U+202F and U+2007 included
			space = true
			continue
		case dashes && isDash(r):
			r = '-'
		}
		if space && wrote {
			b.WriteByte(' ')
		}
		space, wrote = false, true
		b.WriteRune(r) // invalid UTF-8 becomes U+FFFD
	}
}

// leadRune is the first rune of normalizeText(s, dashes), or -1 when that
// is empty.
func leadRune(s string, dashes bool) rune {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if asciiSpace(c) {
				i++
				continue
			}
			return rune(c)
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case zeroWidth(r) || unicode.IsSpace(r):
			continue
		case dashes && isDash(r):
			return '-'
		}
		return r
	}
	return -1
}

// asciiSpace is unicode.IsSpace for ASCII.
func asciiSpace(c byte) bool {
	return c == ' ' || '\t' <= c && c <= '\r'
}

// normalized reports whether normalizeText would return s unchanged.
func normalized(s string, dashes bool) bool {
	space := true // a leading space is trimmed
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c == ' ':
				if space {
					return false
				}
				space = true
			case asciiSpace(c):
				return false
			default:
				space = false
			}
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || zeroWidth(r) || unicode.IsSpace(r) || dashes && isDash(r) {
			return false // invalid UTF-8 is rewritten as U+FFFD
		}
		space = false
		i += n
	}
	return !space || s == ""
}

func zeroWidth(r rune) bool {
	return r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\ufeff' || r == '\u00ad'
}

func isDash(r rune) bool {
	return r == '\u2010' || r == '\u2011' || r == '\u2012' || r == '\u2013' || r == '\u2014' || r == '\u2015' || r == '\u2212' || r == '\ufe63' || r == '\uff0d'
}

// containsFold reports whether s contains sub, ASCII letters matched
// without regard to case. sub is lower-case ASCII. It is a cheap test that
// a case-insensitive regexp can match at all before running it; sub must
// then hold no "k" or "s", which (?i) also matches as U+212A and U+017F.
func containsFold(s, sub string) bool {
	return indexFold(s, sub) >= 0
}

// indexFold is the index of the first containsFold match of sub in s, or -1.
func indexFold(s, sub string) int {
	n := len(sub)
	if n == 0 {
		return 0
	}
	lo, up := sub[0], upperASCII(sub[0])
	// the next places, at or after i, of the first byte in either case;
	// each search runs again only once i has passed its hit
	nextLo, nextUp := -1, -1
	for i := 0; i+n <= len(s); {
		if nextLo < i {
			nextLo = indexByte(s, i, lo)
		}
		if nextUp < i {
			nextUp = nextLo
			if up != lo {
				nextUp = indexByte(s, i, up)
			}
		}
		j := min(nextLo, nextUp)
		if j+n > len(s) {
			return -1
		}
		k := 1
		for k < n && lowerASCII(s[j+k]) == sub[k] {
			k++
		}
		if k == n {
			return j
		}
		i = j + 1
	}
	return -1
}

// indexByte is the index of c in s at or after from, or len(s).
func indexByte(s string, from int, c byte) int {
	if k := strings.IndexByte(s[from:], c); k >= 0 {
		return from + k
	}
	return len(s)
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func upperASCII(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

// joinText appends piece to b the way text content reads: one space between
// pieces, except next to punctuation that hugs its neighbour. Used at
// element boundaries so that re-indented markup ("(\n<abbr>CRS</abbr>\n)")
// and compact markup ("(<abbr>CRS</abbr>)") give the same text.
func joinText(b *strings.Builder, piece string, hard bool) {
	if piece == "" {
		return
	}
	first, _ := utf8.DecodeRuneInString(piece)
	separate(b, first, hard)
	b.WriteString(piece)
}

// separate writes the space joinText puts before a piece that starts with
// first.
func separate(b *strings.Builder, first rune, hard bool) {
	if b.Len() == 0 {
		return
	}
	last, _ := utf8.DecodeLastRuneInString(b.String())
	if hard || !(strings.ContainsRune("([“‘$/", last) || strings.ContainsRune(".,;:!?)]’”%/", first)) {
		b.WriteByte(' ')
	}
}

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
	if d.month < time.January || d.month > time.December || d.day < 1 || d.day > 31 {
		return "", errNoSuchDay
	}
	if d.year < 1900 || d.year > 2999 {
		return "", errNoYear
	}
	if d.day > daysIn(d.month, d.year) {
		return "", errNoSuchDay // February 30
	}
	b := [10]byte{byte('0' + d.year/1000), byte('0' + d.year/100%10), byte('0' + d.year/10%10), byte('0' + d.year%10), '-',
		byte('0' + d.month/10), byte('0' + d.month%10), '-', byte('0' + d.day/10), byte('0' + d.day%10)}
	return string(b[:]), nil
}

// daysIn is the number of days in month of year (Gregorian).
func daysIn(month time.Month, year int) int {
	switch month {
	case time.February:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
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

var (
	// "Data Scientists (NOC 21211)"
	reNOCTrailing = regexp.MustCompile(`^(.+?)\s*\(NOC\s*(\d{4,5})\)\s*$`)
	// an inline mention: "work experience in NOC 31102 - General practitioners and family physicians"
	reNOCInline = regexp.MustCompile(`\bNOC\s+(\d{4,5})\s*-\s*([^.;,()]+)`)
)

// ParseNOC reads one list item naming an occupation code:
// "NOC 31301 - Registered nurses...", "NOC 72310 – Carpenters", "0213 –
// Computer and information systems managers", "NOC 73300 Transport truck
// drivers", "Data Scientists (NOC 21211)". Codes have five digits (NOC
// 2021) or four (NOC 2016).
func ParseNOC(item string) (drawwatch.NOC, bool) {
	s := NormalizeSpace(item)
	if code, named, rest, ok := leadNOC(s); ok {
		title := strings.TrimSpace(strings.TrimLeft(rest, "-: "))
		if title == "" && !named {
			return drawwatch.NOC{}, false // a bare number is not an occupation
		}
		return drawwatch.NOC{Code: code, Title: title}, true
	}
	if strings.Contains(s, "(NOC") { // spares most items the regexp
		if m := reNOCTrailing.FindStringSubmatch(s); m != nil {
			return drawwatch.NOC{Code: m[2], Title: m[1]}, true
		}
	}
	return drawwatch.NOC{}, false
}

// leadNOC reads the code an item starts with: "NOC" (then optionally
// "code") and one to five digits, or four or five digits alone, the code
// ending a word. rest follows it and the spaces, the one "-" or ":" and the
// spaces after it. It is the list items' hot path, hence no regexp: it is
// ^(?:NOC\s*(?:code\s*)?(\d{1,5})|(\d{4,5}))\b\s*(?:[-:]\s*)? spelt out.
func leadNOC(s string) (code string, named bool, rest string, ok bool) {
	i, minDigits := 0, 4
	if strings.HasPrefix(s, "NOC") {
		i, minDigits, named = skipSpace(s, 3), 1, true
		if strings.HasPrefix(s[i:], "code") {
			i = skipSpace(s, i+4)
		}
	}
	j := i
	for j < len(s) && j-i <= 5 && '0' <= s[j] && s[j] <= '9' {
		j++
	}
	if n := j - i; n < minDigits || n > 5 || j < len(s) && isWordByte(s[j]) {
		return "", false, "", false
	}
	code = s[i:j]
	j = skipSpace(s, j)
	if j < len(s) && (s[j] == '-' || s[j] == ':') {
		j = skipSpace(s, j+1)
	}
	return code, named, s[j:], true
}

// skipSpace returns the index of the first byte from i on that is not
// regexp \s.
func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\f' || s[i] == '\r') {
		i++
	}
	return i
}

// isWordByte is regexp \w: what \b tells from the rest.
func isWordByte(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_'
}

// group is submatch i of the match m (a FindStringSubmatchIndex result) in s.
func group(s string, m []int, i int) string {
	if m[2*i] < 0 {
		return ""
	}
	return s[m[2*i]:m[2*i+1]]
}

// mentionsNOCCode reports "NOC", spaces and a digit in s, which every
// reNOCInline match starts with.
func mentionsNOCCode(s string) bool {
	for i := strings.Index(s, "NOC"); i >= 0; {
		if j := skipSpace(s, i+3); j > i+3 && j < len(s) && '0' <= s[j] && s[j] <= '9' {
			return true
		}
		k := strings.Index(s[i+3:], "NOC")
		if k < 0 {
			break
		}
		i += 3 + k
	}
	return false
}

// inlineNOCs returns the codes a sentence names in running text.
func inlineNOCs(s string) []drawwatch.NOC {
	if !mentionsNOCCode(s) {
		return nil // spares the regexp
	}
	var out []drawwatch.NOC
	for _, m := range reNOCInline.FindAllStringSubmatch(s, -1) {
		out = append(out, drawwatch.NOC{Code: m[1], Title: strings.TrimSpace(m[2])})
	}
	return out
}

// StreamOf maps a stream name as the pages write it ("Human Capital
// Priorities", "Employer Job Offer: Foreign Worker stream", "Skilled Trades
// (Express Entry)", a table heading's "Master's Graduate") to its slug. ok
// is false when s names no known stream; when it names several, the first
// one written wins.
func StreamOf(name string) (drawwatch.Stream, bool) {
	found := findStreams(NormalizeSpace(name))
	if len(found) == 0 {
		// a bare stream name, spelt any way ("Skilled-Trades", "PhD Graduates")
		found = streamsIn("-"+drawwatch.Slug(name)+"-", true, strings.Index)
	}
	if len(found) == 0 {
		return "", false
	}
	return found[0], true
}

// StreamName is the display name of a stream slug ("Express Entry Human
// Capital Priorities stream"), or the slug itself when unknown.
func StreamName(slug drawwatch.Stream) string {
	return slug.Name()
}

// InvitationKind returns what a draw of the stream issues and how it is
// scored: NOI and CRS for the Express Entry streams, ITA and EOI otherwise.
func InvitationKind(slug drawwatch.Stream) (invitation, scoreKind string) {
	return slug.Kinds()
}

// findStreams returns the streams s names, in the order they first appear.
func findStreams(s string) []drawwatch.Stream {
	if strings.Contains(s, "\u0130") || strings.Contains(s, "\u212a") {
		// the two runes strings.ToLower turns into ASCII ("İ", Kelvin sign)
		return streamsIn(strings.ToLower(s), false, strings.Index)
	}
	// Otherwise the keys (ASCII) match s in any ASCII case where they match
	// its lower-case copy, and in the same order: the copy is spared.
	return streamsIn(s, false, indexFold)
}

// streamsIn returns the streams whose keys (or, with bare, whose bare
// names) index finds in text, in the order they first appear.
func streamsIn(text string, bare bool, index func(s, key string) int) []drawwatch.Stream {
	type hit struct {
		at   int
		slug drawwatch.Stream
	}
	var hits []hit
	for _, st := range drawwatch.Streams {
		keys := st.Keys
		if bare {
			keys = st.Bare
		}
		at := -1
		for _, k := range keys {
			if i := index(text, k); i >= 0 && (at < 0 || i < at) {
				at = i
			}
		}
		if at >= 0 {
			hits = append(hits, hit{at, st.Slug})
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

// categoryEMPP is the one category that wins over a region: EMPP draws
// name the region their candidates live in only in passing.
const categoryEMPP = "Economic Mobility Pathways Project"

// knownCategories are sub-categories written in many ways; each maps to the
// one name both page kinds give it, so the store can match draws across
// pages. A pattern can only match text holding one of its hints (ASCII,
// any case), which spares most sentences the regexp.
var knownCategories = []struct {
	re    *regexp.Regexp
	hints []string
	name  string
}{
	{regexp.MustCompile(`(?i)economic mobility pathways|\bEMPP\b`), []string{"mobility", "empp"}, categoryEMPP},
	{regexp.MustCompile(`(?i)regional economic development|\bREDI\b`), []string{"regional", "redi"}, "Regional Economic Development through Immigration"},
	{regexp.MustCompile(`(?i)early childhood educators?`), []string{"childhood"}, "Early childhood educators and assistants"},
	{regexp.MustCompile(`(?i)francophone|french-speaking candidates`), []string{"francophone", "french-"}, "French-speaking"},
	{regexp.MustCompile(`(?i)^tech draw\b`), []string{"tech draw"}, "Tech occupations"},
}

func knownCategory(s string) string {
	for _, c := range knownCategories {
		for _, h := range c.hints {
			if containsFold(s, h) {
				if c.re.MatchString(s) {
					return c.name
				}
				break
			}
		}
	}
	return ""
}

// occupationGroups are the occupation groups a draw can target, with the
// word both page kinds use for each. The patterns run on lower-case text.
var occupationGroups = []struct {
	re   *regexp.Regexp
	name string
}{
	{regexp.MustCompile(`\bhealth(?: ?care)?\b`), "health"},
	{regexp.MustCompile(`\btech\b`), "tech"},
	{regexp.MustCompile(`\bskilled trades?\b`), "skilled trades"},
	{regexp.MustCompile(`\bselect trades\b`), "select trades"},
	{regexp.MustCompile(`\bmanufacturing\b`), "manufacturing"},
	{regexp.MustCompile(`\bagricultur(?:al|e)?`), "agricultural"},
	{regexp.MustCompile(`\bother priority\b`), "other priority"},
	{regexp.MustCompile(`\bpriority occupations?\b`), "priority"},
}

// categoryName is a category read from a sub-heading, sentence or title,
// named the way both page kinds name it: in sentence case, and a lone
// occupation group ("Skilled Trades", "Health care occupations") in the
// group's word with "occupations" ("Skilled trades occupations", "Health
// occupations"), as the table pages write it.
func categoryName(s string) string {
	lower := strings.ToLower(strings.TrimSpace(s))
	for _, g := range occupationGroups {
		loc := g.re.FindStringIndex(lower)
		if loc == nil || loc[0] != 0 {
			continue
		}
		if rest := lower[loc[1]:]; rest == "" || rest == " occupations" || rest == " occupation" {
			return sentenceCase(g.name + " occupations")
		}
	}
	return sentenceCase(s)
}

var numberWords = map[string]int{
	"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
	"eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
	"eighteen": 18, "nineteen": 19, "twenty": 20,
}

var reCountDigits = regexp.MustCompile(`\d[\d,]*`)

// parseCount reads a count: a small number word ("four", "fourteen") or
// the first number in s ("1,234", "2084", a table's "371*" with its
// footnote mark).
func parseCount(s string) (int, bool) {
	if n, ok := numberWords[strings.ToLower(s)]; ok {
		return n, true
	}
	m := reCountDigits.FindString(s)
	if m == "" {
		return 0, false
	}
	n, err := strconv.Atoi(strings.ReplaceAll(m, ",", ""))
	return n, err == nil
}

var reMarkup = regexp.MustCompile(`<[a-zA-Z!/]`)

// cutShort reports a document that ends before its end: mid-tag or
// mid-text (the last byte is not a tag's ">"), or a full document without
// </html>. What a cut removed is missing, not gone from the site, and the
// store must be able to tell.
func cutShort(raw []byte) bool {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || !reMarkup.Match(t) {
		return false // not markup at all: nothing says where it should end
	}
	if t[len(t)-1] != '>' {
		return true
	}
	head := bytes.ToLower(t[:min(len(t), 1024)])
	if !bytes.Contains(head, []byte("<html")) {
		return false // body-only HTML (the site's JSON API) has no </html>
	}
	tail := bytes.ToLower(t[max(0, len(t)-64):])
	return !bytes.Contains(tail, []byte("</html>"))
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

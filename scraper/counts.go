package scraper

// Counts: how many invitations a draw, or an announcement, reports.

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/drawwatch/drawwatch"
)

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

// countForms are the ways a sentence states a count, each with a cheap test
// of what every match needs. No two matches overlap (each starts with its
// own word), so a sentence's counts are all their matches in order.
var countForms = []struct {
	re  *regexp.Regexp
	may func(s string) bool
}{
	// "we issued 1,063 invitations", "issued 2 targeted invitations", "issued four targeted invitations"
	{regexp.MustCompile(`(?i)\bissued (?:a total of )?(\d[\d,]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty) (?:new |additional )?(?:targeted )?(?:invitations?|notifications?|NOIs?|ITAs?)\b`),
		func(s string) bool {
			// a digit, a number word or "a total of" after "issued "
			return followedBy(s, "ued ", func(c byte) bool {
				return '0' <= c && c <= '9' || c >= utf8.RuneSelf || strings.IndexByte("aotfsen", c) >= 0
			})
		}},
	// "Number of invitations issued: 1,063"
	{regexp.MustCompile(`(?i)\bnumber of (?:invitations|notifications(?: of interest)?|NOIs|ITAs)(?: issued)?:\s*(\d[\d,]*)`),
		func(s string) bool { return strings.IndexByte(s, ':') >= 0 && containsFold(s, "number of") }},
	// "2,084 invitations were issued"
	{regexp.MustCompile(`(?i)\b(\d[\d,]*) (?:new |additional |targeted )?(?:invitations?|notifications?|NOIs|ITAs)(?: to apply| of interest)?(?: \([A-Z]+\))? (?:were|was|have been|has been) issued\b`),
		func(s string) bool {
			return strings.Contains(s, " issued") && strings.Contains(s, " were ") || strings.Contains(s, " been ")
		}},
	// "we invited 210 candidates", "1,057 candidates were invited"
	{regexp.MustCompile(`(?i)\binvited (\d[\d,]*) (?:candidates|applicants|people)\b|\b(\d[\d,]*) (?:candidates|applicants|people) (?:were|have been) invited\b`),
		func(s string) bool { return strings.Contains(s, "invited") }},
	// "... and 45 invitations"
	{regexp.MustCompile(`(?i)\band (\d[\d,]*) (?:invitations?|notifications?)\b`),
		func(s string) bool { return followedBy(s, "and ", func(c byte) bool { return '0' <= c && c <= '9' }) }},
}

// countMatches are the counts s states, as FindAllStringSubmatchIndex
// matches whose group 1 is the count.
func countMatches(s string) [][]int {
	var ms [][]int
	forms := 0
	for _, f := range countForms {
		if f.may(s) {
			if m := f.re.FindAllStringSubmatchIndex(s, -1); m != nil {
				ms = append(ms, m...)
				forms++
			}
		}
	}
	if forms > 1 {
		sort.Slice(ms, func(i, j int) bool { return ms[i][0] < ms[j][0] })
	}
	return ms
}

// followedBy reports whether w (lower-case) occurs in s, in any case,
// with a next byte that ok accepts.
// It searches s in place (indexFold) rather than a lower-cased copy, which
// was most of the parse's strings.ToLower bytes; the byte ok sees is still
// the lower-cased text's.
func followedBy(s, w string, ok func(byte) bool) bool {
	for {
		i := indexFold(s, w)
		if i < 0 || i+len(w) >= len(s) {
			return false
		}
		s = s[i+len(w):]
		if ok(lowerFirstByte(s)) {
			return true
		}
	}
}

// lowerFirstByte is strings.ToLower(s)[0] for a non-empty s, without the
// copy ("K", the Kelvin sign, lowers to "k"; an invalid byte to U+FFFD).
func lowerFirstByte(s string) byte {
	if c := s[0]; c < utf8.RuneSelf {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		return c
	}
	r, _ := utf8.DecodeRuneInString(s)
	var buf [utf8.UTFMax]byte
	utf8.EncodeRune(buf[:], unicode.ToLower(r))
	return buf[0]
}

// assignCounts sets Invitations where the text ties a count to one draw: a
// count in the draw's own paragraph, a count whose clause names one stream
// with one draw, or the only count of a one-draw announcement. A count
// shared by several streams goes to Notes instead.
//
// It returns the announcement's total: a count stated for several draws
// together, else the sum of the draws' own counts when each has one.
func assignCounts(draws []drawwatch.Draw, drawItem []int, items []item) *int {
	// the counts of every sentence, found once: counts[ii][si]
	counts := make([][][][]int, len(items))
	for ii, it := range items {
		if it.kind != itemText {
			continue
		}
		counts[ii] = make([][][]int, len(it.sentences))
		for si, s := range it.sentences {
			if mayCount(s) {
				counts[ii][si] = countMatches(s)
			}
		}
	}
	for i := range draws {
		ii := drawItem[i]
		if ii < 0 || sameItemDraws(drawItem, ii) != 1 || counts[ii] == nil {
			continue
		}
		for si, s := range items[ii].sentences {
			if ms := counts[ii][si]; len(ms) > 0 {
				if n, ok := countOf(s, ms[0]); ok {
					draws[i].Invitations = &n
					break
				}
			}
		}
	}
	var total *int
	for ii, sentences := range counts {
		for si, ms := range sentences {
			if len(ms) > 0 {
				own := sameItemDraws(drawItem, ii) == 1
				if t := assignSentenceCounts(draws, items[ii].sentences[si], ms, own); total == nil {
					total = t
				}
			}
		}
	}
	if total != nil {
		return total
	}
	sum := 0
	for _, d := range draws {
		if d.Invitations == nil {
			return nil
		}
		sum += *d.Invitations
	}
	return &sum
}

// assignSentenceCounts ties the counts of one sentence to draws; matches
// are its countMatches; own says the sentence's paragraph has one draw of
// its own. It returns a count the sentence states for several draws
// together, or nil.
func assignSentenceCounts(draws []drawwatch.Draw, text string, matches [][]int, own bool) (total *int) {
	for mi, m := range matches {
		n, ok := countOf(text, m)
		if !ok {
			continue
		}
		end := len(text)
		if mi+1 < len(matches) {
			end = matches[mi+1][0]
		}
		if dot := strings.Index(text[m[1]:end], ". "); dot >= 0 {
			end = m[1] + dot
		}
		clause := text[m[0]:end]
		named := findStreams(clause)
		switch {
		case len(draws) == 1:
			if draws[0].Invitations == nil {
				draws[0].Invitations = &n
			}
		case len(named) == 0 && !own:
			if total == nil { // "we issued 1,057 invitations" across the draws
				total = &n
			}
		case len(named) == 1:
			idx := -1
			for i, d := range draws {
				if d.Stream == named[0] {
					if idx >= 0 {
						idx = -2 // several draws of that stream: the count is their total
						break
					}
					idx = i
				}
			}
			if idx >= 0 && draws[idx].Invitations == nil {
				draws[idx].Invitations = &n
			}
			if idx == -2 && total == nil && allOf(draws, named[0]) {
				total = &n
			}
		case len(named) > 1:
			if total == nil {
				total = &n
			}
			note := strconv.Itoa(n) + " invitations in total across streams"
			for i := range draws {
				for _, st := range named {
					if draws[i].Stream == st && draws[i].Invitations == nil {
						draws[i].Notes = joinNote(draws[i].Notes, note)
						break
					}
				}
			}
		}
	}
	return total
}

// allOf reports whether every draw is of stream st.
func allOf(draws []drawwatch.Draw, st drawwatch.Stream) bool {
	for _, d := range draws {
		if d.Stream != st {
			return false
		}
	}
	return true
}

func sameItemDraws(drawItem []int, ii int) int {
	n := 0
	for _, x := range drawItem {
		if x == ii {
			n++
		}
	}
	return n
}

// countOf reads the count of one countMatches match m in s.
func countOf(s string, m []int) (int, bool) {
	if len(m) > 4 && m[2] < 0 { // the form's second alternative
		return parseCount(group(s, m, 2))
	}
	return parseCount(group(s, m, 1))
}

// mayCount is a cheap filter before the count regexps: the words a count
// sentence has.
func mayCount(s string) bool {
	return strings.Contains(s, "issued") || strings.Contains(s, "umber of") || strings.Contains(s, " and ") || strings.Contains(s, "invited")
}

// group is submatch i of the match m (a FindStringSubmatchIndex result) in s.
func group(s string, m []int, i int) string {
	if m[2*i] < 0 {
		return ""
	}
	return s[m[2*i]:m[2*i+1]]
}

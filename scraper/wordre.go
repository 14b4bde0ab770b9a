package scraper

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// wordRegexp is a case-insensitive regexp whose every alternative starts
// at a word boundary (`\bscores?...|\bpoints...`). Unanchored, Go's
// backtracker tries such a pattern at every byte of every sentence, which
// the profile of BenchmarkParseUpdates2024 showed as a fifth of the
// parse. A wordRegexp runs the pattern anchored, only where a word starts
// with one of its first letters, which is where every match starts: the
// same matches, in the same order, for a fraction of the work.
type wordRegexp struct {
	re    *regexp.Regexp // ^(?:alt|alt...), the leading \b checked by at
	first string         // the lower-case ASCII bytes a match can start with
	src   string         // the unanchored pattern it stands for (tests compare)
}

// newWordRegexp builds the regexp flags + `\b(?:alts[0])|\b(?:alts[1])...`.
// first lists every ASCII byte an alternative can start with.
func newWordRegexp(flags, first string, alts ...string) *wordRegexp {
	wrapped := make([]string, len(alts))
	for i, a := range alts {
		wrapped[i] = `(?:` + a + `)`
	}
	return &wordRegexp{
		re:    regexp.MustCompile(flags + `^(?:` + strings.Join(wrapped, "|") + `)`),
		first: first,
		src:   flags + `\b` + strings.Join(wrapped, `|\b`),
	}
}

// at reports whether a match may start at byte i: a word boundary there
// (\b, ASCII words as in regexp), and a first letter in either case. A
// non-ASCII rune may fold to an ASCII letter under (?i) ("ſ" to "s"), so
// the pattern is tried there too.
func (w *wordRegexp) at(s string, i int) bool {
	c := s[i]
	prevWord := i > 0 && isWordByte(s[i-1])
	if c >= utf8.RuneSelf {
		return c >= 0xC0 && prevWord // a rune start; it is no word byte
	}
	return isWordByte(c) != prevWord && strings.IndexByte(w.first, c|0x20) >= 0
}

// MatchString is regexp.MatchString of the unanchored pattern.
func (w *wordRegexp) MatchString(s string) bool {
	for i := range len(s) {
		if w.at(s, i) && w.re.MatchString(s[i:]) {
			return true
		}
	}
	return false
}

// FindAllStringSubmatchIndex is regexp's, of the unanchored pattern; n < 0
// finds them all.
func (w *wordRegexp) FindAllStringSubmatchIndex(s string, n int) [][]int {
	var out [][]int
	for i := 0; i < len(s) && (n < 0 || len(out) < n); i++ {
		if !w.at(s, i) {
			continue
		}
		m := w.re.FindStringSubmatchIndex(s[i:])
		if m == nil {
			continue
		}
		for k := range m {
			if m[k] >= 0 {
				m[k] += i
			}
		}
		out = append(out, m)
		i = max(i, m[1]-1) // matches do not overlap
	}
	return out
}

// FindStringIndex is regexp's, of the unanchored pattern.
func (w *wordRegexp) FindStringIndex(s string) []int {
	if m := w.FindAllStringSubmatchIndex(s, 1); m != nil {
		return m[0][:2]
	}
	return nil
}

// FindStringSubmatch is regexp's, of the unanchored pattern.
func (w *wordRegexp) FindStringSubmatch(s string) []string {
	m := w.FindAllStringSubmatchIndex(s, 1)
	if m == nil {
		return nil
	}
	out := make([]string, len(m[0])/2)
	for g := range out {
		if m[0][2*g] >= 0 {
			out[g] = s[m[0][2*g]:m[0][2*g+1]]
		}
	}
	return out
}

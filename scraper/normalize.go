package scraper

// Text normalization: what makes two spellings of one page read the same.

import (
	"bytes"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
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

// containsFold reports whether s contains sub (lower-case ASCII) in any
// case: the cheap test, before a case-insensitive regexp runs, that it can
// match at all.
func containsFold(s, sub string) bool {
	return indexFold(s, sub) >= 0
}

// indexFold is the index of the first match of sub (lower-case ASCII) in s
// in any case, or -1. It was strings.Index(strings.ToLower(s), sub); the
// profile of BenchmarkParseUpdates2024 put a fifth of the parse in those
// copies, so it jumps between the places of sub's first letter (either
// case) with strings.IndexByte and compares there with strings.EqualFold.
func indexFold(s, sub string) int {
	n := len(sub)
	if n == 0 {
		return 0
	}
	lo, up := sub[0], sub[0]
	if 'a' <= lo && lo <= 'z' {
		up = lo - 'a' + 'A'
	}
	nextLo, nextUp := -1, -1 // the next place of each, searched again once passed
	for i := 0; i+n <= len(s); {
		if nextLo < i {
			nextLo = indexByteFrom(s, i, lo)
		}
		if nextUp < i {
			nextUp = indexByteFrom(s, i, up)
		}
		j := min(nextLo, nextUp)
		if j+n > len(s) {
			return -1
		}
		if strings.EqualFold(s[j+1:j+n], sub[1:]) {
			return j
		}
		i = j + 1
	}
	return -1
}

// indexByteFrom is the index of c in s at or after from, or len(s).
func indexByteFrom(s string, from int, c byte) int {
	if k := strings.IndexByte(s[from:], c); k >= 0 {
		return from + k
	}
	return len(s)
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

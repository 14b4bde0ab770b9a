package drawwatch

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// EqualIgnoringMojibake reports whether a and b are the same text, or the
// same text except where one of them went through the wrong character set:
// UTF-8 read as windows-1252 ("Québec" as "QuÃ©bec", "’" as "â€™"), or
// windows-1252 read as UTF-8 (each such character lost to U+FFFD). A page
// re-served in another encoding is not an edit and must not alert. Once a
// pair shows such damage, spaces are ignored and dashes compare as one, as
// the parser may have split or folded the damaged text differently.
func EqualIgnoringMojibake(a, b string) bool {
	if a == b {
		return true
	}
	for _, p := range [2][2]string{{a, b}, {b, a}} {
		clean, dirty := p[0], p[1]
		switch {
		case hasLoss(dirty) && sameAllowingLoss(fold(clean), fold(dirty)):
			return true // windows-1252 read as UTF-8
		case reversible(dirty, clean):
			return true // UTF-8 read as windows-1252, undone
		}
		// UTF-8 read as windows-1252, redone on the clean side: also
		// matches the bytes windows-1252 leaves undefined (U+FFFD there).
		if g, err := charmap.Windows1252.NewDecoder().String(clean); err == nil && g != clean &&
			sameAllowingLoss(fold(g), fold(dirty)) {
			return true
		}
	}
	return false
}

// HasMojibake reports whether s shows a wrong decoding: U+FFFD or invalid
// UTF-8, or UTF-8 sequences read as windows-1252.
func HasMojibake(s string) bool {
	if hasLoss(s) {
		return true
	}
	raw, ok := encode1252(s)
	return ok && raw != s && utf8.ValidString(raw)
}

// reversible reports whether dirty is clean read as windows-1252: dirty
// encodes back to windows-1252 bytes that are valid UTF-8 and equal clean.
// A correctly decoded "Québec" encodes to invalid UTF-8 and is left alone.
func reversible(dirty, clean string) bool {
	raw, ok := encode1252(dirty)
	return ok && raw != dirty && utf8.ValidString(raw) && sameAllowingLoss(fold(raw), fold(clean))
}

// encode1252 encodes s to windows-1252. U+FFFD stands for a byte
// windows-1252 leaves undefined and becomes 0x9D, the one in "”" (E2 80 9D),
// by far the most common.
func encode1252(s string) (string, bool) {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if r == utf8.RuneError {
			b = append(b, 0x9D)
			continue
		}
		c, ok := charmap.Windows1252.EncodeRune(r)
		if !ok {
			return "", false
		}
		b = append(b, c)
	}
	return string(b), true
}

func hasLoss(s string) bool {
	return !utf8.ValidString(s) || strings.ContainsRune(s, utf8.RuneError)
}

// sameAllowingLoss compares rune by rune; a U+FFFD (a character lost in
// decoding) matches any one non-ASCII character, punctuation, symbol or
// space, never a letter or digit.
func sameAllowingLoss(a, b []rune) bool {
	if len(a) != len(b) {
		return false
	}
	for i, x := range a {
		y := b[i]
		if x != y && !(x == utf8.RuneError && couldBeLost(y)) && !(y == utf8.RuneError && couldBeLost(x)) {
			return false
		}
	}
	return true
}

func couldBeLost(r rune) bool {
	return r >= utf8.RuneSelf || unicode.IsPunct(r) || unicode.IsSymbol(r) || unicode.IsSpace(r)
}

// fold is s as runes with what the parser's normalization and its joining
// of inline text may change removed: spaces (nbsp included) and zero-width
// characters dropped, dashes to "-"; invalid bytes become U+FFFD.
func fold(s string) []rune {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		switch {
		case r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\u2060' || r == '\ufeff' || unicode.IsSpace(r):
			continue
		case unicode.Is(unicode.Pd, r) || r == '\u2212':
			r = '-'
		}
		out = append(out, r)
	}
	return out
}

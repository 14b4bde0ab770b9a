package drawwatch

import (
	"testing"

	"golang.org/x/text/encoding/charmap"
)

// asWindows1252ReadAsUTF8 garbles s the way a windows-1252 page parsed as
// UTF-8 is garbled; asUTF8ReadAsWindows1252 the other way round.
func asWindows1252ReadAsUTF8(t *testing.T, s string) string {
	t.Helper()
	b, err := charmap.Windows1252.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return string([]rune(b)) // invalid bytes become U+FFFD, as in a parser
}

func asUTF8ReadAsWindows1252(t *testing.T, s string) string {
	t.Helper()
	out, err := charmap.Windows1252.NewDecoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestEqualIgnoringMojibake(t *testing.T) {
	const text = "On February 6, 2024, we issued 1,424 invitations – Ontario’s “health occupations” draw, Québec excluded"
	tests := []struct {
		name string
		a, b string
		want bool
	}{
		{"identical", text, text, true},
		{"UTF-8 read as windows-1252", text, asUTF8ReadAsWindows1252(t, text), true},
		{"windows-1252 read as UTF-8", text, asWindows1252ReadAsUTF8(t, text), true},
		{"either way round", asWindows1252ReadAsUTF8(t, text), text, true},
		{"folded dashes against mojibake", "1,424 invitations - Ontario’s draw", asUTF8ReadAsWindows1252(t, "1,424 invitations – Ontario’s draw"), true},
		{"a real edit beside mojibake", "we issued 1,424 invitations – Ontario’s", asUTF8ReadAsWindows1252(t, "we issued 1,524 invitations – Ontario’s"), false},
		{"a lost character is not a letter", "Qu\uFFFDbec", "Qusbec", false},
		{"a real edit without mojibake", text, text + " (updated)", false},
		{"typography alone is an edit", "Ontario’s draw", "Ontario's draw", false},
		{"spacing differs only as the parser folds it", "Ontario’s\u00a0draw – 2024", asUTF8ReadAsWindows1252(t, "Ontario’s draw - 2024"), true},
		{"correct accents are not mojibake", "Québec", "Quebec", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := EqualIgnoringMojibake(tt.a, tt.b); got != tt.want {
				t.Errorf("EqualIgnoringMojibake(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
		})
	}
	if HasMojibake(text) || !HasMojibake(asUTF8ReadAsWindows1252(t, text)) || !HasMojibake(asWindows1252ReadAsUTF8(t, text)) {
		t.Error("HasMojibake does not tell the clean text from the garbled ones")
	}
}

package engine

import (
	"testing"

	"github.com/drawwatch/drawwatch"
)

func TestTargetWordsAndTiers(t *testing.T) {
	tests := []struct {
		a, b string
		tier int
	}{
		{"Health occupations", "", tierWildcard},
		{"", "", tierSame},
		{"Health occupations", "health", tierSame},
		{"Tech occupations", "Technology draw", tierSame},
		{"Economic Mobility Pathways Project", "economic mobility", tierOverlap},
		{"Northern Ontario", "Northern Ontario region", tierOverlap},
		{"Northern Ontario", "Eastern Ontario", tierNone},
		{"Greater Toronto Area", "GTA", tierOverlap},
		{"Skilled trades", "trades", tierOverlap},
		{"Health occupations", "Tech occupations", tierNone},
	}
	for _, tt := range tests {
		if got := matchTier(drawwatch.Draw{Category: tt.a}, drawwatch.Draw{Category: tt.b}); got != tt.tier {
			t.Errorf("matchTier(%q, %q) = %d, want %d (words %v / %v)", tt.a, tt.b, got, tt.tier, targetWords(tt.a), targetWords(tt.b))
		}
	}
}

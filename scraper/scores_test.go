package scraper

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"testing"

	"github.com/drawwatch/drawwatch/internal/realpages"
)

// reAndBandUnanchored is the form andBands stands for.
var reAndBandUnanchored = regexp.MustCompile(`(?i)\b(?:and|while|but|with)\b(?:\s+(?:a|the|score|scores|of|minimum))*`)

// TestAndBandsMatchesRegexp: the word-start scan finds exactly the
// unanchored regexp's matches, on crafted sentences and on every real page.
func TestAndBandsMatchesRegexp(t *testing.T) {
	texts := []string{
		"", "and", "AND", "band and", "sand and the score of 80", "and a score of 50 And The Minimum",
		"a score of 50 and above, and 80 and above", "while scores of 60, but the minimum with 70",
		"withdrawn; andante; _and and_ and", "é and écoles andé wand with\tthe  score",
		"and scores", "and another", "Bwith with\nof", "ſcore and ſcore",
	}
	if real, _ := realpages.Optional(t); real != "" {
		files, _ := filepath.Glob(filepath.Join(real, "ontario.ca", "*", "*"))
		for _, f := range files {
			if data, err := os.ReadFile(f); err == nil {
				texts = append(texts, string(data))
			}
		}
	}
	for _, s := range texts {
		want := reAndBandUnanchored.FindAllStringIndex(s, -1)
		if got := andBands(s); !reflect.DeepEqual(got, want) {
			t.Errorf("andBands(%.60q) = %v, want %v", s, got, want)
		}
	}
}

package scraper

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/drawwatch/drawwatch/internal/realpages"
)

// wordRegexps are every wordRegexp the parser uses, by name.
var wordRegexps = map[string]*wordRegexp{
	"reAndBand": reAndBand, "reIssued[0]": reIssued[0], "reIssued[1]": reIssued[1],
	"reIssued[2]": reIssued[2], "reInvited": reInvited, "reSentenceCategory": reSentenceCategory,
	"reOnDate": reOnDate, "reLooseScore": reLooseScore,
}

// TestWordRegexpsMatchUnanchored: each wordRegexp, run at word starts,
// finds exactly what its unanchored pattern finds (equivalenceTexts).
func TestWordRegexpsMatchUnanchored(t *testing.T) {
	texts := equivalenceTexts(t)
	for name, w := range wordRegexps {
		ref := regexp.MustCompile(w.src)
		for _, s := range texts {
			if got, want := w.FindAllStringSubmatchIndex(s, -1), ref.FindAllStringSubmatchIndex(s, -1); !reflect.DeepEqual(got, want) {
				t.Errorf("%s.FindAll(%.60q) = %v, want %v", name, s, got, want)
			}
			if got, want := w.FindStringSubmatch(s), ref.FindStringSubmatch(s); !reflect.DeepEqual(got, want) {
				t.Errorf("%s.FindStringSubmatch(%.60q) = %q, want %q", name, s, got, want)
			}
			if got, want := w.FindStringIndex(s), ref.FindStringIndex(s); !reflect.DeepEqual(got, want) {
				t.Errorf("%s.FindStringIndex(%.60q) = %v, want %v", name, s, got, want)
			}
			if got, want := w.MatchString(s), ref.MatchString(s); got != want {
				t.Errorf("%s.MatchString(%.60q) = %v, want %v", name, s, got, want)
			}
		}
	}
}

// equivalenceTexts are crafted sentences (odd case folds, word edges,
// non-ASCII) and every real page's text, raw and normalized, for the tests
// that a faster form finds what the plain one does.
func equivalenceTexts(t *testing.T) []string {
	texts := []string{
		"", "and", "AND", "band and", "sand and the score of 80", "and a score of 50 And The Minimum",
		"a score of 50 and above, and 80 and above", "while scores of 60, but the minimum with 70",
		"withdrawn; andante; _and and_ and", "é and écoles andé wand with\tthe  score",
		"and scores", "and another", "Bwith with\nof", "ſcore and ſcore of 77", "xſcores of 88 points",
		"We issued 1,063 invitations", "we iſſued 12 invitations in a draw", "ITAs were issued on May 5",
		"The OINP has sent 40 notifications", "1,057 candidates were invited", "x1,057 candidates were invited",
		"Candidates in agriculture-related occupations with a score", "for candidates with in-demand skills experience",
		"On January 5, 2024 and on Feb. 12", "upon January 5", "CRS scores of 45 and points 60 to 70", "Kelvin \u212a scores 55",
		"conducted two separate targeted draws and issued invitations",
	}
	if real, _ := realpages.Optional(t); real != "" {
		files, _ := filepath.Glob(filepath.Join(real, "ontario.ca", "*", "*"))
		for _, f := range files {
			if data, err := os.ReadFile(f); err == nil {
				texts = append(texts, string(data), NormalizeSpace(string(data)))
			}
		}
	}
	return texts
}

// TestFindStreamsOnePass: findStreams finds what streamsIn with indexFold
// (a scan per key) finds.
func TestFindStreamsOnePass(t *testing.T) {
	texts := append(equivalenceTexts(t), "HCP stream and (HCP) in-Demand", "the Foreign worker and foreign WORKER",
		"Masters and PhD graduate, phd graduate", "entrepreneu", "hcp", "French Speaking Skilled Workers", "(hcp)")
	for _, text := range texts {
		// sentence by sentence too: a whole page names each stream early
		texts = append(texts, strings.Split(text, ". ")...)
	}
	for _, s := range texts {
		if got, want := findStreams(s), streamsIn(s, false, indexFold); !reflect.DeepEqual(got, want) {
			t.Errorf("findStreams(%.60q) = %v, want %v", s, got, want)
		}
	}
}

// followedByLowered is followedBy as it was: on a lower-cased copy.
func followedByLowered(s, w string, ok func(byte) bool) bool {
	lower := strings.ToLower(s)
	for {
		i := strings.Index(lower, w)
		if i < 0 || i+len(w) >= len(lower) {
			return false
		}
		lower = lower[i+len(w):]
		if ok(lower[0]) {
			return true
		}
	}
}

// TestFollowedByInPlace: followedBy answers as on a lower-cased copy, for
// the bytes after the word (odd folds and invalid UTF-8 included).
func TestFollowedByInPlace(t *testing.T) {
	texts := append(equivalenceTexts(t), "issued \u212a", "ISSUED \u0130x", "issued \xff", "Issued É", "issued A", "and 5", "AND x and 7")
	for _, text := range texts {
		texts = append(texts, strings.Split(text, ". ")...)
	}
	// ok refusing every byte walks all the matches: the same bytes seen
	// in the same order give the same answer for any ok
	for _, s := range texts {
		for _, w := range []string{"ued ", "and "} {
			var got, want []byte
			followedBy(s, w, func(b byte) bool { got = append(got, b); return false })
			followedByLowered(s, w, func(b byte) bool { want = append(want, b); return false })
			if !bytes.Equal(got, want) {
				t.Errorf("followedBy(%.60q, %q) saw %q, want %q", s, w, got, want)
			}
		}
	}
}

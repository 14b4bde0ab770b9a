package scraper

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/internal/realpages"
)

const fuzzPrefix = 16 << 10

// FuzzParse: no input makes the parser panic, and what it returns keeps
// its promises (a page or an error, hashes matching text).
func FuzzParse(f *testing.F) {
	real, _ := realpages.Optional(f)
	for _, dir := range []string{"captured", "rendered", "crawl-md"} {
		if real == "" {
			break
		}
		files, _ := filepath.Glob(filepath.Join(real, "ontario.ca", dir, "*"))
		for _, file := range files {
			if data, err := os.ReadFile(file); err == nil {
				f.Add(data)
				// a short prefix of each page too: the mutator works far
				// faster on small inputs, and prefixes are cut-off documents
				if len(data) > fuzzPrefix {
					f.Add(data[:fuzzPrefix])
				}
			}
		}
	}
	hand, _ := filepath.Glob(filepath.Join("testdata", "updates", "*.html"))
	for _, file := range hand {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("<h2>May</h2><h3>May 1</h3><h4>x</h4><p>we issued 3 invitations under the Entrepreneur stream, score between 9 and 1</p><ul><li>NOC 1 -</li></ul>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, kind := range []drawwatch.PageKind{"", drawwatch.PageUpdates} {
			page, err := Parse(kind, data, "https://www.ontario.ca/page/2024-ontario-immigrant-nominee-program-updates")
			if (page == nil) == (err == nil) {
				t.Fatalf("Parse(%q) = %v, %v: want exactly one of page and error", kind, page, err)
			}
			if page == nil {
				continue
			}
			for _, a := range page.Announcements {
				if a.Hash != drawwatch.ContentHash(a.Text) {
					t.Fatalf("%s: hash does not match text", a.ID)
				}
				for _, d := range a.Draws {
					if d.ScoreMin != nil && d.ScoreMax != nil && *d.ScoreMin > *d.ScoreMax {
						t.Fatalf("%s: band %d-%d", a.ID, *d.ScoreMin, *d.ScoreMax)
					}
				}
			}
		}
	})
}

package scraper

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// rewrites turn one real way of writing a score clause or a NOC list
// into the other forms the parser must read alike.
var (
	reOpenClause  = regexp.MustCompile(`score of (?:<strong>)?(\d+)(?:</strong>)? and above`)
	reRangeClause = regexp.MustCompile(`score of (\d+)-(\d+)`)
	reNOCList     = regexp.MustCompile(`(?s)<ul>((?:\s*<li>[^<]*<abbr[^>]*>NOC</abbr>.*?</li>)+)\s*</ul>`)
	reNOCItem     = regexp.MustCompile(`(?s)<li>(.*?)</li>`)
	reTag         = regexp.MustCompile(`<[^>]+>`)
	reParaList    = regexp.MustCompile(`(?s)</p>\s*<ul>((?:\s*<li>[^<]*<abbr[^>]*>NOC</abbr>.*?</li>)+)\s*</ul>`)
)

var scoreRewrites = []struct {
	name string
	open string // replaces reOpenClause ($1: the score)
	rng  string // replaces reRangeClause ($1, $2)
}{
	{"at least / between", "score of at least $1", "score between <strong>$1</strong> and <strong>$2</strong>"},
	{"or higher / ranging from", "score of <strong>$1</strong> or higher", "score ranging from $1 to $2"},
	{"or more / to", "score of $1 or more", "score of $1 to $2"},
	{"and above / en dash", "score of $1 and above", "score of $1&ndash;$2"},
}

// listItems reads the code and title of each item of a real NOC list.
func listItems(ul string) [][2]string {
	var out [][2]string
	for _, m := range reNOCItem.FindAllStringSubmatch(ul, -1) {
		text := strings.TrimSpace(strings.ReplaceAll(reTag.ReplaceAllString(m[1], ""), "&nbsp;", " "))
		text = strings.TrimSpace(strings.TrimPrefix(text, "NOC"))
		code, title, _ := strings.Cut(text, " ")
		title = strings.TrimLeft(strings.TrimSpace(title), "-– ")
		out = append(out, [2]string{code, title})
	}
	return out
}

var listRewrites = map[string]func(html string) string{
	"ul": func(html string) string { return html },
	"table": func(html string) string {
		return reNOCList.ReplaceAllStringFunc(html, func(ul string) string {
			var b strings.Builder
			b.WriteString(`<table class="table"><thead><tr><th scope="col">NOC</th><th scope="col">Occupation</th></tr></thead><tbody>`)
			for _, it := range listItems(ul) {
				fmt.Fprintf(&b, "<tr><td>%s</td><td>%s</td></tr>", it[0], it[1])
			}
			return b.String() + "</tbody></table>"
		})
	},
	"inline": func(html string) string {
		return reParaList.ReplaceAllStringFunc(html, func(ul string) string {
			var codes []string
			for _, it := range listItems(ul) {
				codes = append(codes, "<abbr>NOC</abbr> "+it[0])
			}
			last := len(codes) - 1
			if last == 0 {
				return " " + codes[0] + ".</p>"
			}
			return " " + strings.Join(codes[:last], ", ") + " or " + codes[last] + ".</p>"
		})
	},
}

// TestRewrittenRealAnnouncements takes real announcements, rewrites their
// score clauses and NOC lists into the other forms, and expects the same
// draws (stream, category, band, count, codes, date) from every rewrite.
func TestRewrittenRealAnnouncements(t *testing.T) {
	sources := []struct {
		file, url, id, next string
	}{
		{"captured/2024-updates.2025-12.html", url2024, "February6-0", "<h4 id="},
		{"captured/2024-updates.2025-12.html", url2024, "February8-1", "<h4 id="},
		{"rendered/2026-updates.html", url2026, "april23-0", "<h4"},
		{"rendered/2026-updates.html", url2026, "april23-1", "<h4"},
		{"rendered/2026-updates.html", url2026, "april8-1", "<h4"},
		{"rendered/2026-updates.html", url2026, "february18-0", "<h4"},
	}
	rewritten := 0
	for _, src := range sources {
		data := readPage(t, src.file)
		real := findAnnouncement(t, parseReal(t, src.file, src.url), strings.ToLower(src.id))
		want := factsOf(real.Draws)
		section := sectionHTML(t, data, src.id, src.next)
		posted := dateWords(real.Posted)
		month, _, _ := strings.Cut(posted, " ")
		for _, sr := range scoreRewrites {
			for list, rewrite := range listRewrites {
				html := reOpenClause.ReplaceAllString(section, sr.open)
				html = reRangeClause.ReplaceAllString(html, sr.rng)
				html = rewrite(html)
				if html != section {
					rewritten++
				}
				page := `<html><head><title>Ontario Immigrant Nominee Program updates</title></head><body><div class="body-field"><h2>` +
					month + `</h2><h3>` + posted + `</h3><h4 ` + html + `</div></body></html>`
				parsed, err := Parse("", []byte(page), src.url)
				if err != nil {
					t.Fatalf("%s %s/%s: %v", src.id, sr.name, list, err)
				}
				got := findAnnouncement(t, parsed, strings.ToLower(src.id))
				if diff := cmp.Diff(want, factsOf(got.Draws)); diff != "" {
					t.Errorf("%s rewritten (%s, %s): draws (-real +rewritten):\n%s", src.id, sr.name, list, diff)
				}
				if len(got.Unparsed) != 0 {
					t.Errorf("%s rewritten (%s, %s): unparsed %q", src.id, sr.name, list, got.Unparsed)
				}
			}
		}
	}
	if rewritten < 30 {
		t.Errorf("only %d rewrites changed the HTML: the fixtures changed?", rewritten)
	}
}

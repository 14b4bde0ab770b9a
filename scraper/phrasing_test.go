package scraper

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/drawwatch/drawwatch"
)

const url2026 = "https://www.ontario.ca/page/2026-ontario-immigrant-nominee-program-updates"

// drawFacts are the fields a phrasing test pins down for each draw.
type drawFacts struct {
	Stream      drawwatch.Stream
	Category    string
	Min, Max    *int
	Invitations *int
	Codes       []string
	Date        string
}

func factsOf(draws []drawwatch.Draw) []drawFacts {
	out := []drawFacts{}
	for _, d := range draws {
		out = append(out, drawFacts{d.Stream, d.Category, d.ScoreMin, d.ScoreMax, d.Invitations, codes(d.NOCs), d.Date})
	}
	return out
}

// TestPhrasingPages reads hand-written announcements, one per phrasing
// class the real pages combine: several streams with their own bands over
// one shared list, open bands written four ways, inline codes, codes in a
// table, bold and h5 sub-headings.
func TestPhrasingPages(t *testing.T) {
	tests := []struct {
		file, id string
		want     []drawFacts
		total    *int
	}{
		{"shared-list-one-sentence.html", "may12-0", []drawFacts{
			{drawwatch.StreamEJOForeignWorker, "", intp(45), nil, nil, []string{"44101", "75101"}, "2026-05-12"},
			{drawwatch.StreamEJOInternationalStudent, "", intp(62), nil, nil, []string{"44101", "75101"}, "2026-05-12"},
		}, intp(1057)},
		{"shared-list-one-sentence.html", "may12-1", []drawFacts{
			{drawwatch.StreamMastersGraduate, "", intp(48), nil, nil, []string{}, "2026-05-12"},
			{drawwatch.StreamPhDGraduate, "", intp(50), nil, nil, []string{}, "2026-05-12"},
		}, intp(412)},
		{"shared-list-one-sentence.html", "may12-2", []drawFacts{
			{drawwatch.StreamEJOInDemandSkills, "", intp(30), intp(41), nil, []string{"44101", "75101", "94140"}, "2026-05-12"},
		}, nil},
		{"shared-list-one-sentence.html", "may12-3", []drawFacts{
			{drawwatch.StreamMastersGraduate, "", intp(70), nil, intp(210), []string{}, "2026-05-12"},
		}, intp(210)},
		// bands right after "stream:" in list items, the count before "were issued"
		{"shared-list-one-sentence.html", "may12-4", []drawFacts{
			{drawwatch.StreamMastersGraduate, "", intp(45), nil, nil, []string{}, "2026-05-12"},
			{drawwatch.StreamPhDGraduate, "", intp(50), nil, nil, []string{}, "2026-05-12"},
		}, intp(620)},
		// one sentence, one stream, two bands: each with its clause's date and occupation group
		{"shared-list-one-sentence.html", "may12-5", []drawFacts{
			{drawwatch.StreamEJOInternationalStudent, "Health occupations", intp(73), nil, nil, []string{}, "2026-05-12"},
			{drawwatch.StreamEJOInternationalStudent, "Tech occupations", intp(70), nil, nil, []string{}, "2026-05-13"},
		}, nil},
		{"subheadings-strong-table.html", "june3-0", []drawFacts{
			{drawwatch.StreamHCP, "Health occupations", intp(412), intp(436), intp(310), []string{"31301", "32101"}, "2026-06-03"},
			{drawwatch.StreamHCP, "Tech occupations", intp(440), intp(452), intp(145), []string{"21231"}, "2026-06-03"},
		}, intp(455)},
		// no band: one draw per sub-heading list
		{"subheadings-strong-table.html", "june3-1", []drawFacts{
			{drawwatch.StreamEJOInDemandSkills, "Health and agricultural occupations", nil, nil, nil, []string{"33102", "85100"}, "2026-06-03"},
			{drawwatch.StreamEJOInDemandSkills, "Manufacturing occupations", nil, nil, nil, []string{"94140"}, "2026-06-03"},
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.file+"#"+tt.id, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "updates", "phrasing", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			page, err := Parse("", data, url2026)
			if err != nil {
				t.Fatal(err)
			}
			a := findAnnouncement(t, page, tt.id)
			if diff := cmp.Diff(tt.want, factsOf(a.Draws)); diff != "" {
				t.Errorf("draws (-want +got):\n%s", diff)
			}
			if !cmp.Equal(a.InvitationsTotal, tt.total) || len(a.Unparsed) != 0 {
				t.Errorf("invitations_total %v, want %v; unparsed %q, want none", deref(a.InvitationsTotal), deref(tt.total), a.Unparsed)
			}
		})
	}
}

// The parts a generated announcement is composed of. Each band form
// writes lo (and hi) its own way; each layout binds streams to bands and
// lists its own way; each list form writes the codes its own way.
var (
	openBandForms = []string{
		"a score of %d and above", "a score of <strong>%d</strong> or higher", "a score of at least %d",
		"an EOI score of %d or more", "%d points or more", "a score cut-off of %d",
	}
	rangeBandForms = []string{
		"a score of %d-%d", "a score of <strong>%d</strong>&ndash;<strong>%d</strong>", "a score between <strong>%d</strong> and <strong>%d</strong>",
		"scores ranging from %d to %d", "a score of %d to %d", "a score of %d &ndash; %d", "scores of %d through %d",
	}
	phrasingNOCs = []drawwatch.NOC{{Code: "44101", Title: "Home support workers, housekeepers and related occupations"},
		{Code: "75101", Title: "Material handlers"}, {Code: "94140", Title: "Process control and machine operators, food and beverage processing"}}
	listForms = map[string]func(nocs []drawwatch.NOC) string{
		"ul": func(nocs []drawwatch.NOC) string {
			var b strings.Builder
			b.WriteString(`<ul>`)
			for _, n := range nocs {
				fmt.Fprintf(&b, `<li><abbr title="National Occupational Classification">NOC</abbr>&nbsp;%s - %s</li>`, n.Code, n.Title)
			}
			return b.String() + `</ul>`
		},
		"table": func(nocs []drawwatch.NOC) string {
			var b strings.Builder
			b.WriteString(`<table class="table"><thead><tr><th scope="col">NOC</th><th scope="col">Occupation</th></tr></thead><tbody>`)
			for _, n := range nocs {
				fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td></tr>`, n.Code, n.Title)
			}
			return b.String() + `</tbody></table>`
		},
	}
)

type phrasingStream struct {
	slug drawwatch.Stream
	name string
}

// phrasingAnnouncement writes one announcement for two streams with bands
// b1, b2 in the given layout and list form.
func phrasingAnnouncement(layout, list string, s1, s2 phrasingStream, b1, b2 string) (html string, codes1, codes2 []string) {
	intro := fmt.Sprintf(`<p>On May 12, 2026, we issued 1,057 invitations to apply to candidates who may qualify for the %s or %s streams.</p>`, s1.name, s2.name)
	all := []string{"44101", "75101", "94140"}
	switch layout {
	case "separate":
		p := func(s phrasingStream, band string, nocs []drawwatch.NOC) string {
			return fmt.Sprintf(`<p>Candidates with %s received an invitation under the %s stream. Candidates must have a job offer in one of the following National Occupational Classification (<abbr>NOC</abbr>) codes:</p>%s`,
				band, s.name, listForms[list](nocs))
		}
		return intro + p(s1, b1, phrasingNOCs[:2]) + p(s2, b2, phrasingNOCs[2:]), all[:2], all[2:]
	case "separate-stream-first":
		p := func(s phrasingStream, band string, nocs []drawwatch.NOC) string {
			return fmt.Sprintf(`<p>Under the %s stream, candidates with %s received an invitation if they had a job offer in one of the following codes:</p>%s`,
				s.name, band, listForms[list](nocs))
		}
		return intro + p(s1, b1, phrasingNOCs[:2]) + p(s2, b2, phrasingNOCs[2:]), all[:2], all[2:]
	case "shared":
		return intro + fmt.Sprintf(`<p>Candidates received an invitation under the %s stream if they had %s, and under the %s stream if they had %s, and a job offer in one of the following NOC codes:</p>%s`,
			s1.name, b1, s2.name, b2, listForms[list](phrasingNOCs)), all, all
	case "shared-inline":
		return intro + fmt.Sprintf(`<p>Candidates received an invitation under the %s stream if they had %s, and under the %s stream if they had %s, and a job offer in <abbr>NOC</abbr> 44101, <abbr>NOC</abbr> 75101 or <abbr>NOC</abbr> 94140.</p>`,
			s1.name, b1, s2.name, b2), all, all
	}
	panic("unknown layout " + layout)
}

// TestPhrasingCombinations composes announcements from the parts above
// (stream pairs × layouts × list forms × band forms) in the site's markup
// and expects the same draws from every combination.
func TestPhrasingCombinations(t *testing.T) {
	skeleton, err := os.ReadFile(filepath.Join("testdata", "updates", "phrasing", "skeleton.html"))
	if err != nil {
		t.Fatal(err)
	}
	pairs := [][2]phrasingStream{
		{{drawwatch.StreamEJOForeignWorker, "Employer Job Offer: Foreign Worker"}, {drawwatch.StreamEJOInternationalStudent, "International Student"}},
		{{drawwatch.StreamMastersGraduate, "Masters Graduate"}, {drawwatch.StreamPhDGraduate, "PhD Graduate"}},
	}
	type band struct {
		form   string
		lo, hi *int
	}
	var bands []band
	for _, f := range openBandForms {
		bands = append(bands, band{fmt.Sprintf(f, 45), intp(45), nil})
	}
	for _, f := range rangeBandForms {
		bands = append(bands, band{fmt.Sprintf(f, 52, 61), intp(52), intp(61)})
	}
	n := 0
	for _, pair := range pairs {
		for _, layout := range []string{"separate", "separate-stream-first", "shared", "shared-inline"} {
			for _, list := range []string{"ul", "table"} {
				if layout == "shared-inline" && list == "table" {
					continue // no list
				}
				for i, b1 := range bands {
					b2 := bands[(i+3)%len(bands)] // the other stream, another form
					html, c1, c2 := phrasingAnnouncement(layout, list, pair[0], pair[1], b1.form, b2.form)
					page := strings.Replace(string(skeleton), "{{announcement}}", html, 1)
					name := fmt.Sprintf("%s/%s/%s/%s|%s", pair[0].slug, layout, list, b1.form, b2.form)
					want := []drawFacts{
						{pair[0].slug, "", b1.lo, b1.hi, nil, c1, "2026-05-12"},
						{pair[1].slug, "", b2.lo, b2.hi, nil, c2, "2026-05-12"},
					}
					n++
					parsed, err := Parse("", []byte(page), url2026)
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					if len(parsed.Announcements) != 1 {
						t.Fatalf("%s: %d announcements", name, len(parsed.Announcements))
					}
					a := parsed.Announcements[0]
					if diff := cmp.Diff(want, factsOf(a.Draws)); diff != "" {
						t.Errorf("%s: draws (-want +got):\n%s", name, diff)
					}
					if !cmp.Equal(a.InvitationsTotal, intp(1057)) || len(a.Unparsed) != 0 {
						t.Errorf("%s: invitations_total %v, unparsed %q", name, deref(a.InvitationsTotal), a.Unparsed)
					}
				}
			}
		}
	}
	if n < 150 {
		t.Errorf("only %d combinations", n)
	}
}

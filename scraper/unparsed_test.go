package scraper

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/drawwatch/drawwatch"
)

// TestUnparsedSentence: a sentence stating a band in a form the extractor
// does not know ("scoring no fewer than 61 points"), for a stream no draw
// covers, is listed verbatim in Unparsed; the sentences it read are not.
func TestUnparsedSentence(t *testing.T) {
	data, err := os.ReadFile("testdata/updates/unparsed-2026.html")
	if err != nil {
		t.Fatal(err)
	}
	page, err := Parse("", data, url2026)
	if err != nil {
		t.Fatal(err)
	}
	a := findAnnouncement(t, page, "may20-0")
	// the one draw read takes the announcement's count, as a single draw does
	want := []drawFacts{{drawwatch.StreamEJOInternationalStudent, "", intp(58), nil, intp(640), []string{}, "2026-05-20"}}
	if diff := cmp.Diff(want, factsOf(a.Draws)); diff != "" {
		t.Errorf("draws (-want +got):\n%s", diff)
	}
	wantUnparsed := []string{
		// names the Foreign Worker stream as invited, and no draw is of it
		"On May 20, 2026, we issued 640 invitations to apply to candidates who may qualify for the Employer Job Offer: Foreign Worker or International Student streams.",
		// a band in a form the extractor does not read
		"Candidates scoring no fewer than 61 points were also invited under the Foreign Worker stream, provided their job offer is in Northern Ontario."}
	if diff := cmp.Diff(wantUnparsed, a.Unparsed); diff != "" {
		t.Errorf("unparsed (-want +got):\n%s", diff)
	}
	if a.InvitationsTotal == nil || *a.InvitationsTotal != 640 {
		t.Errorf("invitations_total = %v, want 640", deref(a.InvitationsTotal))
	}
	// an issuance phrased in words the extractor does not know reads as
	// news, and its band sentence is quoted, not dropped
	news := findAnnouncement(t, page, "may20-1")
	if news.Kind != drawwatch.KindNews || !cmp.Equal(news.Unparsed, []string{"This week Ontario reached out to 300 candidates with a score of 60 and above under the Foreign Worker stream."}) {
		t.Errorf("may20-1: kind %s, unparsed %q", news.Kind, news.Unparsed)
	}
	// a stream drawwatch does not know: no draw, the sentence quoted
	unknown := findAnnouncement(t, page, "may20-2")
	if len(unknown.Draws) != 0 || !cmp.Equal(unknown.Unparsed, []string{"On May 20, 2026, we issued 88 invitations to apply to candidates under the Regional Talent stream with a score of 40 and above."}) {
		t.Errorf("may20-2: %d draws, unparsed %q", len(unknown.Draws), unknown.Unparsed)
	}
}

// TestUnparsedRealPages: on the real pages, every announcement the parser
// reads in full has an empty Unparsed list ([] in JSON), and what it does
// list is text of the announcement, verbatim.
func TestUnparsedRealPages(t *testing.T) {
	listed := 0
	for _, p := range realUpdatesPages {
		page := parseReal(t, p.file, p.url)
		for _, a := range page.Announcements {
			if a.Unparsed == nil {
				t.Errorf("%s: unparsed is nil, want [] when all was read", a.ID)
			}
			for _, s := range a.Unparsed {
				listed++
				if a.Kind == drawwatch.KindDraw && !containsNormalized(a.Text, s) {
					t.Errorf("%s: unparsed %q is not the announcement's text", a.ID, s)
				}
			}
		}
	}
	t.Logf("%d unparsed sentences or lists across the real pages", listed)
}

// containsNormalized reports s in text, or (a NOC list, quoted as one line
// of "NOC code - title" items) each of its codes in text.
func containsNormalized(text, s string) bool {
	if strings.Contains(text, s) {
		return true
	}
	for _, c := range inlineNOCsAt(s) {
		if !strings.Contains(text, "NOC "+c.noc.Code) {
			return false
		}
	}
	return len(inlineNOCsAt(s)) > 0
}

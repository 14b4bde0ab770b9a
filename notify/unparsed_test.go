package notify

import (
	"encoding/json"
	"html"
	"os"
	"strings"
	"testing"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/scraper"
)

// TestUnparsedQuoted: an announcement with a sentence the parser could not
// read says so in its alert and quotes the sentence in full, in the plain
// text and HTML of the email and in Slack's blocks as sent on the wire.
func TestUnparsedQuoted(t *testing.T) {
	data, err := os.ReadFile("../scraper/testdata/updates/unparsed-2026.html")
	if err != nil {
		t.Fatal(err)
	}
	page, err := scraper.Parse("", data, "https://www.ontario.ca/page/2026-ontario-immigrant-nominee-program-updates")
	if err != nil {
		t.Fatal(err)
	}
	an := page.Announcements[0]
	if len(an.Unparsed) == 0 {
		t.Fatal("the fixture's announcement has no unparsed sentence")
	}
	sentence := "Candidates scoring no fewer than 61 points were also invited under the Foreign Worker stream, provided their job offer is in Northern Ontario."
	for _, typ := range []drawwatch.EventType{drawwatch.EventNew, drawwatch.EventChanged} {
		msg := Render(drawwatch.Alert{Target: "slack", Event: drawwatch.Event{Type: typ, Announcement: &an,
			Fields: []drawwatch.FieldChange{{Field: "text", Old: "x", New: "y"}}}}, nil)
		blocks, err := json.Marshal(msg.Blocks)
		if err != nil {
			t.Fatal(err)
		}
		wire := string(blocks)
		for name, body := range map[string]string{"text": msg.Text, "html": html.UnescapeString(msg.HTML), "slack": unescapeSlack(wire)} {
			if !strings.Contains(body, UnparsedIntro) || !strings.Contains(body, sentence) {
				t.Errorf("%s alert, %s rendering does not quote the unread sentence:\n%s", typ, name, body)
			}
		}
	}
	// a fully read announcement says nothing of the kind
	an.Unparsed = []string{}
	if msg := Render(drawwatch.Alert{Event: drawwatch.Event{Type: drawwatch.EventNew, Announcement: &an}}, nil); strings.Contains(msg.Text, UnparsedIntro) {
		t.Errorf("alert of a fully read announcement mentions unread parts:\n%s", msg.Text)
	}
}

// unescapeSlack undoes JSON's and mrkdwn's escapes of the few characters
// the sentence holds.
func unescapeSlack(s string) string {
	r := strings.NewReplacer(`\u0026`, "&", `\u003c`, "<", `\u003e`, ">", "&amp;", "&", "&lt;", "<", "&gt;", ">", `\"`, `"`)
	return r.Replace(s)
}

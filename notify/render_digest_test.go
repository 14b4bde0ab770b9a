package notify

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/drawwatch/drawwatch"
	"github.com/slack-go/slack"
)

// A big digest stays within Slack's limits (50 blocks, 3,000 characters a
// section) and the text part lists every alert.
func TestBigDigestWithinSlackLimits(t *testing.T) {
	ev := drawwatch.Event{Type: drawwatch.EventDigest, DetectedAt: time.Date(2026, 6, 11, 12, 0, 0, 0, time.UTC)}
	for i := range 300 {
		ev.Digest = append(ev.Digest, drawwatch.Event{Type: drawwatch.EventNews, Announcement: &drawwatch.Announcement{
			ID: fmt.Sprint(i), Title: fmt.Sprintf("News item %03d with a fairly long title to fill the section", i),
			SourceURL: fmt.Sprintf("https://www.ontario.ca/page/x#n%d", i)}})
	}
	m := Render(drawwatch.Alert{ID: 1, Target: "team", Event: ev}, nil)
	if len(m.Blocks) > maxBlocks {
		t.Errorf("%d blocks, Slack takes %d", len(m.Blocks), maxBlocks)
	}
	for _, b := range m.Blocks {
		if sec, ok := b.(*slack.SectionBlock); ok && sec.Text != nil && len(sec.Text.Text) > 3000 {
			t.Errorf("section of %d characters", len(sec.Text.Text))
		}
	}
	for i := range 300 {
		if !strings.Contains(m.Text, fmt.Sprintf("News item %03d", i)) {
			t.Fatalf("text part lacks item %d", i)
		}
	}
	if m.Subject != "drawwatch digest: 300 news items" {
		t.Errorf("subject %q", m.Subject)
	}
}

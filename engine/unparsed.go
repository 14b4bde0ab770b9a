package engine

import (
	"fmt"
	"strings"
	"time"

	"github.com/drawwatch/drawwatch"
)

// unparsedOpsEvent is the one ops alert a page change raises when
// announcements it alerts on hold sentences the parser could not read
// (Announcement.Unparsed): the maintainer learns which announcement needs
// a parser update. The dedupe key follows the announcements' content, so
// re-applying the same page never queues it twice.
func unparsedOpsEvent(source, pageURL string, anns []drawwatch.Announcement, now time.Time) (drawwatch.Event, string, bool) {
	if len(anns) == 0 {
		return drawwatch.Event{}, "", false
	}
	var msg strings.Builder
	fmt.Fprintf(&msg, "%d announcement(s) on %s hold sentences the parser could not read; their alerts quote them. Update the parser for:", len(anns), pageURL)
	keys := make([]string, len(anns))
	for i, a := range anns {
		link := a.SourceURL
		if link == "" {
			link = pageURL
		}
		fmt.Fprintf(&msg, "\n- %s %q (%s): %d unread sentence(s), first: %q", a.ID, a.Title, link, len(a.Unparsed), a.Unparsed[0])
		keys[i] = a.ID + "@" + a.Hash
	}
	ev := drawwatch.Event{Type: drawwatch.EventOps, Source: source, Message: msg.String(), DetectedAt: now}
	return ev, pageURL + "|unparsed|" + strings.Join(keys, ","), true
}

// alertUnparsed queues the one ops alert for the announcements this page
// alerted on that hold unread sentences.
func (d *decision) alertUnparsed() {
	if ev, dedupe, ok := unparsedOpsEvent(d.opt.Source, d.page.URL, d.unreadable, d.opt.Now); ok {
		d.queue(d.route(ev), ev, dedupe, "")
	}
}

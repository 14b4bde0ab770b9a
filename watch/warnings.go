package watch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/config"
)

// alertWarnings tells the ops routes about parser warnings (an unknown
// Express Entry round name, a round that does not read): the data was kept,
// but drawwatch's vocabulary or the source's document needs a look.
//
// A warning about an announcement alerts when that announcement is new or
// changed (not when it is history taken in silently); a warning about the
// page as a whole alerts unless this is the source's first read. The dedupe
// key is the warning itself, so a warning repeated on every run alerts once.
func (r *Runner) alertWarnings(ctx context.Context, src config.Source, page *drawwatch.Page, changes []drawwatch.Change, readBefore bool) {
	if r.Route == nil {
		return
	}
	var ofAnnouncements, alert []string
	for _, a := range page.Announcements {
		ofAnnouncements = append(ofAnnouncements, a.Warnings...)
	}
	for _, c := range changes {
		if c.Type == drawwatch.ChangeNew || c.Type == drawwatch.ChangeChanged {
			alert = append(alert, c.Announcement.Warnings...)
		}
	}
	if readBefore {
		for _, w := range page.Warnings {
			if !slices.Contains(ofAnnouncements, w) {
				alert = append(alert, w)
			}
		}
	}
	for _, w := range alert {
		ev := drawwatch.Event{Type: drawwatch.EventWarning, Source: src.Name, DetectedAt: r.now(),
			Message: fmt.Sprintf("%s was read and stored, with this warning: %s", src.Name, w)}
		sum := sha256.Sum256([]byte(w))
		key := fmt.Sprintf("warning|%s|%s", src.Name, hex.EncodeToString(sum[:12]))
		for _, target := range r.Route(ev) {
			if _, _, err := r.Store.Enqueue(ctx, target, ev, target+"|"+key); err != nil {
				r.logger().Error("queue warning alert", "source", src.Name, "target", target, "err", err)
			}
		}
	}
}

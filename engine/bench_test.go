package engine

import (
	"fmt"
	"testing"

	"github.com/drawwatch/drawwatch"
)

// largePage is an updates page of n draw announcements, one per day.
func largePage(n int) Page {
	anns := make([]drawwatch.Announcement, n)
	for i := range anns {
		date := now.AddDate(0, 0, -i).Format("2006-01-02")
		anns[i] = ann(fmt.Sprintf("a%05d", i), date, fmt.Sprintf("draw %d", i), hcp(date, "Health occupations", n2(379+i%50), n2(430), nil))
	}
	return page(drawwatch.PageUpdates, updatesURL, anns...)
}

func n2(v int) *int { return &v }

// BenchmarkCompute decides a 10,000-announcement page: new into an empty
// store (every draw linked, every alert built with its previous draw), and
// unchanged against its own stored rows.
func BenchmarkCompute(b *testing.B) {
	p := largePage(10000)
	opt := Options{Now: now, BacklogDays: 100000, Route: toAll("slack", "email")}
	b.Run("fresh", func(b *testing.B) {
		for b.Loop() {
			if _, err := Compute(p, State{}, opt); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("unchanged", func(b *testing.B) {
		st := State{Announcements: stored(p.Announcements...)}
		for b.Loop() {
			plan, err := Compute(p, st, opt)
			if err != nil || len(plan.Alerts) != 0 {
				b.Fatalf("%d alerts, %v", len(plan.Alerts), err)
			}
		}
	})
}

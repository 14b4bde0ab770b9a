package watch

import (
	"bytes"
	"context"
	"testing"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/config"
)

// cut removes from page the first stretch that starts at from and ends
// before to.
func cut(t *testing.T, page []byte, from, to string) []byte {
	t.Helper()
	i := bytes.Index(page, []byte(from))
	if i < 0 {
		t.Fatalf("page has no %q", from)
	}
	j := bytes.Index(page[i+len(from):], []byte(to))
	if j < 0 {
		t.Fatalf("page has no %q after %q", to, from)
	}
	return append(bytes.Clone(page[:i]), page[i+len(from)+j:]...)
}

// TestOnePassBothPagesOneMessagePerTarget: on a draw day the run after the
// draw finds it on the updates page and in the NOI table at once. Each
// target gets exactly one message about the new draw, carrying the
// table's count and the page's NOCs, whichever page is read first; a
// correction in a later pass is a message of its own.
func TestOnePassBothPagesOneMessagePerTarget(t *testing.T) {
	const key = "2024-02-06|hcp|health-occupations"
	updates := readPage(t, "captured/2024-updates.2025-12.html")
	noi := readPage(t, "rendered/oinp-express-entry-notifications-interest.html")
	// The pages as they stood before the 6 Feb 2024 health draw was posted.
	updatesBefore := cut(t, updates, `<h3>February 6, 2024</h3><h4 id="February6-0">`, `<h3>`)
	noiBefore := cut(t, noi, `<tr><td>February 6, 2024</td>`, `</tbody>`) // the last row of the HCP table
	noiCorrected := bytes.Replace(noi, []byte("<td>February 6, 2024</td><td>2,086</td>"), []byte("<td>February 6, 2024</td><td>2,096</td>"), 1)

	for _, order := range []string{"updates first", "table first"} {
		t.Run(order, func(t *testing.T) {
			h := newHarness(t)
			targets := []string{"slack", "email"}
			h.runner.Route = func(drawwatch.Event) []string { return targets }
			noiSrc := config.Source{Name: "noi", Kind: config.SourceNOI, URL: h.srv.URL + "/noi"}
			if order == "updates first" {
				h.runner.Sources = append(h.runner.Sources, noiSrc)
			} else {
				h.runner.Sources = append([]config.Source{noiSrc}, h.runner.Sources...)
			}
			h.site.set(updatesPath, updatesBefore)
			h.site.set("/noi", noiBefore)
			if rep := h.runner.RunOnce(context.Background(), false); !rep.OK() {
				t.Fatal(rep.Err())
			}
			before := alertIDs(t, h)

			h.site.set(updatesPath, updates)
			h.site.set("/noi", noi)
			if rep := h.runner.RunOnce(context.Background(), false); !rep.OK() {
				t.Fatal(rep.Err())
			}
			due, err := h.store.DueAlerts(context.Background(), h.now, 0)
			if err != nil {
				t.Fatal(err)
			}
			perTarget := map[string]int{}
			for _, a := range due {
				if before[a.ID] {
					continue
				}
				perTarget[a.Target]++
				ev := a.Event
				if ev.Type != drawwatch.EventNew || ev.Announcement == nil || ev.Announcement.ID != "february6-0" {
					t.Errorf("%s: unexpected %s alert (%s), want only the new-draw alert of february6-0", a.Target, ev.Type, a.Event.Announcement.ID)
					continue
				}
				checkDraw(t, ev, key, 2086)
			}
			for _, target := range targets {
				if perTarget[target] != 1 {
					t.Errorf("%s got %d messages for the new draw (all due after the pass), want exactly 1", target, perTarget[target])
				}
			}

			// Delivered; a later pass brings a correction of the count.
			for _, a := range due {
				if err := h.store.MarkSent(context.Background(), a.ID, "", h.now); err != nil {
					t.Fatal(err)
				}
			}
			h.site.set("/noi", noiCorrected)
			if rep := h.runner.RunOnce(context.Background(), false); !rep.OK() {
				t.Fatal(rep.Err())
			}
			later, err := h.store.DueAlerts(context.Background(), h.now, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(later) != len(targets) {
				t.Fatalf("correction in a later pass: %d alerts, want one per target", len(later))
			}
			for _, a := range later {
				if a.Event.Type != drawwatch.EventChanged || len(a.Event.Fields) != 1 || a.Event.Fields[0].New != "2096" {
					t.Errorf("%s: correction alert %s %+v, want changed invitations -> 2096", a.Target, a.Event.Type, a.Event.Fields)
				}
			}
		})
	}
}

func alertIDs(t *testing.T, h *harness) map[int64]bool {
	t.Helper()
	all, err := h.store.Alerts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ids := map[int64]bool{}
	for _, a := range all {
		ids[a.ID] = true
	}
	return ids
}

// checkDraw checks that ev's draw k carries the table's count and the
// page's 43 NOCs.
func checkDraw(t *testing.T, ev drawwatch.Event, k string, count int) {
	t.Helper()
	for _, d := range ev.Announcement.Draws {
		if d.Key() != k {
			continue
		}
		if d.Invitations == nil || *d.Invitations != count || len(d.NOCs) != 43 || d.ProfilesFrom == "" {
			t.Errorf("draw %s: invitations %v, %d NOCs, profiles %q; want %d from the table and 43 NOCs from the page",
				k, d.Invitations, len(d.NOCs), d.ProfilesFrom, count)
		}
		return
	}
	t.Errorf("alert has no draw %s: %+v", k, ev.Announcement.Draws)
}

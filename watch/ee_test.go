package watch

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/config"
	"github.com/drawwatch/drawwatch/internal/realpages"
	"github.com/drawwatch/drawwatch/notify"
	"github.com/drawwatch/drawwatch/store"
)

const eePath = "/content/dam/ircc/documents/json/ee_rounds_123_en.json"

// eeDoc is the real rounds JSON as generic values, to derive the next
// documents IRCC could publish from.
type eeDoc struct {
	Classes any                 `json:"classes"`
	Rounds  []map[string]string `json:"rounds"`
}

func readEEDoc(t *testing.T) eeDoc {
	t.Helper()
	data := realpages.Read(t, "canada.ca/ee_rounds_123_en.json")
	var d eeDoc
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

func (d eeDoc) bytes(t *testing.T) []byte {
	t.Helper()
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// withRound435 is the real document with one more round on top: a
// healthcare round on 20 Aug 2026.
func (d eeDoc) withRound435() eeDoc {
	r := map[string]string{}
	for k, v := range d.Rounds[0] {
		r[k] = strings.ReplaceAll(v, "434", "435")
	}
	r["drawDate"], r["drawDateFull"] = "2026-08-20", "August 20, 2026"
	r["drawName"], r["drawSize"], r["drawCRS"] = "Healthcare and Social Services Occupations, 2026-Version 3", "2,500", "462"
	r["drawCutOff"] = "July 30, 2026 at 09:12:01 UTC"
	return eeDoc{Classes: d.Classes, Rounds: append([]map[string]string{r}, d.Rounds...)}
}

func (d eeDoc) without(round string) eeDoc {
	out := eeDoc{Classes: d.Classes}
	for _, r := range d.Rounds {
		if r["drawNumber"] != round {
			out.Rounds = append(out.Rounds, r)
		}
	}
	return out
}

func (d eeDoc) set(round, key, value string) eeDoc {
	out := eeDoc{Classes: d.Classes}
	for _, r := range d.Rounds {
		if r["drawNumber"] == round {
			cp := map[string]string{}
			for k, v := range r {
				cp[k] = v
			}
			cp[key] = value
			r = cp
		}
		out.Rounds = append(out.Rounds, r)
	}
	return out
}

// newEEHarness watches the rounds JSON with real routing: EE healthcare
// rounds go to one team, EE transport rounds to another, an OINP-only
// route (written before EE existed) to a third.
func newEEHarness(t *testing.T) (*harness, func() []drawwatch.Alert) {
	t.Helper()
	h := newHarness(t)
	h.now = time.Date(2026, 8, 20, 15, 0, 0, 0, time.UTC)
	router, err := notify.NewRouter([]notify.Route{
		{Name: "ee-health", Targets: []string{"health-team"}, Programs: []string{"EE"}, Categories: []string{"healthcare"}},
		{Name: "ee-transport", Targets: []string{"transport-team"}, Programs: []string{"EE"}, Categories: []string{"transport"}},
		{Name: "oinp-health", Targets: []string{"oinp-team"}, Categories: []string{"health"}, Streams: []string{"hcp"}},
		{Name: "ops", Targets: []string{"ops"}, Kinds: []string{"ops"}},
	}, []string{"health-team", "transport-team", "oinp-team", "ops"})
	if err != nil {
		t.Fatal(err)
	}
	h.runner.Route = router.Targets
	h.runner.Sources = []config.Source{{Name: "ee-rounds", Kind: config.SourceEERounds, URL: h.srv.URL + eePath}}
	alerts := func() []drawwatch.Alert {
		t.Helper()
		as, err := h.store.Alerts(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return as
	}
	return h, alerts
}

// TestEERoundsFirstRunSilentThenOneNewRoundAlertsOnce: the real document
// on a fresh store is history (no alert); a document with one more round
// alerts once, to the team routed by its category; the same document
// again alerts nothing.
func TestEERoundsFirstRunSilentThenOneNewRoundAlertsOnce(t *testing.T) {
	doc := readEEDoc(t)
	h, alerts := newEEHarness(t)
	ctx := context.Background()

	h.site.set(eePath, doc.bytes(t))
	sr := h.run(t)
	if sr.Err != nil || sr.Announcements != 435 || sr.Draws != 435 {
		t.Fatalf("first run: %+v", sr)
	}
	if n := len(alerts()); n != 0 || sr.New != 0 {
		t.Fatalf("first run queued %d alerts, %d new changes; want none (history older than the backlog window)", n, sr.New)
	}
	ee, err := h.store.Draws(ctx, store.DrawFilter{Program: "EE"})
	if err != nil || len(ee) != 435 {
		t.Fatalf("stored EE draws: %d, %v", len(ee), err)
	}
	if d := ee[0].Draw; d.Round != "434" || d.Category != "transport" || d.Distribution == nil || d.Distribution.Total != 229100 || d.TieBreak != "2025-10-11T14:55:49Z" {
		t.Errorf("newest stored round: %+v", d)
	}

	h.now = h.now.Add(10 * time.Minute)
	h.site.set(eePath, doc.withRound435().bytes(t))
	sr = h.run(t)
	if sr.Err != nil || sr.New != 1 {
		t.Fatalf("second run: %+v", sr)
	}
	as := alerts()
	if len(as) != 1 || as[0].Target != "health-team" || as[0].Event.Type != drawwatch.EventNew {
		t.Fatalf("alerts after one more round: %+v; want one new-draw alert to health-team", as)
	}
	d := as[0].Event.Announcement.Draws[0]
	if d.Program != drawwatch.ProgramEE || d.Round != "435" || d.Category != "healthcare" || *d.ScoreMin != 462 || *d.Invitations != 2500 {
		t.Errorf("alerted draw: %+v", d)
	}
	if prev := as[0].Event.Previous; len(prev) != 1 || prev[0] == nil || prev[0].Program != drawwatch.ProgramEE || prev[0].Category != "healthcare" {
		t.Errorf("previous draw of the same EE category: %+v", prev)
	}

	h.now = h.now.Add(10 * time.Minute)
	h.site.set(eePath, append(doc.withRound435().bytes(t), ' ')) // new ETag, same rounds
	if sr = h.run(t); sr.Err != nil || sr.New+sr.Changed+sr.Removed != 0 || len(alerts()) != 1 {
		t.Errorf("same rounds again: %+v, %d alerts; want no change", sr, len(alerts()))
	}
}

// TestEERoundsCorrectionsAndRemovals: a revised round alerts as a
// correction naming the field; a round that disappears is recorded as
// removed without an alert, and coming back is not a new round.
func TestEERoundsCorrectionsAndRemovals(t *testing.T) {
	doc := readEEDoc(t).withRound435()
	h, alerts := newEEHarness(t)
	h.now = time.Date(2026, 9, 30, 12, 0, 0, 0, time.UTC) // every round is history
	h.site.set(eePath, doc.bytes(t))
	if sr := h.run(t); sr.Err != nil || len(alerts()) != 0 {
		t.Fatalf("first run: %+v, %d alerts", sr, len(alerts()))
	}

	h.now = h.now.Add(time.Hour)
	h.site.set(eePath, doc.set("434", "drawCRS", "471").bytes(t))
	sr := h.run(t)
	as := alerts()
	if sr.Err != nil || sr.Changed != 1 || len(as) != 1 {
		t.Fatalf("corrected round: %+v, alerts %+v", sr, as)
	}
	if a := as[0]; a.Target != "transport-team" || a.Event.Type != drawwatch.EventChanged ||
		len(a.Event.Fields) != 1 || a.Event.Fields[0] != (drawwatch.FieldChange{Field: "round-434.score_min", Old: "470", New: "471"}) {
		t.Errorf("correction alert: %+v, fields %+v", a, a.Event.Fields)
	}

	h.now = h.now.Add(time.Hour)
	h.site.set(eePath, doc.set("434", "drawCRS", "471").without("433").bytes(t))
	if sr = h.run(t); sr.Err != nil || sr.Removed != 1 || len(alerts()) != 1 {
		t.Fatalf("round 433 gone: %+v, %d alerts; want it recorded as removed, no alert", sr, len(alerts()))
	}
	removed, err := h.store.Draws(context.Background(), store.DrawFilter{Program: "EE", IncludeRemoved: true, Since: "2026-08-06"})
	if err != nil {
		t.Fatal(err)
	}
	var saw bool
	for _, d := range removed {
		saw = saw || (d.Round == "433" && d.Removed)
	}
	if !saw {
		t.Errorf("round 433 not kept as removed: %+v", removed)
	}

	h.now = h.now.Add(time.Hour)
	h.site.set(eePath, doc.set("434", "drawCRS", "471").bytes(t))
	if sr = h.run(t); sr.Err != nil || sr.New != 0 || len(alerts()) != 1 {
		t.Errorf("round 433 back: %+v, %d alerts; want no new-round alert", sr, len(alerts()))
	}
}

// TestEERoundsBadDocumentsTouchNothing: an HTML error page served with
// 200, a cut-off document and a round whose score is not a number leave
// what is stored as it was.
func TestEERoundsBadDocumentsTouchNothing(t *testing.T) {
	doc := readEEDoc(t)
	h, alerts := newEEHarness(t)
	ctx := context.Background()
	h.site.set(eePath, doc.bytes(t))
	if sr := h.run(t); sr.Err != nil {
		t.Fatal(sr.Err)
	}
	before, err := h.store.Draws(ctx, store.DrawFilter{Program: "EE"})
	if err != nil {
		t.Fatal(err)
	}
	full := doc.bytes(t)
	for _, tt := range []struct {
		name, body, errHas string
	}{
		{"html error page", "<!DOCTYPE html><html><head><title>Maintenance - Canada.ca</title></head><body>Try later</body></html>", `HTML (title "Maintenance - Canada.ca")`},
		{"cut off", string(full[:len(full)/2]), "ends mid-way"},
		{"not json", "rounds: 434", "not valid JSON"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h.now = h.now.Add(time.Minute)
			h.site.set(eePath, []byte(tt.body))
			sr := h.run(t)
			if sr.Err == nil || !strings.Contains(sr.Err.Error(), tt.errHas) || sr.Outcome != OutcomeFailed {
				t.Errorf("outcome %s, err %v; want a source error saying %q", sr.Outcome, sr.Err, tt.errHas)
			}
		})
	}

	h.now = h.now.Add(time.Minute)
	h.site.set(eePath, doc.set("434", "drawCRS", "TBD").bytes(t))
	sr := h.run(t)
	if sr.Err != nil || sr.New+sr.Changed+sr.Removed != 0 {
		t.Errorf("round 434 unreadable: %+v; want it left as stored", sr)
	}
	after, err := h.store.Draws(ctx, store.DrawFilter{Program: "EE"})
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before) || after[0].Round != "434" || *after[0].ScoreMin != 470 {
		t.Errorf("stored rounds changed: %d before, %d after, newest %+v", len(before), len(after), after[0].Draw)
	}
	// Only ops hears: the source failing, reading again, and the round
	// it could not read.
	var warned bool
	for _, a := range alerts() {
		switch {
		case a.Target != "ops":
			t.Errorf("bad documents queued a %s alert to %s", a.Event.Type, a.Target)
		case a.Event.Type == drawwatch.EventWarning:
			warned = strings.Contains(a.Event.Message, `round 434: drawCRS "TBD" is not a number; the round is left as stored`)
		case a.Event.Type != drawwatch.EventOps && a.Event.Type != drawwatch.EventRecovery:
			t.Errorf("bad documents queued a %s alert", a.Event.Type)
		}
	}
	if !warned {
		t.Error("no warning alert says round 434 could not be read")
	}
}

// TestEEUnknownRoundNameWarnsOpsOnce: a round of a kind drawwatch does not
// know is stored under its own category slug (never dropped) and the ops
// route hears about it once; the warnings of the first read (round 247's
// distribution) are history and alert nobody.
func TestEEUnknownRoundNameWarnsOpsOnce(t *testing.T) {
	doc := readEEDoc(t)
	h, alerts := newEEHarness(t)
	h.site.set(eePath, doc.bytes(t))
	if sr := h.run(t); sr.Err != nil || len(alerts()) != 0 {
		t.Fatalf("first run: %+v, %d alerts", sr, len(alerts()))
	}
	next := doc.withRound435().set("435", "drawName", "Aviation occupations (Version 1)")
	for run := range 2 {
		h.now = h.now.Add(10 * time.Minute)
		h.site.set(eePath, append(next.bytes(t), []byte(strings.Repeat(" ", run))...))
		if sr := h.run(t); sr.Err != nil {
			t.Fatal(sr.Err)
		}
	}
	var draws, warnings []drawwatch.Alert
	for _, a := range alerts() {
		switch a.Event.Type {
		case drawwatch.EventNew:
			draws = append(draws, a)
		case drawwatch.EventWarning:
			warnings = append(warnings, a)
		default:
			t.Errorf("unexpected %s alert", a.Event.Type)
		}
	}
	if len(draws) != 0 {
		t.Errorf("no route takes aviation rounds, yet %d draw alerts", len(draws))
	}
	if len(warnings) != 1 || warnings[0].Target != "ops" ||
		!strings.Contains(warnings[0].Event.Message, `round 435: round name "Aviation occupations (Version 1)" is not in drawwatch's Express Entry categories; read as category "aviation"`) {
		t.Fatalf("warning alerts: %+v; want one to ops naming the round", warnings)
	}
	stored, err := h.store.Draws(context.Background(), store.DrawFilter{Program: "EE", Limit: 1})
	if err != nil || len(stored) != 1 || stored[0].Round != "435" || stored[0].Category != "aviation" {
		t.Errorf("newest stored round: %+v, %v", stored, err)
	}
}

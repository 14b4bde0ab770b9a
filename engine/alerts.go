package engine

import (
	"fmt"
	"slices"
	"strings"

	"github.com/drawwatch/drawwatch"
)

// tableFill is what table rows newly linked by this page add to one stored
// updates announcement.
type tableFill struct {
	annRow     int64
	url, annID string
	fields     []drawwatch.FieldChange
	sources    []string // "ann_id|hash" of the table rows
}

// alert turns the pending changes into changes and alerts. linked are the
// table rows this page linked to an updates draw stored before it.
func (d *decision) alert(linked map[int64]bool) {
	var fills []*tableFill
	byAnn := map[int64]*tableFill{}
	for _, p := range d.pending {
		if p.tableDraw != nil && linked[p.tableDraw.ID] {
			// A table row confirming a draw the updates page already
			// announced is not news in itself; what it adds to that draw
			// (count, profile window) is, below.
			if f := d.fill(byAnn, p.tableDraw, p.change.Announcement); f != nil {
				fills = append(fills, f)
			}
			continue
		}
		d.plan.Changes = append(d.plan.Changes, p.change)
		if p.event == "" || d.opt.Route == nil {
			continue
		}
		a := p.change.Announcement
		if !IsTablePage(d.page.Kind) {
			// The alert shows the draws as merged with their table rows.
			a.Draws = d.g.mergeLinked(d.page.URL, a.ID, a.Draws)
		}
		ev := drawwatch.Event{Type: p.event, Announcement: &a, Fields: p.change.Fields, DetectedAt: d.opt.Now}
		ev.Previous = d.g.previous(a.Draws)
		targets := d.route(ev)
		if p.event == drawwatch.EventNew {
			d.cancelCovered(a, targets)
		}
		d.queue(targets, ev, d.page.URL+"|"+a.ID+"|"+a.Hash+"|"+string(ev.Type), ThreadKey(d.page.URL, a.ID))
		if len(a.Unparsed) > 0 {
			d.unreadable = append(d.unreadable, a)
		}
	}
	for _, f := range fills {
		d.alertFill(f)
	}
}

// fill records what the linked table row t (of announcement table) adds
// to the updates draw it was linked to; it returns the fill when it is the
// first for that updates announcement.
func (d *decision) fill(byAnn map[int64]*tableFill, t *node, table drawwatch.Announcement) *tableFill {
	u := d.g.nodes[t.MergedInto]
	if u == nil {
		return nil
	}
	f, first := byAnn[u.AnnRow], false
	if f == nil {
		f, first = &tableFill{annRow: u.AnnRow, url: u.PageURL, annID: u.AnnID}, true
		byAnn[u.AnnRow] = f
	}
	f.sources = append(f.sources, table.ID+"|"+table.Hash)
	// The stored updates draw is the page's own draw: compare it with the pair.
	merged := MergeDraws(u.Draw, t.Draw)
	for _, df := range drawFields {
		if !slices.Contains(fillFields, df.name) {
			continue
		}
		if o, n := df.get(u.Draw), df.get(merged); o != n {
			f.fields = append(f.fields, drawwatch.FieldChange{Field: u.Key + "." + df.name, Old: o, New: n})
		}
	}
	if first {
		return f
	}
	return nil
}

// alertFill reports what table rows added to a stored updates announcement:
// folded into its new-draw alert while that is held in this pass, else as
// a change of its own.
func (d *decision) alertFill(f *tableFill) {
	if len(f.fields) == 0 {
		return // the table only confirms what the updates page said
	}
	a, ok := d.st.Owners[f.annRow]
	if !ok {
		return
	}
	a.Draws = d.g.mergeLinked(f.url, f.annID, a.Draws)
	d.plan.Changes = append(d.plan.Changes, drawwatch.Change{Type: drawwatch.ChangeChanged, Announcement: a, Fields: f.fields, DetectedAt: d.opt.Now})
	if d.opt.Route == nil {
		return
	}
	ev := drawwatch.Event{Type: drawwatch.EventChanged, Announcement: &a, Fields: f.fields, DetectedAt: d.opt.Now}
	ev.Previous = d.g.previous(a.Draws)
	thread := ThreadKey(f.url, f.annID)
	var rest []string
	for _, target := range d.route(ev) {
		if h, ok := d.held(target, thread, drawwatch.EventNew, drawwatch.EventChanged); ok {
			// One message for the draw in this pass: the held alert now
			// carries what the table adds (a correction, the fields too).
			amended := drawwatch.Event{Type: h.Type, Announcement: &a, Previous: ev.Previous, DetectedAt: h.DetectedAt}
			if h.Type == drawwatch.EventChanged {
				amended.Fields = foldFields(h.Fields, f.fields)
			}
			d.plan.Amends = append(d.plan.Amends, Amend{ID: h.ID, Event: amended})
			continue
		}
		rest = append(rest, target)
	}
	// Keyed by the table rows that brought the data, so re-applying
	// either page never queues it again.
	dedupe := d.page.URL + "|" + strings.Join(f.sources, ",") + "|merged|" + f.url + "|" + f.annID + "|" + string(ev.Type)
	d.queue(rest, ev, dedupe, thread)
}

// held finds the alert of one of types for target about thread held in
// this pass.
func (d *decision) held(target, thread string, types ...drawwatch.EventType) (HeldAlert, bool) {
	for _, h := range d.st.Held {
		if h.Target == target && h.Thread == thread && slices.Contains(types, h.Type) {
			return h, true
		}
	}
	return HeldAlert{}, false
}

// foldFields is the held correction's fields followed by what the table
// adds; a field both change reads from the held old value to the new one.
func foldFields(held, added []drawwatch.FieldChange) []drawwatch.FieldChange {
	out := slices.Clone(held)
	for _, f := range added {
		i := slices.IndexFunc(out, func(o drawwatch.FieldChange) bool { return o.Field == f.Field })
		if i < 0 {
			out = append(out, f)
			continue
		}
		out[i].New = f.New
	}
	return out
}

// cancelCovered drops the held new-draw alerts of table rows this page
// linked to a's draws: a's alert, to the same targets, carries their count.
func (d *decision) cancelCovered(a drawwatch.Announcement, targets []string) {
	for _, l := range d.links {
		if l.Updates.ID != 0 || l.Updates.AnnID != a.ID {
			continue
		}
		t := d.g.nodes[l.Table.ID]
		if t == nil || d.g.drawsOf(t.PageURL, t.AnnID) != 1 {
			continue // a row group reporting more draws says more than a's alert
		}
		for _, target := range targets {
			if h, ok := d.held(target, ThreadKey(t.PageURL, t.AnnID), drawwatch.EventNew); ok {
				d.plan.Cancels = append(d.plan.Cancels, h.ID)
			}
		}
	}
}

func (d *decision) queue(targets []string, ev drawwatch.Event, dedupe, thread string) {
	for _, target := range targets {
		d.plan.Alerts = append(d.plan.Alerts, Alert{Target: target, Event: ev, Dedupe: target + "|" + dedupe, Thread: thread})
	}
}

// capAlerts replaces the alerts of a change that would queue more than
// MaxPerChange with one summary per target and one ops alert: a page
// redesign or a parser slip must not post thousands of messages.
func (d *decision) capAlerts() {
	limit := d.opt.MaxPerChange
	if limit <= 0 || len(d.plan.Alerts) <= limit {
		return
	}
	var targets []string
	byTarget := map[string][]Alert{}
	for _, a := range d.plan.Alerts {
		if byTarget[a.Target] == nil {
			targets = append(targets, a.Target)
		}
		byTarget[a.Target] = append(byTarget[a.Target], a)
	}
	all := d.plan.Alerts
	d.plan.Alerts = nil
	for _, target := range targets {
		alerts := byTarget[target]
		ev := drawwatch.Event{Type: drawwatch.EventSummary, Source: d.opt.Source, DetectedAt: d.opt.Now,
			Message: fmt.Sprintf("%d %s on %s: see the status page", len(alerts), describeAlerts(alerts), d.page.URL)}
		d.plan.Alerts = append(d.plan.Alerts, Alert{Target: target, Event: ev, Dedupe: target + "|" + d.page.URL + "|summary|" + digest(alerts)})
	}
	ops := drawwatch.Event{Type: drawwatch.EventOps, Source: d.opt.Source, DetectedAt: d.opt.Now,
		Message: fmt.Sprintf("one change of %s would have queued %d alerts (delivery.max_per_change is %d): each of %d targets got one summary instead. Check the page: a redesign or a misread can look like hundreds of new announcements.",
			d.page.URL, len(all), limit, len(targets))}
	for _, target := range d.route(ops) {
		d.plan.Alerts = append(d.plan.Alerts, Alert{Target: target, Event: ops, Dedupe: target + "|" + d.page.URL + "|summary-ops|" + digest(all)})
	}
}

// describeAlerts names what the alerts are about: "new announcements",
// "changed announcements" or both.
func describeAlerts(alerts []Alert) string {
	var isNew, changed bool
	for _, a := range alerts {
		if a.Event.Type == drawwatch.EventChanged {
			changed = true
		} else {
			isNew = true
		}
	}
	switch {
	case isNew && changed:
		return "new or changed announcements"
	case changed:
		return "changed announcements"
	}
	return "new announcements"
}

// digest identifies a set of alerts by their dedupe keys, so a summary is
// queued once however often the change is re-applied.
func digest(alerts []Alert) string {
	keys := make([]string, len(alerts))
	for i, a := range alerts {
		keys[i] = a.Dedupe
	}
	slices.Sort(keys)
	return drawwatch.ContentHash(strings.Join(keys, "\n"))[:16]
}

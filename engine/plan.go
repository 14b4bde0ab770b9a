package engine

import (
	"fmt"
	"slices"
	"time"

	"github.com/drawwatch/drawwatch"
)

// WriteKind says what to do with one announcement row.
type WriteKind int

// Announcement writes.
const (
	WriteInsert WriteKind = iota + 1 // a new announcement: row, first version, draws
	WriteUpdate                      // a changed one: new version with its fields, draws re-synced
	WriteTouch                       // seen unchanged: last seen now, no longer removed
	WriteRemove                      // gone from its page: marked removed, never deleted
)

// Write is one announcement row to write.
type Write struct {
	Kind         WriteKind
	Row          int64                   // the stored row (every kind but insert)
	Announcement *drawwatch.Announcement // insert, update: the version to store
	Fields       []drawwatch.FieldChange // update: what changed from the stored version
}

// DrawRef names a draw for the store: ID for a stored draw, else the page's
// announcement ID and the draw's key (a draw this page adds).
type DrawRef struct {
	ID         int64
	AnnID, Key string
}

// Link joins a table row to the updates draw it reports.
type Link struct{ Table, Updates DrawRef }

// Alert is one outbox row to queue (unless its dedupe key is queued already).
type Alert struct {
	Target string
	Event  drawwatch.Event
	Dedupe string // unique per target and content: re-applying a page never queues it twice
	Thread string // ThreadKey of the announcement, for threading later alerts
}

// Amend replaces the event of a held alert: a later page of the same pass
// completed the draw it announces.
type Amend struct {
	ID    int64
	Event drawwatch.Event
}

// Plan is everything one page changes, for the store to write in one
// transaction.
type Plan struct {
	Writes   []Write
	Links    []Link
	Changes  []drawwatch.Change
	Alerts   []Alert
	Amends   []Amend
	Cancels  []int64  // held alerts another alert of this pass now covers
	Unmerged []string // ambiguous table-row/updates-draw matches left apart
}

// pending is a change waiting for the end of Compute, when it is known
// whether it alerts.
type pending struct {
	change    drawwatch.Change
	event     drawwatch.EventType // "" for no alert
	tableDraw *node               // draw of a new table row: if linked to a stored draw, only what it adds is reported
}

// decision is the state of one Compute.
type decision struct {
	page    Page
	st      State
	opt     Options
	g       *graph
	plan    Plan
	pending []pending
	added   []*node
	links   []Link
	// unreadable are the announcements alerted on that hold sentences the
	// parser could not read (Announcement.Unparsed).
	unreadable []drawwatch.Announcement
}

// Compute decides what page p changes against the stored state st.
func Compute(p Page, st State, opt Options) (Plan, error) {
	active := 0
	for _, a := range st.Announcements {
		if a.RemovedAt.IsZero() {
			active++
		}
	}
	if len(p.Announcements) == 0 && active > 0 {
		return Plan{}, fmt.Errorf("%w (%d stored): nothing marked removed; check the fetched page (blocked, redesigned or cut off)", ErrSuspectPage, active)
	}
	d := &decision{page: p, st: st, opt: opt, g: newGraph(st.Draws)}
	if err := d.classify(); err != nil {
		return Plan{}, err
	}
	var linked map[int64]bool
	d.links, linked, d.plan.Unmerged = d.g.link(d.added)
	d.plan.Links = d.links
	if err := d.removeAbsent(); err != nil {
		return Plan{}, err
	}
	d.alert(linked)
	d.capAlerts()
	d.alertUnparsed()
	return d.plan, nil
}

// classify sorts the page's announcements into new, unchanged and changed.
func (d *decision) classify() error {
	firstRun := len(d.st.Announcements) == 0
	now := d.opt.Now
	d.plan.Writes = make([]Write, 0, len(d.page.Announcements))
	for i := range d.page.Announcements {
		a := d.page.Announcements[i]
		old, ok := d.st.Announcements[a.ID]
		if ok && !old.RemovedAt.IsZero() {
			d.g.removed[annKey{d.page.URL, a.ID}] = false // back on its page
		}
		switch {
		case !ok:
			d.plan.Writes = append(d.plan.Writes, Write{Kind: WriteInsert, Announcement: &d.page.Announcements[i]})
			added := d.g.setDraws(d.page, 0, a)
			d.added = append(d.added, added...)
			if firstRun && !withinBacklog(a, now, d.opt.BacklogDays) {
				continue
			}
			p := pending{change: drawwatch.Change{Type: drawwatch.ChangeNew, Announcement: a, DetectedAt: now}, event: drawwatch.EventNew}
			if a.Kind != drawwatch.KindDraw {
				p.event = drawwatch.EventNews
			}
			if IsTablePage(d.page.Kind) && len(added) == 1 {
				p.tableDraw = added[0]
			}
			d.pending = append(d.pending, p)

		case old.Hash == a.Hash:
			d.plan.Writes = append(d.plan.Writes, Write{Kind: WriteTouch, Row: old.Row})
			if !old.RemovedAt.IsZero() {
				// Back as it was: worth a line in the result, not an alert.
				d.pending = append(d.pending, pending{change: drawwatch.Change{
					Type: drawwatch.ChangeChanged, Announcement: a, DetectedAt: now,
					Fields: []drawwatch.FieldChange{{Field: "removed", Old: old.RemovedAt.UTC().Format(time.RFC3339), New: ""}},
				}})
			}

		default:
			if old.Current == nil {
				return fmt.Errorf("decide %s: the stored version of %s was not loaded", d.page.URL, a.ID)
			}
			if old.RemovedAt.IsZero() && old.Current.Text != a.Text && drawwatch.EqualIgnoringMojibake(old.Current.Text, a.Text) &&
				drawwatch.EqualIgnoringMojibake(old.Current.Title, a.Title) {
				// Same text read through another charset: field differences
				// are the parser's reading of the damaged text, not edits.
				d.mojibakeOnly(old, i)
				continue
			}
			fields := Diff(*old.Current, a)
			if d.page.Kind == drawwatch.PageEERounds && old.RemovedAt.IsZero() && onlyWording(fields) {
				d.rewordedOnly(old, i)
				continue
			}
			if !old.RemovedAt.IsZero() {
				fields = append(fields, drawwatch.FieldChange{Field: "removed", Old: old.RemovedAt.UTC().Format(time.RFC3339)})
			}
			d.plan.Writes = append(d.plan.Writes, Write{Kind: WriteUpdate, Row: old.Row, Announcement: &d.page.Announcements[i], Fields: fields})
			d.added = append(d.added, d.g.setDraws(d.page, old.Row, a)...)
			d.pending = append(d.pending, pending{
				change: drawwatch.Change{Type: drawwatch.ChangeChanged, Announcement: a, Fields: fields, DetectedAt: now},
				event:  drawwatch.EventChanged,
			})
		}
	}
	return nil
}

// mojibakeOnly handles announcement i whose text differs from the stored
// version only by a character-set mix-up: not a change and no alert. A
// garbled fetch leaves the stored copy alone; a clean fetch over a garbled
// stored copy repairs it silently.
func (d *decision) mojibakeOnly(old StoredAnnouncement, i int) {
	a := d.page.Announcements[i]
	if drawwatch.HasMojibake(a.Title) || drawwatch.HasMojibake(a.Text) {
		d.plan.Writes = append(d.plan.Writes, Write{Kind: WriteTouch, Row: old.Row})
		return
	}
	d.plan.Writes = append(d.plan.Writes, Write{Kind: WriteUpdate, Row: old.Row, Announcement: &d.page.Announcements[i]})
	d.added = append(d.added, d.g.setDraws(d.page, old.Row, a)...)
}

// onlyWording reports whether fields hold no change but of text and title.
func onlyWording(fields []drawwatch.FieldChange) bool {
	for _, f := range fields {
		if f.Field != "text" && f.Field != "title" {
			return false
		}
	}
	return true
}

// rewordedOnly handles an Express Entry round whose values are all as
// stored but whose text or title is not. The rounds JSON has no prose: the
// parser writes both from the values, so this is drawwatch's own wording
// changing (an upgrade), never an IRCC revision, and must not alert 435
// corrections. The stored version takes the new wording silently.
func (d *decision) rewordedOnly(old StoredAnnouncement, i int) {
	d.plan.Writes = append(d.plan.Writes, Write{Kind: WriteUpdate, Row: old.Row, Announcement: &d.page.Announcements[i]})
	d.added = append(d.added, d.g.setDraws(d.page, old.Row, d.page.Announcements[i])...)
}

// removeAbsent marks removed the announcements gone from the page.
func (d *decision) removeAbsent() error {
	for _, id := range d.page.absent(d.st.Announcements) {
		old := d.st.Announcements[id]
		if old.Current == nil {
			return fmt.Errorf("decide %s: the stored version of %s was not loaded", d.page.URL, id)
		}
		d.g.removed[annKey{d.page.URL, id}] = true
		d.plan.Writes = append(d.plan.Writes, Write{Kind: WriteRemove, Row: old.Row})
		d.pending = append(d.pending, pending{change: drawwatch.Change{Type: drawwatch.ChangeRemoved, Announcement: *old.Current, DetectedAt: d.opt.Now}})
	}
	return nil
}

// route lists the targets of ev, none without a router.
func (d *decision) route(ev drawwatch.Event) []string {
	if d.opt.Route == nil {
		return nil
	}
	return slices.Clone(d.opt.Route(ev))
}

// Package engine decides what a parsed page changes: given what the store
// held for the page and around it, it returns the announcements to write,
// their field diffs, the backlog decision, the table-row/updates-draw links
// and the alerts to queue. It does no I/O: the store loads the State and
// persists the Plan in one transaction.
package engine

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/drawwatch/drawwatch"
)

// ErrSuspectPage reports a fetched page with no announcements for a URL the
// store holds announcements for: far more likely a broken or blocked page than
// every announcement being withdrawn, so nothing is marked removed.
var ErrSuspectPage = errors.New("page has no announcements although the store holds some for it")

// Options says how to decide one page.
type Options struct {
	Source string // source name for messages
	Now    time.Time
	// BacklogDays applies to a page URL the store holds nothing for yet
	// (every page of a fresh store): only announcements posted (or drawn)
	// within this many days of Now count as new; older ones are taken in
	// silently, so a first run does not alert on years of history.
	BacklogDays int
	// Route names the targets of an event; nil queues no alerts.
	Route func(drawwatch.Event) []string
	// MaxPerChange caps the alerts one page change may queue: above it each
	// target gets one summary and the ops targets one ops alert. Zero: no cap.
	MaxPerChange int
}

// StoredAnnouncement is one stored announcement of the page being decided.
type StoredAnnouncement struct {
	Row       int64 // the store's row, opaque to the engine
	Hash      string
	RemovedAt time.Time // zero while on its page
	// Current is the latest stored version; the store loads it for the rows
	// Want.Versions lists.
	Current *drawwatch.Announcement
}

// StoredDraw is a stored draw with what merging needs around it.
type StoredDraw struct {
	ID         int64 // the store's row; rows only grow, so a higher ID is newer
	AnnRow     int64
	AnnID      string
	PageURL    string // of its announcement, without fragment
	PageKind   drawwatch.PageKind
	Key        string // unique within its announcement (drawwatch.DrawKeys)
	Draw       drawwatch.Draw
	MergedInto int64 // the updates draw this table row is linked to; 0 for none
	Removed    bool  // its announcement is marked removed
}

// HeldAlert is an alert queued earlier in the same pass and held back from
// delivery until the pass ends, so that a later page of the pass can still
// fold into it.
type HeldAlert struct {
	ID         int64
	Target     string
	Thread     string
	Type       drawwatch.EventType
	Fields     []drawwatch.FieldChange // of a held correction
	DetectedAt time.Time
}

// State is what the store held that the page's decisions depend on.
type State struct {
	// Announcements are the page's stored announcements by ID.
	Announcements map[string]StoredAnnouncement
	// Draws are the stored draws around the page's new and changed draws
	// (see Want): their own rows, merge candidates, the stream histories
	// previous draws come from, and the linked partners of all of them.
	Draws []StoredDraw
	// Owners are the current versions of other pages' announcements owning
	// merge candidates, by row: a table row that completes an updates draw
	// alerts with its announcement.
	Owners map[int64]drawwatch.Announcement
	// Held are the alerts held in this pass.
	Held []HeldAlert
}

// Page is a parsed page made ready for deciding: IDs unique, hashes set.
type Page struct {
	URL           string // without fragment: fragments name places in one document
	Kind          drawwatch.PageKind
	Announcements []drawwatch.Announcement
	Truncated     bool
	// Skipped are IDs on the page the parser could not read: what the store
	// holds for them stays, neither updated nor marked removed.
	Skipped  []string
	Warnings []string // what Prepare changed, for the caller to log
}

// Prepare makes IDs unique within the page (a parser can derive one ID
// twice, and the second must not overwrite the first) and fills in
// missing content hashes.
func Prepare(p *drawwatch.Page) Page {
	out := Page{URL: PageKey(p.URL), Kind: p.Kind, Truncated: p.Truncated, Skipped: p.Skipped, Announcements: p.Announcements}
	seen := make(map[string]int, len(p.Announcements))
	copied := false
	for i, a := range p.Announcements {
		seen[a.ID]++
		n := seen[a.ID]
		if n == 1 && a.Hash != "" {
			continue
		}
		if !copied { // the caller's page stays as parsed
			out.Announcements, copied = slices.Clone(p.Announcements), true
		}
		if n > 1 {
			id := a.ID + "-" + strconv.Itoa(n)
			out.Warnings = append(out.Warnings, fmt.Sprintf("duplicate announcement id %q on page (title %q): stored as %q", a.ID, a.Title, id))
			a.ID = id
		}
		if a.Hash == "" {
			a.Hash = drawwatch.ContentHash(a.Text)
		}
		out.Announcements[i] = a
	}
	return out
}

// PageKey is the URL announcements are keyed by: fragments name places in
// one document, not different documents.
func PageKey(u string) string {
	if i := strings.IndexByte(u, '#'); i >= 0 {
		return u[:i]
	}
	return u
}

// ThreadKey groups alerts about one announcement so that later ones can be
// threaded under the first message sent.
func ThreadKey(pageURL, annID string) string {
	if annID == "" {
		return ""
	}
	return PageKey(pageURL) + "|" + annID
}

// Spot names draws to load: by date and stream (merge candidates), or by
// stream and category slug (histories, Date empty).
type Spot struct {
	Date         string
	Stream       drawwatch.Stream
	CategorySlug string
}

// Want is what the store loads, beyond the page's announcement rows, for
// Compute.
type Want struct {
	// Versions are the rows whose current version is needed: changed
	// announcements and those gone from the page.
	Versions []int64
	// Near is false when nothing on the page is new or changed: no draws
	// are needed then.
	Near bool
	// Rows are the page's changed announcements, whose draws are needed.
	Rows []int64
	// Candidates are the date and stream of every new or changed draw, and
	// Histories their stream and category.
	Candidates, Histories []Spot
	// Owners says whether State.Owners is needed (a table page).
	Owners bool
}

// Wants says what Compute needs loaded for p, given its stored rows.
func (p Page) Wants(stored map[string]StoredAnnouncement) Want {
	w := Want{Owners: IsTablePage(p.Kind)}
	var cand, hist map[Spot]bool
	for _, a := range p.Announcements {
		old, ok := stored[a.ID]
		if ok && old.Hash == a.Hash {
			continue
		}
		if ok {
			w.Versions = append(w.Versions, old.Row)
			w.Rows = append(w.Rows, old.Row)
		}
		if !w.Near {
			w.Near, cand, hist = true, map[Spot]bool{}, map[Spot]bool{}
		}
		for _, d := range a.Draws {
			addSpot(&w.Candidates, cand, spotOf(d))
			addSpot(&w.Histories, hist, Spot{Stream: d.Stream, CategorySlug: drawwatch.Slug(d.Category)})
		}
	}
	for _, id := range p.absent(stored) {
		w.Versions = append(w.Versions, stored[id].Row)
	}
	return w
}

// absent lists, sorted, the IDs of stored announcements still on their
// page that p no longer holds; none for a cut-off page, which says nothing
// about what came after the cut.
func (p Page) absent(stored map[string]StoredAnnouncement) []string {
	if p.Truncated {
		return nil
	}
	onPage := 0
	for _, a := range p.Announcements {
		if _, ok := stored[a.ID]; ok {
			onPage++
		}
	}
	if onPage == len(stored) {
		return nil
	}
	seen := make(map[string]bool, len(p.Announcements)+len(p.Skipped))
	for _, a := range p.Announcements {
		seen[a.ID] = true
	}
	for _, id := range p.Skipped {
		seen[id] = true // on the page but unreadable
	}
	var out []string
	for _, id := range sortedIDs(stored) {
		if !seen[id] && stored[id].RemovedAt.IsZero() {
			out = append(out, id)
		}
	}
	return out
}

func addSpot(list *[]Spot, seen map[Spot]bool, s Spot) {
	if !seen[s] {
		seen[s] = true
		*list = append(*list, s)
	}
}

func sortedIDs(m map[string]StoredAnnouncement) []string {
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// withinBacklog reports whether a was posted or drawn within days of now.
// An announcement with no date at all is not: on a first run it is history.
func withinBacklog(a drawwatch.Announcement, now time.Time, days int) bool {
	cutoff := now.AddDate(0, 0, -days).Format(time.DateOnly)
	dates := []string{a.Posted}
	for _, d := range a.Draws {
		dates = append(dates, d.Date)
	}
	for _, d := range dates {
		if len(d) >= len(time.DateOnly) && d[:len(time.DateOnly)] >= cutoff {
			return true
		}
	}
	return false
}

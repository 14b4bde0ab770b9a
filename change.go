package drawwatch

import (
	"strings"
	"time"
)

// ChangeType says how an announcement or draw differs from what was stored.
type ChangeType string

// Change types.
const (
	ChangeNew     ChangeType = "new"
	ChangeChanged ChangeType = "changed"
	ChangeRemoved ChangeType = "removed"
)

// FieldChange is one field that differs between two versions. Field names a
// draw field by its JSON name, prefixed with the draw key for draw fields
// ("2024-02-06|hcp|health-occupations.score_min").
type FieldChange struct {
	Field string `json:"field"`
	Old   string `json:"old"`
	New   string `json:"new"`
}

// Change is one difference the store recorded for an announcement.
type Change struct {
	Type         ChangeType    `json:"type"`
	Announcement Announcement  `json:"announcement"` // the current version (last known for removed)
	Fields       []FieldChange `json:"fields,omitempty"`
	DetectedAt   time.Time     `json:"detected_at"`
}

// EventType names what an alert is about.
type EventType string

// Alert event types.
const (
	EventNew      EventType = "new"      // a new draw announcement
	EventChanged  EventType = "changed"  // a stored draw announcement was corrected
	EventNews     EventType = "news"     // a new non-draw announcement
	EventOps      EventType = "ops"      // a source stopped reading normally
	EventRecovery EventType = "recovery" // a source reads normally again
	EventWarning  EventType = "warning"  // a source was read, but the parser met something it does not know
	// EventDeadAlerts: alerts to a target were given up on (an ops event).
	EventDeadAlerts EventType = "dead_alerts"
	EventTest       EventType = "test"    // `drawwatch notify test`
	EventSummary    EventType = "summary" // one page change too big to alert one by one (delivery.max_per_change)
	// EventDigest gathers the alerts a digest route held for one target
	// into one message (Digest lists them).
	EventDigest EventType = "digest"
)

// Event is what an alert says, captured when the change is recorded so that
// delivery later does not depend on the store's state at that time.
type Event struct {
	Type         EventType     `json:"type"`
	Announcement *Announcement `json:"announcement,omitempty"`
	Fields       []FieldChange `json:"fields,omitempty"`
	// Previous holds, per draw of Announcement (same index), the previous
	// draw of the same stream and category, or nil: the alert shows how the
	// score band moved.
	Previous []*Draw `json:"previous,omitempty"`
	// Source and Message describe ops and recovery events.
	Source  string `json:"source,omitempty"`
	Message string `json:"message,omitempty"`
	// Target is the delivery target a dead_alerts event is about.
	Target     string    `json:"target,omitempty"`
	DetectedAt time.Time `json:"detected_at"`
	// Digest holds the events a digest event gathers, oldest first.
	Digest []Event `json:"digest,omitempty"`
}

// AlertStatus is where an alert stands in the outbox.
type AlertStatus string

// Outbox states. Pending alerts are retried until sent or dead.
const (
	AlertPending AlertStatus = "pending"
	AlertSent    AlertStatus = "sent"
	AlertDead    AlertStatus = "dead" // a permanent error or too many attempts
	// AlertDigested: folded into a digest alert, which is delivered instead.
	AlertDigested AlertStatus = "digested"
)

// Hold kinds: why a pending alert waits until Alert.HeldUntil.
const (
	HoldDigest = "digest" // a digest route: sent in the target's next digest
	HoldQuiet  = "quiet"  // a route's quiet hours: sent alone when they end
)

// Alert is one event queued for one delivery target.
type Alert struct {
	ID        int64       `json:"id"`
	Target    string      `json:"target"`
	Event     Event       `json:"event"`
	Status    AlertStatus `json:"status"`
	Attempts  int         `json:"attempts"`
	NextTry   time.Time   `json:"next_try"`
	LastError string      `json:"last_error,omitempty"`
	CreatedAt time.Time   `json:"created_at"`
	SentAt    time.Time   `json:"sent_at,omitzero"`
	// HeldUntil is when a held alert is released (zero: not held); Hold
	// says why (HoldDigest, HoldQuiet).
	HeldUntil time.Time `json:"held_until,omitzero"`
	Hold      string    `json:"hold,omitempty"`
	// ThreadRef is the reference of an earlier message about the same
	// announcement on the same target (a Slack ts), for threading updates.
	ThreadRef string `json:"thread_ref,omitempty"`
	// Clients are the roster clients this target may see matched, filled
	// from the current roster just before sending; never stored or printed.
	Clients *ClientMatches `json:"-"`
}

// Summary says what changed in one line: "379 → 385", or for a NOC list,
// whose Old and New hold the codes removed and added, "added 32102".
func (f FieldChange) Summary() string {
	orNone := func(s string) string {
		if s == "" {
			return "(none)"
		}
		return s
	}
	if !strings.HasSuffix(f.Field, ".nocs") {
		return orNone(f.Old) + " → " + orNone(f.New)
	}
	var parts []string
	if f.New != "" {
		parts = append(parts, "added "+f.New)
	}
	if f.Old != "" {
		parts = append(parts, "removed "+f.Old)
	}
	return strings.Join(parts, "; ")
}

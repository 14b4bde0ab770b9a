package notify

import (
	"context"
	"slices"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/match"
)

// SharesClients reports whether some route that takes ev to target lets
// it see every matched roster client (routes share unless clients = false).
func (r *Router) SharesClients(ev drawwatch.Event, target string) bool {
	for _, rt := range r.matching(ev) {
		if !rt.HideClients && slices.Contains(rt.Targets, target) {
			return true
		}
	}
	return false
}

// ClientRouting joins the client roster to routing: a matched client's
// owner target also gets the alert, and each target sees only the clients
// it may (all of them through a sharing route, else only its own).
type ClientRouting struct {
	Router *Router
	// Roster returns the roster in use; nil (or a nil result) means none,
	// and alerts are as without a roster.
	Roster func() *match.Index
}

func (c ClientRouting) matches(ev drawwatch.Event) match.Result {
	if c.Roster == nil || (ev.Type != drawwatch.EventNew && ev.Type != drawwatch.EventChanged) {
		return match.Result{}
	}
	ix := c.Roster()
	if ix == nil {
		return match.Result{}
	}
	return ix.Announcement(ev.Announcement)
}

// Targets is Router.Targets plus the owners of the clients ev matches
// (owners name configured targets: the roster is checked against them).
func (c ClientRouting) Targets(ev drawwatch.Event) []string {
	out := c.Router.Targets(ev)
	for _, owner := range c.matches(ev).Owners() {
		if !slices.Contains(out, owner) && slices.Contains(c.Router.targets, owner) {
			out = append(out, owner)
		}
	}
	return out
}

// Clients is what alert a's target may see of the clients its event
// matches, from the roster in use now.
func (c ClientRouting) Clients(a drawwatch.Alert) *drawwatch.ClientMatches {
	res := c.matches(a.Event)
	return res.For(a.Target, c.Router.SharesClients(a.Event, a.Target))
}

// WithClients wraps a Notifier so every alert it sends carries the matched
// clients its target may see.
func WithClients(n Notifier, clients func(drawwatch.Alert) *drawwatch.ClientMatches) Notifier {
	return clientNotifier{Notifier: n, clients: clients}
}

type clientNotifier struct {
	Notifier
	clients func(drawwatch.Alert) *drawwatch.ClientMatches
}

func (n clientNotifier) Send(ctx context.Context, a drawwatch.Alert) (string, error) {
	a.Clients = n.clients(a)
	return n.Notifier.Send(ctx, a)
}

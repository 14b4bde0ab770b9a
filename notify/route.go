package notify

import (
	"fmt"
	"slices"
	"strings"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/hold"
)

// Route kinds.
const (
	RouteDraw = "draw" // new and changed draw announcements
	RouteNews = "news" // non-draw announcements
	RouteOps  = "ops"  // a source stopped or resumed reading normally
)

// Route sends matching events to targets.
//
// Kinds says which events the route wants. When Kinds is empty the route
// gets draws and, if it has no draw filters, news too: "a route with no
// filters gets everything" a consultancy reads. Ops events are never
// implied: they are for whoever runs drawwatch, so a route gets them only
// by listing "ops".
//
// The filters apply to draws only; a draw passes when it passes every
// filter that is set, and an announcement matches when ANY of its draws
// passes. Streams are slugs ("hcp"); NOCs are exact codes or prefixes
// ending in "*" ("31*"), and a draw that lists no NOC codes does not pass
// a NOC filter; Categories match as case-insensitive substrings of the
// draw's category; MinScore/MaxScore keep draws whose score band overlaps
// them (a draw with no stated score passes, since hiding it would hide the
// draw entirely).
type Route struct {
	Name       string
	Targets    []string
	Kinds      []string
	Streams    []string
	NOCs       []string
	Categories []string
	// Programs keeps draws of these programs ("OINP", "EE"). Left empty, a
	// route with other draw filters keeps OINP draws only, as it did
	// before drawwatch read Express Entry rounds; one without filters
	// keeps every program.
	Programs []string
	MinScore *int
	MaxScore *int
	// HideClients keeps roster clients out of the alerts this route
	// delivers (config: clients = false), for targets outside the team.
	HideClients bool
	// Hold is when the route delivers: at once (the zero value), in a
	// digest, or after its quiet hours (see Router.Release).
	Hold hold.Policy
}

func (r Route) hasDrawFilters() bool {
	return len(r.Streams) > 0 || len(r.NOCs) > 0 || len(r.Categories) > 0 || r.MinScore != nil || r.MaxScore != nil ||
		len(r.Programs) > 0
}

func (r Route) wants(kind string) bool {
	if len(r.Kinds) > 0 {
		return slices.Contains(r.Kinds, kind)
	}
	switch kind {
	case RouteDraw:
		return true
	case RouteNews:
		return !r.hasDrawFilters()
	}
	return false
}

// Router picks the delivery targets for an event.
type Router struct {
	routes  []Route
	targets []string
}

// NewRouter checks routes against the configured target names and returns
// a Router. Errors name the route and the offending value.
func NewRouter(routes []Route, targets []string) (*Router, error) {
	known := make(map[string]bool, len(targets))
	for _, t := range targets {
		known[t] = true
	}
	rs := make([]Route, 0, len(routes))
	for i, r := range routes {
		name := r.Name
		if name == "" {
			name = fmt.Sprintf("#%d", i+1)
		}
		if len(r.Targets) == 0 {
			return nil, fmt.Errorf("route %s: no targets: list at least one target name", name)
		}
		for _, t := range r.Targets {
			if !known[t] {
				return nil, fmt.Errorf("route %s: unknown target %q: define it as a slack or email target, or remove it from the route", name, t)
			}
		}
		for _, k := range r.Kinds {
			if k != RouteDraw && k != RouteNews && k != RouteOps {
				return nil, fmt.Errorf("route %s: unknown kind %q: use draw, news or ops", name, k)
			}
		}
		for _, n := range r.NOCs {
			code := strings.TrimSuffix(n, "*")
			if code == "" || strings.Trim(code, "0123456789") != "" || strings.Count(n, "*") > 1 {
				return nil, fmt.Errorf("route %s: bad NOC filter %q: use digits, optionally ending in * (\"31301\", \"31*\")", name, n)
			}
		}
		if r.MinScore != nil && r.MaxScore != nil && *r.MinScore > *r.MaxScore {
			return nil, fmt.Errorf("route %s: min score %d is above max score %d", name, *r.MinScore, *r.MaxScore)
		}
		if err := checkHold(name, r.Hold); err != nil {
			return nil, err
		}
		r.Name = name
		r.Streams = slices.Clone(r.Streams)
		for j, s := range r.Streams {
			r.Streams[j] = strings.ToLower(s)
		}
		rs = append(rs, r)
	}
	return &Router{routes: rs, targets: slices.Clone(targets)}, nil
}

// Targets returns the targets ev goes to, each once, in route order: one
// announcement gives at most one message per target even when several
// routes lead there. Test events go to every target.
func (r *Router) Targets(ev drawwatch.Event) []string {
	if ev.Type == drawwatch.EventTest {
		return slices.Clone(r.targets)
	}
	var out []string
	for _, rt := range r.matching(ev) {
		for _, t := range rt.Targets {
			if !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	return out
}

// Highlight returns the NOC filters of the routes that take ev to target,
// for Render to list those codes first.
func (r *Router) Highlight(ev drawwatch.Event, target string) []string {
	var out []string
	for _, rt := range r.matching(ev) {
		if !slices.Contains(rt.Targets, target) {
			continue
		}
		for _, n := range rt.NOCs {
			if !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	return out
}

func (r *Router) matching(ev drawwatch.Event) []Route {
	var out []Route
	for _, rt := range r.routes {
		if routeMatches(rt, ev) {
			out = append(out, rt)
		}
	}
	return out
}

func routeMatches(rt Route, ev drawwatch.Event) bool {
	switch ev.Type {
	case drawwatch.EventNew, drawwatch.EventChanged:
		if !rt.wants(RouteDraw) {
			return false
		}
		if !rt.hasDrawFilters() {
			return true
		}
		if ev.Announcement == nil {
			return false
		}
		for _, d := range ev.Announcement.Draws {
			if drawPasses(rt, d) {
				return true
			}
		}
		return false
	case drawwatch.EventNews:
		return rt.wants(RouteNews)
	case drawwatch.EventOps, drawwatch.EventRecovery, drawwatch.EventWarning, drawwatch.EventDeadAlerts:
		return rt.wants(RouteOps)
	case drawwatch.EventTest:
		return true
	}
	return false
}

func drawPasses(rt Route, d drawwatch.Draw) bool {
	if !programPasses(rt, d) {
		return false
	}
	if len(rt.Streams) > 0 && !slices.Contains(rt.Streams, strings.ToLower(string(d.Stream))) {
		return false
	}
	if len(rt.NOCs) > 0 {
		hit := false
		for _, n := range d.NOCs {
			if matchNOC(rt.NOCs, n.Code) {
				hit = true
				break
			}
		}
		if !hit {
			return false
		}
	}
	if len(rt.Categories) > 0 {
		cat := strings.ToLower(d.Category)
		hit := false
		for _, c := range rt.Categories {
			if strings.Contains(cat, strings.ToLower(c)) {
				hit = true
				break
			}
		}
		if !hit {
			return false
		}
	}
	return scoreOverlaps(rt, d)
}

// scoreOverlaps reports whether the draw's band [ScoreMin, ScoreMax]
// overlaps the route's [MinScore, MaxScore]; open ends are unbounded.
func scoreOverlaps(rt Route, d drawwatch.Draw) bool {
	if d.ScoreMin == nil && d.ScoreMax == nil {
		return true
	}
	if rt.MinScore != nil && d.ScoreMax != nil && *d.ScoreMax < *rt.MinScore {
		return false
	}
	if rt.MaxScore != nil && d.ScoreMin != nil && *d.ScoreMin > *rt.MaxScore {
		return false
	}
	return true
}

// HighlightFor is Highlight for an alert, usable as a Highlighter.
func (r *Router) HighlightFor(a drawwatch.Alert) []string {
	return r.Highlight(a.Event, a.Target)
}

// programPasses applies the route's programs (see Route.Programs); it is
// only asked for routes with draw filters.
func programPasses(rt Route, d drawwatch.Draw) bool {
	if len(rt.Programs) == 0 {
		return d.ProgramOf() == drawwatch.ProgramOINP
	}
	return slices.ContainsFunc(rt.Programs, func(p string) bool { return strings.EqualFold(p, d.ProgramOf()) })
}

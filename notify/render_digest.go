package notify

import (
	"fmt"
	"strings"
	"time"

	"github.com/drawwatch/drawwatch"
)

// digestGroup is one heading of a digest: a route kind, and for draws the
// stream.
type digestGroup struct {
	heading string
	lines   []line
}

// renderDigest lists the events a digest gathers, grouped by kind (draws,
// news, ops) and, for draws, by stream; each line is the alert's subject,
// linked to its announcement.
func renderDigest(ev drawwatch.Event, zone *time.Location) doc {
	var groups []*digestGroup
	byHeading := map[string]*digestGroup{}
	counts := map[string]int{}
	for _, kind := range []string{RouteDraw, RouteNews, RouteOps, ""} {
		for _, e := range ev.Digest {
			if routeKind(e.Type) != kind {
				continue
			}
			counts[kind]++
			h := digestHeading(kind, e)
			g := byHeading[h]
			if g == nil {
				g = &digestGroup{heading: h}
				byHeading[h] = g
				groups = append(groups, g)
			}
			g.lines = append(g.lines, digestLine(e, zone))
		}
	}
	var tally []string
	for _, k := range []struct{ kind, one, many string }{
		{RouteDraw, "draw alert", "draw alerts"}, {RouteNews, "news item", "news items"}, {RouteOps, "ops alert", "ops alerts"}, {"", "other", "others"},
	} {
		switch n := counts[k.kind]; {
		case n == 1:
			tally = append(tally, "1 "+k.one)
		case n > 1:
			tally = append(tally, fmt.Sprintf("%d %s", n, k.many))
		}
	}
	title := "drawwatch digest: " + strings.Join(tally, ", ")
	d := doc{subject: title, parts: []part{titlePart(title)}}
	for _, g := range groups {
		p := part{kind: partText, lines: []line{{spans: []span{{text: g.heading, bold: true}}}}}
		p.lines = append(p.lines, g.lines...)
		d.parts = append(d.parts, p)
	}
	if !ev.DetectedAt.IsZero() {
		d.parts = append(d.parts, part{kind: partContext, lines: []line{{spans: []span{{text: "Held since the last digest; sent " + FormatInZone(ev.DetectedAt, zone)}}}}})
	}
	return d
}

func digestHeading(kind string, e drawwatch.Event) string {
	switch kind {
	case RouteDraw:
		if an := e.Announcement; an != nil && len(an.Draws) > 0 && an.Draws[0].Stream != "" {
			return "Draws: " + an.Draws[0].Stream.Name()
		}
		return "Draws"
	case RouteNews:
		return "News"
	case RouteOps:
		return "Operations"
	}
	return "Other"
}

// digestLine is one held alert: its own subject, linked to the page.
func digestLine(e drawwatch.Event, zone *time.Location) line {
	sub := renderDoc(drawwatch.Alert{Event: e}, nil, zone).subject
	// Subjects lead with stream, band and date: two draws of one day need
	// their titles to tell them apart.
	if an := e.Announcement; an != nil && an.Title != "" && !strings.Contains(sub, an.Title) {
		sub += " — " + an.Title
	}
	l := line{bullet: true}
	if an := e.Announcement; an != nil && an.SourceURL != "" {
		l.spans = append(l.spans, span{text: sub, href: an.SourceURL})
	} else {
		l.spans = append(l.spans, span{text: sub})
	}
	return l
}

package engine

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/drawwatch/drawwatch"
)

func intString(p *int) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(*p)
}

// drawFields are the scalar Draw fields compared between versions, by JSON name.
var drawFields = []struct {
	name string
	get  func(drawwatch.Draw) string
}{
	{"program", func(d drawwatch.Draw) string { return d.Program }},
	{"stream", func(d drawwatch.Draw) string { return string(d.Stream) }},
	{"stream_name", func(d drawwatch.Draw) string { return d.StreamName }},
	{"category", func(d drawwatch.Draw) string { return d.Category }},
	{"date", func(d drawwatch.Draw) string { return d.Date }},
	{"invitation", func(d drawwatch.Draw) string { return d.Invitation }},
	{"score_kind", func(d drawwatch.Draw) string { return d.ScoreKind }},
	{"score_min", func(d drawwatch.Draw) string { return intString(d.ScoreMin) }},
	{"score_max", func(d drawwatch.Draw) string { return intString(d.ScoreMax) }},
	{"invitations", func(d drawwatch.Draw) string { return intString(d.Invitations) }},
	{"profiles_from", func(d drawwatch.Draw) string { return d.ProfilesFrom }},
	{"profiles_to", func(d drawwatch.Draw) string { return d.ProfilesTo }},
	{"deadline", func(d drawwatch.Draw) string { return d.Deadline }},
	{"notes", func(d drawwatch.Draw) string { return d.Notes }},
	{"source_url", func(d drawwatch.Draw) string { return d.SourceURL }},
	{"round", func(d drawwatch.Draw) string { return d.Round }},
	{"tie_break", func(d drawwatch.Draw) string { return d.TieBreak }},
	{"programs_included", func(d drawwatch.Draw) string { return strings.Join(d.ProgramsIncluded, ", ") }},
	{"distribution", func(d drawwatch.Draw) string { return distributionSummary(d.Distribution) }},
}

// Diff lists what changed from old to cur: announcement-level
// fields, then draw fields prefixed by draw key, draws added ("" -> summary)
// and removed (summary -> ""). When the text changed but nothing else did
// (a typo fix), it is one "text" change showing the edited passage. Values
// that differ only by mojibake (the page re-served in another encoding) are
// not changes.
func Diff(old, cur drawwatch.Announcement) []drawwatch.FieldChange {
	var out []drawwatch.FieldChange
	add := func(field, o, n string) {
		if !drawwatch.EqualIgnoringMojibake(o, n) {
			out = append(out, drawwatch.FieldChange{Field: field, Old: o, New: n})
		}
	}
	add("title", old.Title, cur.Title)
	add("posted", old.Posted, cur.Posted)
	add("kind", string(old.Kind), string(cur.Kind))

	oldKeys := drawwatch.DrawKeys(old.Draws)
	oldByKey := make(map[string]drawwatch.Draw, len(old.Draws))
	for i, d := range old.Draws {
		oldByKey[oldKeys[i]] = d
	}
	curKeys := drawwatch.DrawKeys(cur.Draws)
	for i, d := range cur.Draws {
		k := curKeys[i]
		o, ok := oldByKey[k]
		if !ok {
			add(k, "", summary(d))
			continue
		}
		for _, f := range drawFields {
			add(k+"."+f.name, f.get(o), f.get(d))
		}
		if removed, added := nocDiff(o.NOCs, d.NOCs); removed != "" || added != "" {
			out = append(out, drawwatch.FieldChange{Field: k + ".nocs", Old: removed, New: added})
		}
	}
	for i, d := range old.Draws {
		if !slices.Contains(curKeys, oldKeys[i]) {
			add(oldKeys[i], summary(d), "")
		}
	}
	if len(out) == 0 && !drawwatch.EqualIgnoringMojibake(old.Text, cur.Text) {
		o, n := excerpt(old.Text, cur.Text)
		out = append(out, drawwatch.FieldChange{Field: "text", Old: o, New: n})
	}
	return out
}

// nocDiff lists the codes only in old (removed) and only in cur (added).
// A code whose title changed appears in both, with its titles.
func nocDiff(old, cur []drawwatch.NOC) (removed, added string) {
	oldTitle := make(map[string]string, len(old))
	for _, n := range old {
		oldTitle[n.Code] = n.Title
	}
	curTitle := make(map[string]string, len(cur))
	for _, n := range cur {
		curTitle[n.Code] = n.Title
	}
	var rm, ad []string
	for _, n := range old {
		if t, ok := curTitle[n.Code]; !ok {
			rm = append(rm, n.Code)
		} else if !drawwatch.EqualIgnoringMojibake(t, n.Title) {
			rm = append(rm, n.Code+" "+n.Title)
		}
	}
	for _, n := range cur {
		if t, ok := oldTitle[n.Code]; !ok {
			ad = append(ad, n.Code)
		} else if !drawwatch.EqualIgnoringMojibake(t, n.Title) {
			ad = append(ad, n.Code+" "+n.Title)
		}
	}
	return strings.Join(rm, ", "), strings.Join(ad, ", ")
}

// summary is a one-line description of a draw for added/removed changes.
func summary(d drawwatch.Draw) string {
	var parts []string
	if d.ScoreMin != nil || d.ScoreMax != nil {
		parts = append(parts, strings.TrimSpace(fmt.Sprintf("%s %s-%s", d.ScoreKind, intString(d.ScoreMin), intString(d.ScoreMax))))
	}
	if d.Invitations != nil {
		parts = append(parts, strings.TrimSpace(fmt.Sprintf("%d %s", *d.Invitations, d.Invitation)))
	}
	if len(d.NOCs) > 0 {
		parts = append(parts, fmt.Sprintf("%d NOCs", len(d.NOCs)))
	}
	if len(parts) == 0 {
		return "draw"
	}
	return strings.Join(parts, ", ")
}

// excerpt cuts old and cur down to the passage that differs, with a little
// context, so a typo fix reads as one in an alert.
func excerpt(old, cur string) (string, string) {
	const context = 30
	o, c := []rune(old), []rune(cur)
	p := 0
	for p < len(o) && p < len(c) && o[p] == c[p] {
		p++
	}
	sfx := 0
	for sfx < len(o)-p && sfx < len(c)-p && o[len(o)-1-sfx] == c[len(c)-1-sfx] {
		sfx++
	}
	cut := func(r []rune) string {
		start, end := max(0, p-context), min(len(r), len(r)-sfx+context)
		s := string(r[start:end])
		if start > 0 {
			s = "…" + s
		}
		if end < len(r) {
			s += "…"
		}
		return s
	}
	return cut(o), cut(c)
}

// distributionSummary is a pool distribution in one line, for field
// changes: "2026-08-03: 229100 (601-1200 500, 501-600 19705, ...)".
func distributionSummary(p *drawwatch.PoolDistribution) string {
	if p == nil {
		return ""
	}
	parts := make([]string, 0, 12)
	for _, b := range p.Bands {
		parts = append(parts, fmt.Sprintf("%d-%d %d", b.Min, b.Max, b.Count))
		for _, s := range b.Parts {
			parts = append(parts, fmt.Sprintf("%d-%d %d", s.Min, s.Max, s.Count))
		}
	}
	return fmt.Sprintf("%s: %d (%s)", p.AsOf, p.Total, strings.Join(parts, ", "))
}

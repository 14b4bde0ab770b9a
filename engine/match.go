package engine

import (
	"slices"
	"strings"

	"github.com/drawwatch/drawwatch"
)

// The same draw is often published twice: as a row of the notifications or
// invitations tables (count, profile window) and as an updates-page
// announcement (NOC list, anchor). The table row is linked to the updates
// draw and the pair shows as one draw.

// IsTablePage reports whether kind is one of the NOI/ITA table pages.
func IsTablePage(kind drawwatch.PageKind) bool {
	return kind == drawwatch.PageNOI || kind == drawwatch.PageITA
}

// MergeDraws is the one draw a linked pair stands for: the updates draw
// (NOCs, anchor, category wording) completed with the table's count and
// profile window, which updates pages often leave out.
func MergeDraws(updates, table drawwatch.Draw) drawwatch.Draw {
	m := updates
	if table.Invitations != nil {
		m.Invitations = table.Invitations
	}
	if table.ProfilesFrom != "" || table.ProfilesTo != "" {
		m.ProfilesFrom, m.ProfilesTo = table.ProfilesFrom, table.ProfilesTo
	}
	if m.ScoreMin == nil && m.ScoreMax == nil {
		m.ScoreMin, m.ScoreMax = table.ScoreMin, table.ScoreMax
	}
	if m.Invitation == "" {
		m.Invitation = table.Invitation
	}
	if m.ScoreKind == "" {
		m.ScoreKind = table.ScoreKind
	}
	if m.StreamName == "" {
		m.StreamName = table.StreamName
	}
	if m.Deadline == "" {
		m.Deadline = table.Deadline
	}
	return m
}

// Words that say nothing about a draw's target: table notes are full of
// them ("Targeted draw Please refer to the OINP Program Update page ...").
var stopWords = map[string]bool{
	"a": true, "an": true, "and": true, "the": true, "for": true, "of": true, "in": true, "to": true, "on": true,
	"with": true, "or": true, "under": true, "draw": true, "targeted": true, "target": true, "general": true,
	"occupation": true, "ontario": true, "stream": true, "candidate": true, "project": true, "please": true,
	"refer": true, "list": true, "page": true, "oinp": true, "program": true, "update": true, "information": true,
	"more": true, "ircc": true, "s": true, "tie": true, "breaking": true, "only": true, "all": true,
}

// wordAliases maps spellings of one target to one word.
var wordAliases = map[string]string{
	"gta": "toronto", "technology": "tech", "healthcare": "health", "trade": "trades",
}

// targetWords are the significant words of a draw's category.
func targetWords(category string) []string {
	var out []string
	for _, w := range strings.Split(drawwatch.Slug(category), "-") {
		if len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") {
			w = strings.TrimSuffix(w, "s")
		}
		if a, ok := wordAliases[w]; ok {
			w = a
		}
		if w == "" || stopWords[w] || !slices.ContainsFunc([]rune(w), func(r rune) bool { return r >= 'a' && r <= 'z' }) {
			continue
		}
		if !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	slices.Sort(out)
	return out
}

// Match strength between a table row and an updates draw of the same date
// and stream: the strongest tier present wins.
const (
	tierNone     = iota
	tierWildcard // one side names no target
	tierOverlap  // the targets share a word ("economic mobility" / "Economic Mobility Pathways Project")
	tierSame     // same significant words, or neither names one
)

func matchTier(a, b drawwatch.Draw) int {
	if bandsDiffer(a.ScoreMin, b.ScoreMin) || bandsDiffer(a.ScoreMax, b.ScoreMax) {
		return tierNone
	}
	wa, wb := targetWords(a.Category), targetWords(b.Category)
	switch {
	case slices.Equal(wa, wb):
		return tierSame
	case len(wa) == 0 || len(wb) == 0:
		return tierWildcard
	case slices.ContainsFunc(wa, func(w string) bool { return slices.Contains(wb, w) }):
		return tierOverlap
	}
	return tierNone
}

func bandsDiffer(a, b *int) bool { return a != nil && b != nil && *a != *b }

// fillFields are the draw fields a table row supplies to its updates draw
// that an alert reports: the score band (when the updates page gave none),
// the count and the profile window.
var fillFields = []string{"score_min", "score_max", "invitations", "profiles_from", "profiles_to"}

// Package match decides which roster clients a draw may have reached. It
// is pure: no I/O, only the domain types, so the same rules serve alerts,
// the CLI and the calendar feed.
package match

import (
	"slices"
	"strings"

	"github.com/drawwatch/drawwatch"
)

// Result is the outcome of matching one draw against a roster.
type Result struct {
	Matches  []drawwatch.ClientMatch
	Possible []drawwatch.ClientMatch
}

// Index is a roster prepared for matching many draws: clients grouped by
// NOC code, so a draw with a long NOC list looks up only the clients that
// hold one of its codes.
type Index struct {
	clients []drawwatch.Client
	byNOC   map[string][]int // NOC code -> positions in clients, ascending
}

// NewIndex prepares clients for matching. The slice is kept, not copied.
func NewIndex(clients []drawwatch.Client) *Index {
	ix := &Index{clients: clients, byNOC: make(map[string][]int)}
	for i, c := range clients {
		for _, n := range c.NOCs {
			if l := ix.byNOC[n]; len(l) == 0 || l[len(l)-1] != i { // a code listed twice counts once
				ix.byNOC[n] = append(l, i)
			}
		}
	}
	return ix
}

// Clients returns the indexed roster.
func (ix *Index) Clients() []drawwatch.Client { return ix.clients }

// Client returns the client with this id.
func (ix *Index) Client(id string) (drawwatch.Client, bool) {
	for _, c := range ix.clients {
		if c.ID == id {
			return c, true
		}
	}
	return drawwatch.Client{}, false
}

// Draw matches one draw against the roster, in roster order.
func (ix *Index) Draw(d drawwatch.Draw) Result {
	var res Result
	add := func(c drawwatch.Client, noc string) {
		m, ok := Client(c, d, noc)
		switch {
		case !ok:
		case m.Possible:
			res.Possible = append(res.Possible, m)
		default:
			res.Matches = append(res.Matches, m)
		}
	}
	if len(d.NOCs) == 0 { // a draw without a NOC list matches any NOC
		for _, c := range ix.clients {
			add(c, "")
		}
		return res
	}
	// Which of the draw's codes each candidate holds; the first code of the
	// client's own list is the one shown.
	seen := make([]bool, len(ix.clients))
	var cands []int
	for _, n := range d.NOCs {
		for _, i := range ix.byNOC[n.Code] {
			if !seen[i] {
				seen[i] = true
				cands = append(cands, i)
			}
		}
	}
	slices.Sort(cands)
	listed := make(map[string]bool, len(d.NOCs))
	for _, n := range d.NOCs {
		listed[n.Code] = true
	}
	for _, i := range cands {
		c := ix.clients[i]
		add(c, firstListed(c.NOCs, listed))
	}
	return res
}

func firstListed(codes []string, listed map[string]bool) string {
	for _, code := range codes {
		if listed[code] {
			return code
		}
	}
	return ""
}

// Client decides whether client c matches draw d, given noc, the client's
// code found in the draw's list ("" when the draw lists none). The rules:
// program and stream among the client's (empty = any); the client's score of
// the draw's kind within the band, inclusive, the maximum open when unstated;
// the profile created within the draw's profile window when it states one.
// A client missing the score or profile date the draw needs is a possible
// match: the team must look at the file.
func Client(c drawwatch.Client, d drawwatch.Draw, noc string) (drawwatch.ClientMatch, bool) {
	if c.Program != "" && !strings.EqualFold(c.Program, d.ProgramOf()) {
		return drawwatch.ClientMatch{}, false
	}
	if len(c.Streams) > 0 && !slices.Contains(c.Streams, streamOf(d)) {
		return drawwatch.ClientMatch{}, false
	}
	if len(d.NOCs) > 0 && noc == "" {
		return drawwatch.ClientMatch{}, false
	}
	m := drawwatch.ClientMatch{ClientID: c.ID, Label: c.Label, Owner: c.Owner, NOC: noc}
	var unsure []string
	if d.ScoreMin != nil || d.ScoreMax != nil {
		m.ScoreKind = d.ScoreKind
		m.Score = scoreOf(c, d.ScoreKind)
		switch {
		case m.Score == nil:
			unsure = append(unsure, "no "+scoreName(d.ScoreKind)+" score on file")
		case d.ScoreMin != nil && *m.Score < *d.ScoreMin, d.ScoreMax != nil && *m.Score > *d.ScoreMax:
			return drawwatch.ClientMatch{}, false
		}
	}
	if d.ProfilesFrom != "" || d.ProfilesTo != "" {
		switch created := c.ProfileCreated; {
		case created == "":
			unsure = append(unsure, "no profile creation date on file")
		case d.ProfilesFrom != "" && created < d.ProfilesFrom, d.ProfilesTo != "" && created > d.ProfilesTo:
			return drawwatch.ClientMatch{}, false // ISO dates compare as strings
		}
	}
	if len(unsure) > 0 {
		m.Possible, m.Reason = true, strings.Join(unsure, "; ")
	}
	return m, true
}

// streamOf is what a roster's streams column names for a draw: the OINP
// stream, or for Express Entry rounds the round's category slug.
func streamOf(d drawwatch.Draw) drawwatch.Stream {
	if d.ProgramOf() == drawwatch.ProgramEE {
		return drawwatch.Stream(d.Category)
	}
	return d.Stream
}

func scoreOf(c drawwatch.Client, kind string) *int {
	switch strings.ToUpper(kind) {
	case drawwatch.ScoreCRS:
		return c.CRS
	case drawwatch.ScoreEOI:
		return c.EOI
	}
	return nil
}

func scoreName(kind string) string {
	if kind == "" {
		return "matching"
	}
	return kind
}

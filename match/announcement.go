package match

import (
	"slices"

	"github.com/drawwatch/drawwatch"
)

// Announcement matches every draw of an announcement and lists each client
// once: a sure match in any draw wins over a possible one in another.
func (ix *Index) Announcement(an *drawwatch.Announcement) Result {
	if an == nil || an.Kind == drawwatch.KindNews {
		return Result{}
	}
	var res Result
	sure := map[string]bool{}
	maybe := map[string]int{} // client id -> position in res.Possible
	for _, d := range an.Draws {
		r := ix.Draw(d)
		for _, m := range r.Matches {
			if !sure[m.ClientID] {
				sure[m.ClientID] = true
				res.Matches = append(res.Matches, m)
			}
		}
		for _, m := range r.Possible {
			if _, dup := maybe[m.ClientID]; !dup {
				maybe[m.ClientID] = len(res.Possible)
				res.Possible = append(res.Possible, m)
			}
		}
	}
	res.Possible = slices.DeleteFunc(res.Possible, func(m drawwatch.ClientMatch) bool { return sure[m.ClientID] })
	return res
}

// Owners lists the owner targets of the matched and possible clients, each
// once, in roster order.
func (r Result) Owners() []string {
	var out []string
	for _, list := range [][]drawwatch.ClientMatch{r.Matches, r.Possible} {
		for _, m := range list {
			if m.Owner != "" && !slices.Contains(out, m.Owner) {
				out = append(out, m.Owner)
			}
		}
	}
	return out
}

// For is what target may see of r: everything when a route that shares
// client data leads the alert there (seesAll), else only the clients it
// owns. Nil when nothing is left.
func (r Result) For(target string, seesAll bool) *drawwatch.ClientMatches {
	keep := func(list []drawwatch.ClientMatch) []drawwatch.ClientMatch {
		var out []drawwatch.ClientMatch
		for _, m := range list {
			if seesAll || m.Owner == target {
				out = append(out, m)
			}
		}
		return out
	}
	cm := &drawwatch.ClientMatches{Matches: keep(r.Matches), Possible: keep(r.Possible)}
	if cm.Empty() {
		return nil
	}
	return cm
}

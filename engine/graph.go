package engine

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/drawwatch/drawwatch"
)

// node is one draw as it stands while a page is decided: stored, or added
// by the page (then its ID is provisional, above every stored one, as the
// store's will be).
type node struct {
	StoredDraw
	added bool
}

// ref names the draw for the store: by row, or for a draw the page adds,
// by announcement ID and key.
func (n *node) ref() DrawRef {
	if n.added {
		return DrawRef{AnnID: n.AnnID, Key: n.Key}
	}
	return DrawRef{ID: n.ID}
}

type annKey struct{ url, id string }

type drawKey struct {
	ann annKey
	key string
}

// graph holds the draws around a page and their links, indexed the ways
// merging looks them up.
type graph struct {
	nodes     map[int64]*node
	byKey     map[drawKey]*node
	byAnn     map[annKey][]*node
	bySpot    map[Spot][]*node // by date and stream
	byHistory map[history][]*node
	partners  map[int64]*node // updates draw -> the table row linked to it
	removed   map[annKey]bool // removal state decided by this page, over the stored one
	nextID    int64
	sorted    map[history][]*node // byHistory sorted by date and ID, built when first needed
}

func newGraph(draws []StoredDraw) *graph {
	g := &graph{nodes: make(map[int64]*node, len(draws)), byKey: make(map[drawKey]*node, len(draws)),
		byAnn: map[annKey][]*node{}, bySpot: map[Spot][]*node{}, byHistory: map[history][]*node{},
		partners: map[int64]*node{}, removed: map[annKey]bool{}}
	for _, d := range draws {
		if _, dup := g.nodes[d.ID]; !dup {
			g.add(&node{StoredDraw: d})
			g.nextID = max(g.nextID, d.ID)
		}
	}
	for _, n := range g.nodes {
		if n.MergedInto != 0 {
			g.partners[n.MergedInto] = n
		}
	}
	g.nextID++
	return g
}

func spotOf(d drawwatch.Draw) Spot { return Spot{Date: d.Date, Stream: d.Stream} }

// history is one program's stream and category, the line of draws a
// previous draw comes from.
type history struct {
	program, stream, slug string
}

// historyOf is the line d is stored under; a stored draw that names no
// program is matched as it was stored, as the SQL store compares columns.
func historyOf(d drawwatch.Draw) history {
	return history{d.Program, string(d.Stream), drawwatch.Slug(d.Category)}
}

func (g *graph) add(n *node) {
	g.sorted = nil
	ak := annKey{n.PageURL, n.AnnID}
	g.nodes[n.ID] = n
	g.byKey[drawKey{ak, n.Key}] = n
	g.byAnn[ak] = append(g.byAnn[ak], n)
	g.bySpot[spotOf(n.Draw)] = append(g.bySpot[spotOf(n.Draw)], n)
	g.byHistory[historyOf(n.Draw)] = append(g.byHistory[historyOf(n.Draw)], n)
}

func (g *graph) setLink(table, updates *node) {
	table.MergedInto = updates.ID
	g.partners[updates.ID] = table
}

func (g *graph) isRemoved(n *node) bool {
	if r, ok := g.removed[annKey{n.PageURL, n.AnnID}]; ok {
		return r
	}
	return n.Removed
}

// setDraws makes the draws of announcement a of page p match a.Draws,
// keeping the node (and links) of every draw whose key stays, and returns
// the draws it added, in page order.
func (g *graph) setDraws(p Page, row int64, a drawwatch.Announcement) []*node {
	ak := annKey{p.URL, a.ID}
	keys := drawwatch.DrawKeys(a.Draws)
	keep := make(map[string]bool, len(keys))
	var added []*node
	for i, d := range a.Draws {
		keep[keys[i]] = true
		if n := g.byKey[drawKey{ak, keys[i]}]; n != nil {
			n.Draw = d
			continue
		}
		n := &node{added: true, StoredDraw: StoredDraw{ID: g.nextID, AnnRow: row, AnnID: a.ID, PageURL: p.URL,
			PageKind: p.Kind, Key: keys[i], Draw: d}}
		g.nextID++
		g.add(n)
		added = append(added, n)
	}
	for _, n := range slices.Clone(g.byAnn[ak]) {
		if !keep[n.Key] {
			g.drop(n)
		}
	}
	return added
}

// drop deletes a draw; table rows linked to it come apart, as the store's
// foreign key sets them apart.
func (g *graph) drop(n *node) {
	g.sorted = nil
	ak := annKey{n.PageURL, n.AnnID}
	without := func(list []*node) []*node { return slices.DeleteFunc(list, func(o *node) bool { return o == n }) }
	delete(g.nodes, n.ID)
	delete(g.byKey, drawKey{ak, n.Key})
	g.byAnn[ak] = without(g.byAnn[ak])
	g.bySpot[spotOf(n.Draw)] = without(g.bySpot[spotOf(n.Draw)])
	g.byHistory[historyOf(n.Draw)] = without(g.byHistory[historyOf(n.Draw)])
	if t := g.partners[n.ID]; t != nil {
		t.MergedInto = 0
		delete(g.partners, n.ID)
	}
	if n.MergedInto != 0 {
		delete(g.partners, n.MergedInto)
	}
}

// partner is the table row linked to updates draw id, or nil.
func (g *graph) partner(id int64) *node { return g.partners[id] }

// opposites are the draws on the other side of r (table rows for an
// updates draw and the reverse) with r's date and stream, not yet linked,
// of announcements still on their page.
func (g *graph) opposites(r *node) []*node {
	var out []*node
	for _, n := range g.bySpot[spotOf(r.Draw)] {
		if g.isRemoved(n) {
			continue
		}
		if IsTablePage(r.PageKind) {
			if n.PageKind == drawwatch.PageUpdates && g.partner(n.ID) == nil {
				out = append(out, n)
			}
		} else if IsTablePage(n.PageKind) && n.MergedInto == 0 {
			out = append(out, n)
		}
	}
	slices.SortFunc(out, func(a, b *node) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// bestMatches keeps the candidates of the strongest match tier.
func bestMatches(r *node, cands []*node) []*node {
	best, out := tierNone, []*node(nil)
	for _, c := range cands {
		switch t := matchTier(r.Draw, c.Draw); {
		case t > best:
			best, out = t, []*node{c}
		case t == best && t != tierNone:
			out = append(out, c)
		}
	}
	return out
}

// link tries to link each added draw to its counterpart. It links only
// when the match is unique both ways, so the result does not depend on
// which page arrived first. It returns the links, the table rows it linked
// to an updates draw stored before this page, and descriptions of
// ambiguous matches.
func (g *graph) link(added []*node) (links []Link, linkedTable map[int64]bool, unmerged []string) {
	linkedTable = map[int64]bool{}
	reported := map[string]bool{}
	report := func(msg string) {
		if !reported[msg] {
			reported[msg] = true
			unmerged = append(unmerged, msg)
		}
	}
	for _, r := range added {
		if r.Draw.Date == "" || r.Draw.Stream == "" || r.MergedInto != 0 {
			continue
		}
		cands := bestMatches(r, g.opposites(r))
		if len(cands) == 0 {
			continue
		}
		if len(cands) > 1 {
			report(ambiguity(r, cands))
			continue
		}
		c := cands[0]
		if back := bestMatches(c, g.opposites(c)); len(back) != 1 || back[0] != r {
			report(ambiguity(c, back))
			continue
		}
		table, updates := r, c
		if !IsTablePage(r.PageKind) {
			table, updates = c, r
		}
		g.setLink(table, updates)
		links = append(links, Link{Table: table.ref(), Updates: updates.ref()})
		if !updates.added {
			linkedTable[table.ID] = true
		}
	}
	return links, linkedTable, unmerged
}

func describe(n *node) string {
	return fmt.Sprintf("%s draw %s (%s %q)", n.PageKind, n.Key, n.AnnID, n.Draw.Category)
}

func ambiguity(r *node, cands []*node) string {
	names := make([]string, len(cands))
	for i, c := range cands {
		names[i] = describe(c)
	}
	slices.Sort(names)
	return fmt.Sprintf("%s matches %d draws: %s", describe(r), len(cands), strings.Join(names, "; "))
}

// mergeLinked returns draws, the draws of announcement annID of pageURL,
// each merged with the table row linked to it, if any.
func (g *graph) mergeLinked(pageURL, annID string, draws []drawwatch.Draw) []drawwatch.Draw {
	out := slices.Clone(draws)
	for i, k := range drawwatch.DrawKeys(draws) {
		if n := g.byKey[drawKey{annKey{pageURL, annID}, k}]; n != nil {
			if t := g.partner(n.ID); t != nil {
				out[i] = MergeDraws(out[i], t.Draw)
			}
		}
	}
	return out
}

// previous finds, per draw, the latest earlier draw of the same program,
// stream and category, merged with its table row: the alert shows how the
// band moved.
func (g *graph) previous(draws []drawwatch.Draw) []*drawwatch.Draw {
	if len(draws) == 0 {
		return nil
	}
	out := make([]*drawwatch.Draw, len(draws))
	for i, d := range draws {
		if d.Date == "" {
			continue
		}
		best := g.latestBefore(history{d.ProgramOf(), string(d.Stream), drawwatch.Slug(d.Category)}, d.Date)
		if best == nil {
			continue
		}
		prev := best.Draw
		if t := g.partner(best.ID); t != nil {
			prev = MergeDraws(prev, t.Draw)
		}
		out[i] = &prev
	}
	return out
}

// latestBefore is the newest dated draw of history h before date that is
// no linked table row and whose announcement is on its page.
func (g *graph) latestBefore(h history, date string) *node {
	if g.sorted == nil {
		g.sorted = map[history][]*node{}
	}
	list, ok := g.sorted[h]
	if !ok {
		list = slices.Clone(g.byHistory[h])
		slices.SortFunc(list, func(a, b *node) int {
			return cmp.Or(strings.Compare(a.Draw.Date, b.Draw.Date), cmp.Compare(a.ID, b.ID))
		})
		g.sorted[h] = list
	}
	i, _ := slices.BinarySearchFunc(list, date, func(n *node, date string) int { return strings.Compare(n.Draw.Date, date) })
	for i--; i >= 0; i-- {
		if n := list[i]; n.Draw.Date != "" && n.MergedInto == 0 && !g.isRemoved(n) {
			return n
		}
	}
	return nil
}

// drawsOf counts the draws of one announcement.
func (g *graph) drawsOf(pageURL, annID string) int { return len(g.byAnn[annKey{pageURL, annID}]) }

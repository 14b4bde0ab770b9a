package output

import (
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/match"
	"github.com/drawwatch/drawwatch/store"
)

// drawMatches is one stored draw with the clients it matched.
type drawMatches struct {
	AnnouncementID    string                  `json:"announcement_id"`
	AnnouncementTitle string                  `json:"announcement_title"`
	Draw              drawwatch.Draw          `json:"draw"`
	Matches           []drawwatch.ClientMatch `json:"matches"`
	Possible          []drawwatch.ClientMatch `json:"possible"`
}

// MatchDraw writes the roster clients the stored draws of announcement id
// match (and those they may match), as a table or JSON.
func MatchDraw(w io.Writer, ix *match.Index, draws []store.StoredDraw, id string, asJSON bool, storePath string) error {
	var out []drawMatches
	for _, d := range draws {
		if d.AnnouncementID != id {
			continue
		}
		res := ix.Draw(d.Draw)
		out = append(out, drawMatches{AnnouncementID: d.AnnouncementID, AnnouncementTitle: d.AnnouncementTitle, Draw: d.Draw,
			Matches: orEmpty(res.Matches), Possible: orEmpty(res.Possible)})
	}
	if len(out) == 0 {
		return fmt.Errorf("no draw with announcement id %q in %s; list ids with `drawwatch draws`", id, storePath)
	}
	if asJSON {
		return JSON(w, out)
	}
	for i, dm := range out {
		if i > 0 {
			fmt.Fprintln(w)
		}
		printDrawMatches(w, dm)
	}
	return nil
}

func printDrawMatches(w io.Writer, dm drawMatches) {
	d := dm.Draw
	fmt.Fprintf(w, "%s  %s", d.Date, d.Stream)
	if d.Category != "" {
		fmt.Fprintf(w, " — %s", d.Category)
	}
	if band := d.ScoreBand(); band != "" {
		fmt.Fprintf(w, "  %s %s", d.ScoreKind, band)
	}
	fmt.Fprintf(w, "  %d NOCs  (%s)\n", len(d.NOCs), dm.AnnouncementID)
	if len(dm.Matches) == 0 {
		fmt.Fprintln(w, "no client matches")
	} else {
		fmt.Fprintf(w, "%s:\n", clientsMatchText(len(dm.Matches)))
		printMatchTable(w, dm.Matches)
	}
	if len(dm.Possible) > 0 {
		fmt.Fprintf(w, "possible (check the file): %d\n", len(dm.Possible))
		printMatchTable(w, dm.Possible)
	}
}

func clientsMatchText(n int) string {
	if n == 1 {
		return "1 client matches"
	}
	return strconv.Itoa(n) + " clients match"
}

func printMatchTable(w io.Writer, ms []drawwatch.ClientMatch) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, m := range ms {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", m.ClientID, m.Label, dashIfEmpty(m.NOC), matchScore(m))
	}
	tw.Flush()
}

// matchScore is "CRS 412", or why the match is only possible.
func matchScore(m drawwatch.ClientMatch) string {
	switch {
	case m.Possible:
		return m.Reason
	case m.Score != nil:
		return m.ScoreKind + " " + strconv.Itoa(*m.Score)
	}
	return "-"
}

// clientHistory is every stored draw one client would have matched.
type clientHistory struct {
	ClientID string         `json:"client_id"`
	Label    string         `json:"label"`
	Draws    []clientInDraw `json:"draws"`
}

type clientInDraw struct {
	AnnouncementID    string                `json:"announcement_id"`
	AnnouncementTitle string                `json:"announcement_title"`
	Draw              drawwatch.Draw        `json:"draw"`
	Match             drawwatch.ClientMatch `json:"match"`
}

// MatchClient writes every stored draw the client id would have matched,
// newest first, as a table or JSON.
func MatchClient(w io.Writer, ix *match.Index, draws []store.StoredDraw, id string, asJSON bool) error {
	c, ok := ix.Client(id)
	if !ok {
		return fmt.Errorf("no client with id %q in the roster", id)
	}
	one := match.NewIndex([]drawwatch.Client{c})
	h := clientHistory{ClientID: c.ID, Label: c.Label, Draws: []clientInDraw{}}
	for _, d := range draws { // the store lists newest first
		res := one.Draw(d.Draw)
		for _, m := range append(res.Matches, res.Possible...) {
			h.Draws = append(h.Draws, clientInDraw{AnnouncementID: d.AnnouncementID, AnnouncementTitle: d.AnnouncementTitle, Draw: d.Draw, Match: m})
		}
	}
	if asJSON {
		return JSON(w, h)
	}
	fmt.Fprintf(w, "%s %s: %d stored draws match\n", c.ID, c.Label, len(h.Draws))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "DATE\tSTREAM\tCATEGORY\tSCORE\tNOC\tMATCH\tANNOUNCEMENT")
	for _, cd := range h.Draws {
		kind := "yes"
		if cd.Match.Possible {
			kind = "possible: " + cd.Match.Reason
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", cd.Draw.Date, cd.Draw.Stream, cd.Draw.Category,
			dashIfEmpty(cd.Draw.ScoreKind+" "+cd.Draw.ScoreBand()), dashIfEmpty(cd.Match.NOC), kind, cd.AnnouncementID)
	}
	return tw.Flush()
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func dashIfEmpty(s string) string {
	if s == "" || s == " " {
		return "-"
	}
	return s
}

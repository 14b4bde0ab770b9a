package output

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/drawwatch/drawwatch"
)

// Page writes a parsed page's announcements and their draws.
func Page(w io.Writer, page *drawwatch.Page) {
	draws := 0
	for _, a := range page.Announcements {
		draws += len(a.Draws)
	}
	fmt.Fprintf(w, "%s page: %d announcements, %d draws\n\n", page.Kind, len(page.Announcements), draws)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, a := range page.Announcements {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", a.Posted, a.Kind, a.Title)
		for _, d := range a.Draws {
			if d.Program == drawwatch.ProgramEE {
				eeRound(tw, d)
				continue
			}
			fmt.Fprintf(tw, "\t  %s\t%s %s\t%s\t%s %s\t%s\t%s\n", d.Date, d.Stream, orDash(d.Category), d.Invitation,
				d.ScoreKind, scoreBand(d), countText(d.Invitations), nocSummary(d.NOCs))
		}
		if n := len(a.Unparsed); n > 0 {
			// the announcement says more than its draws hold: point at the text
			fmt.Fprintf(tw, "\t  UNPARSED\t%d sentence(s) not read; see unparsed in --json\n", n)
		}
	}
	tw.Flush()
}

func countText(n *int) string {
	if n == nil {
		return "count n/a"
	}
	return fmt.Sprintf("%d invited", *n)
}

func nocSummary(nocs []drawwatch.NOC) string {
	if len(nocs) == 0 {
		return ""
	}
	codes := make([]string, 0, 4)
	for i, n := range nocs {
		if i == 4 {
			codes = append(codes, fmt.Sprintf("… (%d NOCs)", len(nocs)))
			break
		}
		codes = append(codes, n.Code)
	}
	return "NOC " + strings.Join(codes, ", ")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return "(" + s + ")"
}

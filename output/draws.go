package output

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/store"
)

// Draws writes draws as a table; its ID column is what `history` takes.
func Draws(w io.Writer, draws []store.StoredDraw) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tDATE\tKIND\tSTREAM\tCATEGORY\tINV\tSCORE\tCOUNT\tNOCS\tANNOUNCEMENT")
	for _, d := range draws {
		count := "-"
		if d.Invitations != nil {
			count = strconv.Itoa(*d.Invitations)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s %s\t%s\t%d\t%s\n", d.AnnouncementID, d.Date, d.Kind, streamColumn(d.Draw),
			d.Category, d.Invitation, d.ScoreKind, scoreBand(d.Draw), count, len(d.NOCs), d.AnnouncementTitle)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "%d rows\n", len(draws))
	return err
}

// DrawsCSV writes draws as CSV, one row per draw, snake_case headers.
func DrawsCSV(w io.Writer, draws []store.StoredDraw) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"date", "kind", "program", "stream", "stream_name", "category", "invitation", "score_kind",
		"score_min", "score_max", "invitations", "profiles_from", "profiles_to", "nocs", "deadline", "notes",
		"source_url", "announcement_id", "announcement_title", "round", "tie_break", "programs_included", "pool_total"})
	opt := func(p *int) string {
		if p == nil {
			return ""
		}
		return strconv.Itoa(*p)
	}
	for _, d := range draws {
		codes := make([]string, len(d.NOCs))
		for i, n := range d.NOCs {
			codes[i] = n.Code
		}
		cw.Write([]string{d.Date, string(d.Kind), d.Program, string(d.Stream), d.StreamName, d.Category, d.Invitation,
			d.ScoreKind, opt(d.ScoreMin), opt(d.ScoreMax), opt(d.Invitations), d.ProfilesFrom, d.ProfilesTo,
			strings.Join(codes, " "), d.Deadline, d.Notes, d.SourceURL, d.AnnouncementID, d.AnnouncementTitle,
			d.Round, d.TieBreak, strings.Join(d.ProgramsIncluded, "; "), poolTotal(d.Distribution)})
	}
	cw.Flush()
	return cw.Error()
}

func scoreBand(d drawwatch.Draw) string {
	if b := d.ScoreBand(); b != "" {
		return b
	}
	return "-"
}

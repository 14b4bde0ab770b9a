package output

import (
	"fmt"
	"io"
	"strconv"

	"github.com/drawwatch/drawwatch"
)

// streamColumn is the STREAM column: the OINP stream, or "EE #434" for an
// Express Entry round.
func streamColumn(d drawwatch.Draw) string {
	if d.Program == drawwatch.ProgramEE {
		return "EE #" + d.Round
	}
	return string(d.Stream)
}

func poolTotal(p *drawwatch.PoolDistribution) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(p.Total)
}

// eeRound is one Express Entry round in `parse` output.
func eeRound(w io.Writer, d drawwatch.Draw) {
	cutOff, pool, tieBreak := "-", "", "-"
	if d.ScoreMin != nil {
		cutOff = strconv.Itoa(*d.ScoreMin)
	}
	if d.Distribution != nil {
		pool = "pool " + strconv.Itoa(d.Distribution.Total)
	}
	if d.TieBreak != "" {
		tieBreak = d.TieBreak
	}
	fmt.Fprintf(w, "\t  %s\tEE #%s (%s)\t%s\tCRS cut-off %s\t%s\ttie-break %s\t%s\n", d.Date, d.Round, d.Category, d.Invitation,
		cutOff, countText(d.Invitations), tieBreak, pool)
}

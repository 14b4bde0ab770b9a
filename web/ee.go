package web

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/store"
)

// Express Entry rounds have their own section on the status page: a table
// of the latest rounds and a CRS cut-off chart per round kind, since a
// provincial-nominee cut-off (700+) and a French-language one (~400) on one
// axis would read as noise.

// eeTableLimit is how many rounds the table shows; eeChartMin is how many
// rounds a category needs for a chart of its own.
const (
	eeTableLimit = 20
	eeChartMin   = 3
)

type eeSection struct {
	Rounds []eeRow
	Charts []chart
	Total  int
	Limit  int
}

type eeRow struct {
	Round, Date, Category, CategorySlug string
	Invitations, CutOff, TieBreak       string
	URL                                 string
	Removed                             bool
}

// eeSection reads the stored EE rounds; none stored gives an empty section,
// which the page leaves out.
func (s *Server) eeSection(ctx context.Context, problem func(string, error)) eeSection {
	sec := eeSection{Limit: eeTableLimit}
	draws, err := s.opts.Data.Draws(ctx, store.DrawFilter{Program: drawwatch.ProgramEE, Kind: drawwatch.KindDraw, Limit: chartLimit})
	if err != nil {
		problem("read Express Entry rounds", err)
		return sec
	}
	sec.Total = len(draws)
	for i, d := range draws {
		if i == eeTableLimit {
			break
		}
		sec.Rounds = append(sec.Rounds, eeRowOf(d))
	}
	sec.Charts = eeCharts(draws)
	return sec
}

// eeKindName names a round's kind: drawwatch's name for a known category,
// IRCC's own words for one drawwatch does not know yet.
func eeKindName(d drawwatch.Draw) string {
	if !drawwatch.IsEECategory(d.Category) && d.StreamName != "" {
		return d.StreamName
	}
	return drawwatch.EECategoryName(d.Category)
}

func eeRowOf(d store.StoredDraw) eeRow {
	r := eeRow{Round: d.Round, Date: d.Date, Category: eeKindName(d.Draw), CategorySlug: d.Category,
		URL: d.SourceURL, Removed: d.Removed, Invitations: "—", CutOff: "—", TieBreak: "—"}
	if d.Invitations != nil {
		r.Invitations = eeThousands(*d.Invitations)
	}
	if d.ScoreMin != nil {
		r.CutOff = fmt.Sprint(*d.ScoreMin)
	}
	if t, err := time.Parse(time.RFC3339, d.TieBreak); err == nil {
		r.TieBreak = t.UTC().Format("2006-01-02 15:04 UTC")
	}
	return r
}

// eeCharts lays out one CRS cut-off chart per round kind with at least
// eeChartMin rounds, the kind with the latest round first.
func eeCharts(draws []store.StoredDraw) []chart {
	type series struct {
		slug   string
		name   string
		latest string
		byDay  map[string]*bandPoint
	}
	bySlug := map[string]*series{}
	for _, d := range draws {
		if d.ScoreMin == nil {
			continue
		}
		day, err := time.Parse(time.DateOnly, d.Date)
		if err != nil {
			continue
		}
		s := bySlug[d.Category]
		if s == nil {
			s = &series{slug: d.Category, name: eeKindName(d.Draw), byDay: map[string]*bandPoint{}}
			bySlug[d.Category] = s
		}
		s.latest = max(s.latest, d.Date)
		cut := *d.ScoreMin
		if p := s.byDay[d.Date]; p != nil {
			p.min, p.max, p.draws = min(p.min, cut), max(p.max, cut), p.draws+1
		} else {
			s.byDay[d.Date] = &bandPoint{day: day, min: cut, max: cut, draws: 1}
		}
	}
	list := make([]*series, 0, len(bySlug))
	for _, s := range bySlug {
		n := 0
		for _, p := range s.byDay {
			n += p.draws
		}
		if n >= eeChartMin {
			list = append(list, s)
		}
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].latest != list[j].latest {
			return list[i].latest > list[j].latest
		}
		return list[i].slug < list[j].slug
	})
	charts := make([]chart, 0, len(list))
	for i, s := range list {
		pts := make([]bandPoint, 0, len(s.byDay))
		for _, p := range s.byDay {
			pts = append(pts, *p)
		}
		sort.Slice(pts, func(a, b int) bool { return pts[a].day.Before(pts[b].day) })
		c := layoutChart(pts)
		c.Title, c.Stream, c.ScoreKind = s.name+" (CRS cut-off)", "ee-"+s.slug, drawwatch.ScoreCRS
		c.Color = chartPalette[i%len(chartPalette)]
		charts = append(charts, c)
	}
	return charts
}

func eeThousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

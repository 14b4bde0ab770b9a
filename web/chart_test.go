package web

import (
	"slices"
	"testing"
	"time"

	"github.com/drawwatch/drawwatch"
	"github.com/google/go-cmp/cmp"
)

func ip(v int) *int { return &v }

func TestNiceTicks(t *testing.T) {
	tests := []struct {
		lo, hi           float64
		want             []float64
		wantLo, wantHigh float64
	}{
		{379, 430, []float64{360, 380, 400, 420, 440}, 360, 440}, // HCP health draw, CRS
		{45, 78, []float64{40, 50, 60, 70, 80}, 40, 80},          // EOI band
		{471, 471, []float64{470, 471, 472}, 470, 472},           // one score: padded by one each side
		{0, 1000, []float64{0, 500, 1000}, 0, 1000},
	}
	for _, tt := range tests {
		got, lo, hi := niceTicks(tt.lo, tt.hi, targetYTicks)
		if diff := cmp.Diff(tt.want, got); diff != "" || lo != tt.wantLo || hi != tt.wantHigh {
			t.Errorf("niceTicks(%v, %v) = %v [%v, %v], want %v [%v, %v]\n%s", tt.lo, tt.hi, got, lo, hi, tt.want, tt.wantLo, tt.wantHigh, diff)
		}
	}
}

func TestDateTicks(t *testing.T) {
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	tests := []struct {
		name     string
		from, to string
		want     []string
	}{
		{"a year of 2024 draws: every other month", "2024-01-02", "2024-12-23", []string{"Mar 2024", "May 2024", "Jul 2024", "Sep 2024", "Nov 2024"}},
		{"three months: monthly", "2024-01-10", "2024-04-20", []string{"Feb 2024", "Mar 2024", "Apr 2024"}},
		{"2015 to 2024: every two years", "2015-06-01", "2024-12-01", []string{"2016", "2018", "2020", "2022", "2024"}},
		{"inside one month: the two ends", "2024-02-06", "2024-02-20", []string{"Feb 6", "Feb 20, 2024"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, tk := range dateTicks(day(tt.from), day(tt.to)) {
				got = append(got, tk.label)
				if tk.at.Before(day(tt.from)) || tk.at.After(day(tt.to)) {
					t.Errorf("tick %s outside %s..%s", tk.at, tt.from, tt.to)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("labels (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBuildCharts(t *testing.T) {
	draws := []drawwatch.Draw{
		{Stream: drawwatch.StreamHCP, Date: "2024-02-06", ScoreKind: drawwatch.ScoreCRS, ScoreMin: ip(379), ScoreMax: ip(430), Category: "Health occupations"},
		{Stream: drawwatch.StreamHCP, Date: "2024-02-06", ScoreKind: drawwatch.ScoreCRS, ScoreMin: ip(420), ScoreMax: ip(480), Category: "Tech occupations"},
		{Stream: drawwatch.StreamHCP, Date: "2024-01-10", ScoreKind: drawwatch.ScoreCRS, ScoreMin: ip(460), ScoreMax: ip(468)},
		{Stream: drawwatch.StreamHCP, Date: "", ScoreKind: drawwatch.ScoreCRS, ScoreMin: ip(300), ScoreMax: ip(310)},    // no date: not placeable
		{Stream: drawwatch.StreamEJOForeignWorker, Date: "2024-03-01", ScoreKind: drawwatch.ScoreEOI, ScoreMin: ip(45)}, // "45 and above"
		{Stream: drawwatch.StreamEJOForeignWorker, Date: "2024-05-01", ScoreKind: drawwatch.ScoreEOI, ScoreMin: ip(50), ScoreMax: ip(78)},
		{Stream: drawwatch.StreamEntrepreneur, Date: "2024-05-01"}, // no score
	}
	charts := buildCharts(draws, streamName)
	var titles []string
	for _, c := range charts {
		titles = append(titles, c.Title)
	}
	wantTitles := []string{"Employer Job Offer: Foreign Worker (EOI)", "Human Capital Priorities (CRS)"}
	if diff := cmp.Diff(wantTitles, titles); diff != "" {
		t.Fatalf("charts (-want +got):\n%s", diff)
	}
	tests := []struct {
		chart      int
		points     int
		draws      int
		lo, hi     int // data range the y axis must cover
		pointLabel string
	}{
		{chart: 0, points: 2, draws: 2, lo: 45, hi: 78, pointLabel: "Mar 1, 2024: 45"},
		{chart: 1, points: 2, draws: 3, lo: 379, hi: 480, pointLabel: "Feb 6, 2024: 379–480 (2 draws)"},
	}
	for _, tt := range tests {
		c := charts[tt.chart]
		t.Run(c.Title, func(t *testing.T) {
			if len(c.Points) != tt.points || c.Draws != tt.draws {
				t.Errorf("points=%d draws=%d, want %d and %d", len(c.Points), c.Draws, tt.points, tt.draws)
			}
			labels := []string{}
			for i, p := range c.Points {
				labels = append(labels, p.Label)
				if p.X < c.PlotLeft || p.X > c.PlotRight || p.YMax < c.PlotTop || p.YMin > c.PlotBot {
					t.Errorf("point %+v outside plot area", p)
				}
				if p.YMax > p.YMin {
					t.Errorf("max drawn below min (SVG y grows downwards): %+v", p)
				}
				if i > 0 && p.X <= c.Points[i-1].X {
					t.Errorf("points not in date order: %v", c.Points)
				}
			}
			if !slices.Contains(labels, tt.pointLabel) {
				t.Errorf("no point labelled %q in %q", tt.pointLabel, labels)
			}
			if len(c.YTicks) < 2 {
				t.Fatalf("y ticks: %+v", c.YTicks)
			}
			// Tick positions run bottom to top and cover the data.
			first, last := c.YTicks[0], c.YTicks[len(c.YTicks)-1]
			if first.Pos != c.PlotBot || last.Pos != c.PlotTop {
				t.Errorf("y axis spans %v..%v, want %v..%v", first.Pos, last.Pos, c.PlotBot, c.PlotTop)
			}
			if lo, hi := atoi(t, first.Label), atoi(t, last.Label); lo > tt.lo || hi < tt.hi {
				t.Errorf("y axis %d..%d does not cover %d..%d", lo, hi, tt.lo, tt.hi)
			}
			if len(c.XTicks) == 0 {
				t.Errorf("no date labels")
			}
			if c.Band == "" || c.MinLine == "" || c.MaxLine == "" {
				t.Errorf("band or lines empty: %+v", c)
			}
		})
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			t.Fatalf("tick label %q is not a whole score", s)
		}
		n = n*10 + int(r-'0')
	}
	return n
}

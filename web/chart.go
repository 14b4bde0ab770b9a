package web

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/drawwatch/drawwatch"
)

// Chart geometry in SVG user units. The SVG scales with its container
// (viewBox), so these only fix proportions and text size.
const (
	chartWidth   = 560
	chartHeight  = 220
	chartLeft    = 48
	chartRight   = 30
	chartTop     = 24
	chartBottom  = 34
	maxXTicks    = 6
	targetYTicks = 4
)

// chartPalette gives each chart its own hue; it repeats past its length.
var chartPalette = []string{"#1f6fb2", "#b5472c", "#2e7d4f", "#7b4fa8", "#a36a00", "#00778a", "#9c2f62", "#556b2f", "#444e86"}

// chart is one stream's score band over time, computed server-side so the
// page needs no script to draw it.
type chart struct {
	Title     string
	Stream    string
	ScoreKind string
	Color     string
	Width     int
	Height    int
	PlotLeft  float64
	PlotRight float64
	PlotTop   float64
	PlotBot   float64
	Band      string // polygon points: min line forward, max line back
	MinLine   string // polyline points
	MaxLine   string
	Points    []chartPoint
	XTicks    []chartTick
	YTicks    []chartTick
	Draws     int
}

type chartPoint struct {
	X, YMin, YMax float64
	Label         string // tooltip (SVG <title>)
}

type chartTick struct {
	Pos   float64
	Label string
}

// bandPoint is the score band of one stream on one day: several draws on
// one day (different categories) widen the band rather than zigzag it.
type bandPoint struct {
	day      time.Time
	min, max int
	draws    int
}

// buildCharts groups draws by stream and score kind (CRS and EOI scores
// are on different scales and must not share an axis) and lays out one
// chart per group, ordered by stream name.
func buildCharts(draws []drawwatch.Draw, streamName func(drawwatch.Stream) string) []chart {
	type key struct {
		stream drawwatch.Stream
		kind   string
	}
	byKey := map[key]map[string]*bandPoint{}
	for _, d := range draws {
		if d.ScoreMin == nil && d.ScoreMax == nil {
			continue
		}
		day, err := time.Parse(time.DateOnly, d.Date)
		if err != nil {
			continue // no usable date: nowhere to place it on a time axis
		}
		lo, hi := scoreBounds(d)
		k := key{d.Stream, d.ScoreKind}
		if byKey[k] == nil {
			byKey[k] = map[string]*bandPoint{}
		}
		p := byKey[k][d.Date]
		if p == nil {
			byKey[k][d.Date] = &bandPoint{day: day, min: lo, max: hi, draws: 1}
			continue
		}
		p.min, p.max, p.draws = min(p.min, lo), max(p.max, hi), p.draws+1
	}
	keys := make([]key, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].stream != keys[j].stream {
			return streamName(keys[i].stream) < streamName(keys[j].stream)
		}
		return keys[i].kind < keys[j].kind
	})
	charts := make([]chart, 0, len(keys))
	for i, k := range keys {
		pts := make([]bandPoint, 0, len(byKey[k]))
		for _, p := range byKey[k] {
			pts = append(pts, *p)
		}
		sort.Slice(pts, func(a, b int) bool { return pts[a].day.Before(pts[b].day) })
		title := streamName(k.stream)
		if k.kind != "" {
			title += " (" + k.kind + ")"
		}
		c := layoutChart(pts)
		c.Title, c.Stream, c.ScoreKind = title, string(k.stream), k.kind
		c.Color = chartPalette[i%len(chartPalette)]
		charts = append(charts, c)
	}
	return charts
}

// scoreBounds reads a band that may be open on one side ("78 and above"
// has only a minimum): the known end stands for both.
func scoreBounds(d drawwatch.Draw) (int, int) {
	switch {
	case d.ScoreMin != nil && d.ScoreMax != nil:
		return min(*d.ScoreMin, *d.ScoreMax), max(*d.ScoreMin, *d.ScoreMax)
	case d.ScoreMin != nil:
		return *d.ScoreMin, *d.ScoreMin
	default:
		return *d.ScoreMax, *d.ScoreMax
	}
}

func layoutChart(pts []bandPoint) chart {
	c := chart{
		Width: chartWidth, Height: chartHeight,
		PlotLeft: chartLeft, PlotRight: chartWidth - chartRight,
		PlotTop: chartTop, PlotBot: chartHeight - chartBottom,
	}
	if len(pts) == 0 {
		return c
	}
	t0, t1 := pts[0].day, pts[len(pts)-1].day
	if !t1.After(t0) {
		// One day only: give the axis some width so the point sits mid-chart.
		t0, t1 = t0.AddDate(0, 0, -15), t1.AddDate(0, 0, 15)
	}
	lo, hi := pts[0].min, pts[0].max
	for _, p := range pts {
		lo, hi = min(lo, p.min), max(hi, p.max)
		c.Draws += p.draws
	}
	yTicks, ylo, yhi := niceTicks(float64(lo), float64(hi), targetYTicks)
	xPos := func(t time.Time) float64 {
		f := float64(t.Sub(t0)) / float64(t1.Sub(t0))
		return c.PlotLeft + f*(c.PlotRight-c.PlotLeft)
	}
	yPos := func(v float64) float64 {
		f := (v - ylo) / (yhi - ylo)
		return c.PlotBot - f*(c.PlotBot-c.PlotTop)
	}
	for _, v := range yTicks {
		c.YTicks = append(c.YTicks, chartTick{Pos: yPos(v), Label: formatScore(v)})
	}
	for _, t := range dateTicks(t0, t1) {
		c.XTicks = append(c.XTicks, chartTick{Pos: xPos(t.at), Label: t.label})
	}
	var minLine, maxLine []string
	for _, p := range pts {
		x := xPos(p.day)
		ymin, ymax := yPos(float64(p.min)), yPos(float64(p.max))
		band := fmt.Sprintf("%d–%d", p.min, p.max)
		if p.min == p.max {
			band = fmt.Sprint(p.min)
		}
		label := p.day.Format("Jan 2, 2006") + ": " + band
		if p.draws > 1 {
			label += fmt.Sprintf(" (%d draws)", p.draws)
		}
		c.Points = append(c.Points, chartPoint{X: x, YMin: ymin, YMax: ymax, Label: label})
		minLine = append(minLine, fmt.Sprintf("%.1f,%.1f", x, ymin))
		maxLine = append(maxLine, fmt.Sprintf("%.1f,%.1f", x, ymax))
	}
	c.MinLine = strings.Join(minLine, " ")
	c.MaxLine = strings.Join(maxLine, " ")
	band := append([]string(nil), minLine...)
	for i := len(maxLine) - 1; i >= 0; i-- {
		band = append(band, maxLine[i])
	}
	c.Band = strings.Join(band, " ")
	return c
}

func formatScore(v float64) string {
	if v == math.Trunc(v) {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%g", v)
}

// niceTicks returns about n evenly spaced round values covering [lo, hi]
// (steps of 1, 2 or 5 times a power of ten) and the axis range they span.
func niceTicks(lo, hi float64, n int) ([]float64, float64, float64) {
	if hi <= lo {
		lo, hi = lo-1, hi+1
	}
	raw := (hi - lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	step = max(step, 1) // scores are integers: no fractional ticks
	start, end := math.Floor(lo/step)*step, math.Ceil(hi/step)*step
	if end == start {
		end += step
	}
	var ticks []float64
	for v := start; v <= end+step/2; v += step {
		ticks = append(ticks, v)
	}
	return ticks, start, end
}

type dateTick struct {
	at    time.Time
	label string
}

// dateTicks puts labels on month boundaries, widening the step (1, 2, 3,
// 6, 12, 24 ... months) until at most maxXTicks fit.
func dateTicks(t0, t1 time.Time) []dateTick {
	first := time.Date(t0.Year(), t0.Month(), 1, 0, 0, 0, 0, time.UTC)
	if first.Before(t0) {
		first = first.AddDate(0, 1, 0)
	}
	for _, step := range []int{1, 2, 3, 6, 12, 24, 60, 120} {
		start := first
		if step >= 12 {
			// Yearly steps read best on January 1.
			start = time.Date(t0.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
			if start.Before(t0) {
				start = start.AddDate(1, 0, 0)
			}
		} else if off := (int(start.Month()) - 1) % step; off != 0 {
			start = start.AddDate(0, step-off, 0)
		}
		var ticks []dateTick
		for t := start; !t.After(t1); t = t.AddDate(0, step, 0) {
			label := t.Format("Jan 2006")
			if step >= 12 {
				label = t.Format("2006")
			}
			ticks = append(ticks, dateTick{at: t, label: label})
		}
		if len(ticks) <= maxXTicks {
			if len(ticks) == 0 {
				// A span inside one month: label its ends by day.
				return []dateTick{{t0, t0.Format("Jan 2")}, {t1, t1.Format("Jan 2, 2006")}}
			}
			return ticks
		}
	}
	return nil
}

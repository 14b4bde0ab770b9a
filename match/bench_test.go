package match

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/drawwatch/drawwatch"
)

// benchRoster is a 10,000-row roster drawing 1–3 NOCs each from 500 codes.
func benchRoster(n int) []drawwatch.Client {
	r := rand.New(rand.NewPCG(1, 2))
	clients := make([]drawwatch.Client, n)
	for i := range clients {
		c := drawwatch.Client{ID: fmt.Sprintf("C-%05d", i), Label: "client", CRS: ptr(300 + r.IntN(300))}
		for range 1 + r.IntN(3) {
			c.NOCs = append(c.NOCs, fmt.Sprintf("%05d", 10000+r.IntN(500)))
		}
		if i%10 == 0 {
			c.CRS = nil
		}
		clients[i] = c
	}
	return clients
}

func benchDraw() drawwatch.Draw {
	d := drawwatch.Draw{Program: "OINP", Stream: drawwatch.StreamHCP, ScoreKind: drawwatch.ScoreCRS, ScoreMin: ptr(400), ScoreMax: ptr(450)}
	for i := range 60 {
		d.NOCs = append(d.NOCs, drawwatch.NOC{Code: fmt.Sprintf("%05d", 10000+i*3)})
	}
	return d
}

// BenchmarkDraw matches one draw with 60 NOCs against a 10,000-row roster
// already indexed (the daemon indexes once per roster load).
func BenchmarkDraw(b *testing.B) {
	ix, d := NewIndex(benchRoster(10_000)), benchDraw()
	b.ReportAllocs()
	var n int
	for b.Loop() {
		res := ix.Draw(d)
		n = len(res.Matches) + len(res.Possible)
	}
	b.ReportMetric(float64(n), "matched")
}

// BenchmarkIndexAndDraw includes indexing the roster: the cost of a CLI
// `match` run or a roster reload followed by one draw.
func BenchmarkIndexAndDraw(b *testing.B) {
	roster, d := benchRoster(10_000), benchDraw()
	b.ReportAllocs()
	for b.Loop() {
		NewIndex(roster).Draw(d)
	}
}

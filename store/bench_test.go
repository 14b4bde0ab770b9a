package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/store/pgtest"
)

// bigPage is an updates page of n announcements built from the fixture's
// draws (the 43-NOC health draw among them), one per day.
func bigPage(b testing.TB, n int) *drawwatch.Page {
	base := loadPage(b, "updates-2024.json")
	p := &drawwatch.Page{Kind: base.Kind, URL: base.URL}
	for i := range n {
		a := base.Announcements[i%len(base.Announcements)]
		date := spring2024.AddDate(0, 0, -i).Format("2006-01-02")
		a.ID, a.Posted = fmt.Sprintf("a%03d", i), date
		a.Text = fmt.Sprintf("%s #%d", a.Text, i)
		a.Hash = drawwatch.ContentHash(a.Text)
		draws := make([]drawwatch.Draw, len(a.Draws))
		for j, d := range a.Draws {
			d.Date = date
			draws[j] = d
		}
		a.Draws = draws
		p.Announcements = append(p.Announcements, a)
	}
	return p
}

func BenchmarkApply(b *testing.B) {
	ctx := context.Background()
	page := bigPage(b, 100)
	opt := ApplyOptions{Source: "bench", Now: spring2024, BacklogDays: 30, Route: toAll("slack", "email")}
	b.Run("fresh", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			b.StopTimer()
			s, err := Open(ctx, filepath.Join(b.TempDir(), fmt.Sprintf("fresh%d.db", i)))
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			if _, err := s.Apply(ctx, page, opt); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			s.Close()
			b.StartTimer()
		}
	})
	b.Run("unchanged", func(b *testing.B) {
		s := openTest(b)
		mustApply(b, s, page, opt)
		for b.Loop() {
			res, err := s.Apply(ctx, page, opt)
			if err != nil || len(res.Changes) != 0 {
				b.Fatalf("re-apply: %v changes, %v", len(res.Changes), err)
			}
		}
	})
}

// BenchmarkApplyLargePage is a page of 10,000 announcements read into a
// fresh store: how long its one write transaction holds the database,
// queueing every alert (uncapped) and with delivery.max_per_change's
// default (one summary per target).
func BenchmarkApplyLargePage(b *testing.B) {
	ctx := context.Background()
	page := bigPage(b, 10000)
	for _, max := range []int{0, 50} {
		name := "uncapped"
		if max > 0 {
			name = fmt.Sprintf("max_per_change=%d", max)
		}
		b.Run(name, func(b *testing.B) {
			opt := ApplyOptions{Source: "bench", Now: spring2024, BacklogDays: 100000, Route: toAll("slack", "email"), MaxPerChange: max}
			for i := 0; b.Loop(); i++ {
				b.StopTimer()
				s, err := Open(ctx, filepath.Join(b.TempDir(), fmt.Sprintf("large%d.db", i)))
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if _, err := s.Apply(ctx, page, opt); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				s.Close()
				b.StartTimer()
			}
		})
	}
}

// BenchmarkApplyPostgres is BenchmarkApply against PostgreSQL (pgtest's
// server): "fresh" empties the tables between runs.
func BenchmarkApplyPostgres(b *testing.B) {
	ctx := context.Background()
	page := bigPage(b, 100)
	opt := ApplyOptions{Source: "bench", Now: spring2024, BacklogDays: 30, Route: toAll("slack", "email")}
	open := func(b *testing.B) *Store {
		s, err := OpenPostgres(ctx, pgtest.NewDatabase(b), "")
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		return s
	}
	b.Run("fresh", func(b *testing.B) {
		s := open(b)
		for b.Loop() {
			b.StopTimer()
			if _, err := s.db.ExecContext(ctx, `TRUNCATE announcements, announcement_versions, draws, outbox RESTART IDENTITY CASCADE`); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			if _, err := s.Apply(ctx, page, opt); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("unchanged", func(b *testing.B) {
		s := open(b)
		mustApply(b, s, page, opt)
		for b.Loop() {
			res, err := s.Apply(ctx, page, opt)
			if err != nil || len(res.Changes) != 0 {
				b.Fatalf("re-apply: %v changes, %v", len(res.Changes), err)
			}
		}
	})
}

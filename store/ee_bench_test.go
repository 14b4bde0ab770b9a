package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/internal/realpages"
	"github.com/drawwatch/drawwatch/scraper"
	"github.com/drawwatch/drawwatch/store"
)

// BenchmarkApplyEERounds stores IRCC's whole rounds JSON (435 rounds, read
// by the real parser): into a fresh store (a first run: history taken in
// silently), and again unchanged (every later run whose document changed
// by one byte, or not at all behind a 304).
func BenchmarkApplyEERounds(b *testing.B) {
	data := realpages.Read(b, "canada.ca/ee_rounds_123_en.json")
	page, err := scraper.ParseEERounds(data, "https://www.canada.ca/content/dam/ircc/documents/json/ee_rounds_123_en.json")
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	opt := store.ApplyOptions{Source: "ee-rounds", Now: time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC), BacklogDays: 7,
		Route: func(ev drawwatch.Event) []string { return []string{"slack"} }}
	b.Run("fresh", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			b.StopTimer()
			s, err := store.Open(ctx, filepath.Join(b.TempDir(), fmt.Sprintf("ee%d.db", i)))
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
		s, err := store.Open(ctx, filepath.Join(b.TempDir(), "ee.db"))
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		if _, err := s.Apply(ctx, page, opt); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if res, err := s.Apply(ctx, page, opt); err != nil || len(res.Changes) != 0 {
				b.Fatalf("re-apply: %d changes, %v", len(res.Changes), err)
			}
		}
	})
}

package store

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/drawwatch/drawwatch"
)

func TestConcurrentApplyTwoHandles(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "drawwatch.db")
	stores := []*Store{openAt(t, path), openAt(t, path)}
	pages := [][]string{{"updates-2024.json", "updates-2025-12.json", "updates-2024.json"}, {"noi-2024.json", "ita-2025-12.json", "noi-2024.json"}}

	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i, s := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := range 20 {
				for _, name := range pages[i] {
					opt := ApplyOptions{Source: fmt.Sprint("writer", i), Now: dec2025.Add(time.Duration(round) * time.Minute), BacklogDays: 9999,
						Route: func(drawwatch.Event) []string { return []string{"slack"} }}
					if _, err := s.Apply(ctx, loadPage(t, name), opt); err != nil {
						errs <- fmt.Errorf("writer %d %s: %w", i, name, err)
						return
					}
					if err := s.SaveFetch(ctx, FetchRecord{Source: "x", URL: name, Outcome: OutcomeFetched, At: opt.Now}); err != nil {
						errs <- err
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	var check string
	if err := stores[0].db.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check = %q, %v", check, err)
	}
	na, nd, err := stores[1].Counts(ctx)
	if err != nil || na != 4+1+4+4 || nd != 3+1+4 {
		t.Errorf("Counts = %d announcements, %d draws, %v", na, nd, err)
	}
}

// Several processes starting at once on a new file (a daemon and a cron'd
// scrape, say) must all open it: the WAL switch race is retried.
func TestConcurrentOpenOfNewFile(t *testing.T) {
	for round := range 20 {
		path := filepath.Join(t.TempDir(), fmt.Sprintf("new-%d.db", round))
		const n = 12
		errs := make(chan error, n)
		var wg sync.WaitGroup
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s, err := Open(context.Background(), path)
				if err == nil {
					err = s.Close()
				}
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Errorf("round %d: %v", round, err)
			}
		}
	}
}

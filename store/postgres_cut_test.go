package store

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/drawwatch/drawwatch/store/pgtest"
)

// A connection cut in the middle of Apply (the server gone, a network
// cut) leaves nothing half-written: the page and its outbox rows commit
// together or not at all.
func TestPostgresConnectionCutMidApplyWritesNothing(t *testing.T) {
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	s, err := OpenPostgres(ctx, url, "")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	page := bigPage(t, 3000)
	opt := ApplyOptions{Source: "big", Now: spring2024, BacklogDays: 100000, Route: toAll("slack")}
	done := make(chan error, 1)
	go func() { _, err := s.Apply(ctx, page, opt); done <- err }()

	admin, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	// Cut once Apply is writing: its transaction is open and has rows.
	deadline := time.Now().Add(20 * time.Second)
	for {
		var n int
		admin.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL`).Scan(&n)
		if n > 0 {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("Apply finished (%v) before the cut could land: make the page bigger", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("Apply never opened its transaction")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := <-done; err == nil {
		t.Fatal("Apply succeeded with its connection cut")
	}
	var anns, outbox int
	if err := admin.QueryRow(ctx, `SELECT (SELECT count(*) FROM announcements), (SELECT count(*) FROM outbox)`).Scan(&anns, &outbox); err != nil {
		t.Fatal(err)
	}
	if anns != 0 || outbox != 0 {
		t.Errorf("after the cut: %d announcements, %d alerts stored; want nothing", anns, outbox)
	}
	// The handle recovers with new connections: the same page applies whole.
	res, err := s.Apply(ctx, page, opt)
	if err != nil {
		t.Fatalf("apply after the cut: %v", err)
	}
	if na, _, _ := s.Counts(ctx); na != len(page.Announcements) || len(res.Changes) != len(page.Announcements) {
		t.Errorf("after re-apply: %d announcements, %d changes", na, len(res.Changes))
	}
}

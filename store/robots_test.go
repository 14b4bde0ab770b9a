package store

import (
	"path/filepath"
	"testing"
	"time"
)

// TestRobotsRoundTrip stores robots.txt in a real SQLite file, replaces it
// and reads it back after reopening, as the next run does.
func TestRobotsRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "drawwatch.db")
	s := openAt(t, path)
	ctx := t.Context()
	const origin = "https://www.ontario.ca"
	if status, body, at, err := s.LoadRobots(ctx, origin); err != nil || !at.IsZero() || status != 0 || body != nil {
		t.Fatalf("empty store: %d %q %v %v", status, body, at, err)
	}
	first := time.Date(2024, 2, 6, 9, 0, 0, 123, time.UTC)
	if err := s.SaveRobots(ctx, origin, 200, []byte("User-agent: *\nDisallow: /search\n"), first); err != nil {
		t.Fatal(err)
	}
	later := first.Add(25 * time.Hour)
	if err := s.SaveRobots(ctx, origin, 404, nil, later); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveRobots(ctx, "http://127.0.0.1:8080", 200, []byte("User-agent: *\n"), first); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openAt(t, path)
	status, body, at, err := s.LoadRobots(ctx, origin)
	if err != nil {
		t.Fatal(err)
	}
	if status != 404 || len(body) != 0 || !at.Equal(later) {
		t.Errorf("got %d %q %v, want the replacement: 404, empty, %v", status, body, at, later)
	}
	if status, body, _, _ := s.LoadRobots(ctx, "http://127.0.0.1:8080"); status != 200 || string(body) != "User-agent: *\n" {
		t.Errorf("second origin: %d %q", status, body)
	}
}

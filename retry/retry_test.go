package retry

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestExponential holds the cases notify's dispatcher tested its own copy
// with, plus the fetcher's (1 s base, 30 s cap).
func TestExponential(t *testing.T) {
	tests := []struct {
		base, limit time.Duration
		n           int
		want        time.Duration
	}{
		{30 * time.Second, time.Hour, 0, 30 * time.Second},
		{30 * time.Second, time.Hour, 3, 240 * time.Second},
		{30 * time.Second, time.Hour, 7, time.Hour},
		{30 * time.Second, time.Hour, 500, time.Hour},
		{time.Second, 5 * time.Second, 2, 4 * time.Second},
		{time.Second, 30 * time.Second, 4, 16 * time.Second},
		{time.Second, 30 * time.Second, 5, 30 * time.Second},
		{time.Duration(1 << 62), time.Duration(1<<63 - 1), 10, time.Duration(1<<63 - 1)},
	}
	for _, tt := range tests {
		if got := Exponential(tt.base, tt.limit, tt.n); got != tt.want {
			t.Errorf("Exponential(%v, %v, %d) = %v, want %v", tt.base, tt.limit, tt.n, got, tt.want)
		}
	}
}

func TestSpread(t *testing.T) {
	seen := map[time.Duration]bool{}
	for range 200 {
		w := Spread(10 * time.Second)
		if w < 5*time.Second || w > 10*time.Second {
			t.Fatalf("Spread(10s) = %v, want within [5s, 10s]", w)
		}
		seen[w] = true
	}
	if len(seen) < 10 {
		t.Errorf("Spread gave %d distinct waits in 200 draws: not jittered", len(seen))
	}
	if Spread(0) != 0 || Spread(1) > 1 {
		t.Error("Spread of tiny waits out of range")
	}
}

func TestSleep(t *testing.T) {
	if err := Sleep(t.Context(), time.Millisecond); err != nil {
		t.Errorf("Sleep: %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	done := make(chan error, 1)
	go func() { done <- Sleep(ctx, time.Hour) }()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Sleep on a cancelled context = %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Sleep ignored the cancelled context")
	}
	if err := Sleep(ctx, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("Sleep(0) on a cancelled context = %v", err)
	}
}

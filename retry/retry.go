// Package retry holds the waiting that fetching and delivery share: an
// exponential backoff, its jitter, and a sleep that stops when the
// context does.
package retry

import (
	"context"
	"math/rand/v2"
	"time"
)

// Exponential is base·2^n capped at limit: the wait before retry n+1
// (n = 0 gives base). It never overflows, whatever n.
func Exponential(base, limit time.Duration, n int) time.Duration {
	w := base
	for range n {
		if w >= limit/2 {
			return limit
		}
		w *= 2
	}
	return min(w, limit)
}

// Spread keeps the lower half of d and draws the upper half at random
// ("equal jitter"), so retries from several processes spread out but
// never come sooner than d/2.
func Spread(d time.Duration) time.Duration {
	if d <= 0 {
		return d
	}
	half := d / 2
	return half + rand.N(d-half+1)
}

// Sleep waits d or until ctx is done, and returns ctx.Err() in the latter
// case. d <= 0 returns at once (with ctx.Err()).
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jonboulle/clockwork"
)

// ErrLeaseLost reports that the store's writer lease is no longer ours:
// another process took it over, so nothing more may be written or sent.
var ErrLeaseLost = errors.New("store lease lost")

// Lease is the store's one-writer lease as the daemon sees it.
type Lease interface {
	// Renew proves the holder is alive. An error wrapping ErrLeaseLost
	// means another holder has the store now; any other error (a busy
	// database) is tried again at the next heartbeat.
	Renew(ctx context.Context) error
}

// LossNotifier is an optional Lease method: a channel closed when the
// store finds the lease lost outside a renewal (a fenced write or claim
// refused). Hold then renews at once to learn why, and stops.
type LossNotifier interface {
	Lost() <-chan struct{}
}

// Hold renews l every interval until stop is called. The returned context
// is cancelled, with a cause wrapping ErrLeaseLost, the moment the lease is
// lost, so that work done under it stops at once rather than write over
// the new holder. stop waits for the heartbeat goroutine to return.
func Hold(parent context.Context, l Lease, interval time.Duration, clock clockwork.Clock, log *slog.Logger) (held context.Context, stop func()) {
	held, lose := context.WithCancelCause(parent)
	beatCtx, stopBeat := context.WithCancel(held)
	done := make(chan struct{})
	var lost <-chan struct{}
	if n, ok := l.(LossNotifier); ok {
		lost = n.Lost()
	}
	go func() {
		defer close(done)
		t := clock.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-beatCtx.Done():
				return
			case <-t.Chan():
			case <-lost:
				// The store refused a write: renew to learn why, and stop
				// whatever the renewal says (the channel stays closed).
				err := l.Renew(beatCtx)
				if !errors.Is(err, ErrLeaseLost) {
					err = fmt.Errorf("%w: the store refused a fenced write (renewal: %v)", ErrLeaseLost, err)
				}
				log.Error("store lease lost; stopping at once", "err", err)
				lose(err)
				return
			}
			err := l.Renew(beatCtx)
			switch {
			case err == nil, beatCtx.Err() != nil:
			case errors.Is(err, ErrLeaseLost):
				log.Error("store lease lost; stopping at once", "err", err)
				lose(err)
				return
			default:
				log.Warn("store lease heartbeat failed; trying again", "err", err, "next_in", interval)
			}
		}
	}()
	return held, func() {
		stopBeat()
		<-done
		lose(context.Canceled)
	}
}

// LeaseLost returns the loss of the lease held by ctx (see Hold), or nil.
func LeaseLost(ctx context.Context) error {
	if err := context.Cause(ctx); errors.Is(err, ErrLeaseLost) {
		return err
	}
	return nil
}

package wiring

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/drawwatch/drawwatch/daemon"
	"github.com/drawwatch/drawwatch/store"
)

// heartbeatEvery renews the lease four times per TTL: three heartbeats may
// fail (a busy database) before another run may take it over.
func (a *App) heartbeatEvery() time.Duration { return a.Config.Store.LeaseTTL.Duration / 4 }

// LockStore takes the one-writer lock or explains who holds it, and keeps
// it fresh with heartbeats until release, so a long run (slow site,
// retries) is never mistaken for a crashed one. Work done under the
// returned context stops the moment the lock is lost.
func (a *App) LockStore(ctx context.Context, st *store.Store, owner string) (held context.Context, release func(), err error) {
	unlock, err := a.TakeLock(ctx, st, owner)
	if err != nil {
		return nil, nil, err
	}
	held, stop := daemon.Hold(ctx, StoreLease{st, owner}, a.heartbeatEvery(), clockwork.NewRealClock(), a.Log)
	return held, func() { stop(); unlock() }, nil
}

// TakeLock takes the store's writer lease, or explains (naming the holder
// once) who holds it. Keeping it fresh is the caller's (the daemon's
// heartbeat, or LockStore's).
func (a *App) TakeLock(ctx context.Context, st *store.Store, owner string) (unlock func(), err error) {
	release, err := st.TryLock(ctx, owner, a.Config.Store.LeaseTTL.Duration)
	if err != nil {
		return nil, err
	}
	return func() {
		if err := release(context.WithoutCancel(ctx)); err != nil {
			a.Log.Error("release store lease", "store", st.Path(), "err", err)
		}
	}, nil
}

// StoreLease is the store's fencing lease as the daemon's Lease: a renewal
// that finds it taken over, or a fenced write or claim that was refused
// (Lost), stops the work at once.
type StoreLease struct {
	Store *store.Store
	Owner string
}

// Renew refreshes the lease's heartbeat.
func (l StoreLease) Renew(ctx context.Context) error {
	err := l.Store.Heartbeat(ctx, l.Owner)
	if errors.Is(err, store.ErrLeaseLost) {
		return fmt.Errorf("%w: %w", daemon.ErrLeaseLost, err)
	}
	return err
}

// Lost is closed when the store refuses a write under the lease.
func (l StoreLease) Lost() <-chan struct{} { return l.Store.LeaseLost() }

package wiring

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/drawwatch/drawwatch/daemon"
	"github.com/drawwatch/drawwatch/store"
)

// leadership is which replica scrapes, on PostgreSQL, where several
// replicas share the database: one leads (scrapes) under the lease; the
// others stand by, deliver alerts, and try to take the lease every
// heartbeat and at every schedule tick, so a dead leader is replaced
// within the lease TTL plus one heartbeat, whatever the schedule (a
// business-hours cron must not leave the replicas leaderless overnight).
// (On SQLite there is one writer: the daemon takes the lease at
// start or exits, and losing it stops the daemon.)
type leadership struct {
	app   *App
	st    *store.Store
	owner string

	taking sync.Mutex // one tryLead at a time: the standby loop and a pass may race
	mu     sync.Mutex
	held   context.Context // valid while leading; done when the lease is lost
	stop   func()          // stops the heartbeat
	unlock func()
	onRole func(leader bool, generation int64)
}

// start takes the lease when it is free, else stands by.
func (l *leadership) start(ctx context.Context) error {
	err := l.tryLead(ctx)
	if errors.Is(err, store.ErrLocked) {
		l.app.Log.Info("another replica leads; standing by (delivering alerts, taking over if the leader goes)", "store", l.st.Path(), "holder", err)
		l.report(false)
		return nil
	}
	return err
}

func (l *leadership) tryLead(ctx context.Context) error {
	unlock, err := l.app.TakeLock(ctx, l.st, l.owner)
	if err != nil {
		return err
	}
	base := context.WithoutCancel(ctx)
	held, stop := daemon.Hold(base, StoreLease{l.st, l.owner}, l.app.heartbeatEvery(), clockwork.NewRealClock(), l.app.Log)
	l.mu.Lock()
	l.held, l.stop, l.unlock = held, stop, unlock
	l.mu.Unlock()
	l.app.Log.Info("leading: this replica scrapes", "store", l.st.Path(), "generation", l.st.LeaseGeneration())
	l.report(true)
	return nil
}

// pass is the context a scrape pass runs under, and whether this replica
// leads. A standby tries to take the lease first; a leader that lost it
// (its pass was cancelled at once) becomes a standby.
func (l *leadership) pass(ctx context.Context) (context.Context, bool, error) {
	l.taking.Lock()
	defer l.taking.Unlock()
	l.mu.Lock()
	held := l.held
	l.mu.Unlock()
	if held != nil {
		lost := daemon.LeaseLost(held)
		if lost == nil {
			return held, true, nil
		}
		l.app.Log.Error("lost the lease: standing by", "store", l.st.Path(), "err", lost)
		l.release()
	}
	if err := l.tryLead(ctx); err != nil {
		if errors.Is(err, store.ErrLocked) {
			return nil, false, nil
		}
		return nil, false, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.held, true, nil
}

// standBy tries for the lease every interval while this replica does not
// lead, until ctx ends.
func (l *leadership) standBy(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if leader, _ := l.Leader(); leader {
			continue
		}
		if _, _, err := l.pass(ctx); err != nil && ctx.Err() == nil {
			l.app.Log.Warn("standby: could not try for the lease", "store", l.st.Path(), "err", err)
		}
	}
}

// release gives the lease up (on shutdown, or after losing it).
func (l *leadership) release() {
	l.mu.Lock()
	stop, unlock := l.stop, l.unlock
	l.held, l.stop, l.unlock = nil, nil, nil
	l.mu.Unlock()
	if stop != nil {
		stop()
	}
	if unlock != nil {
		unlock()
	}
	l.report(false)
}

func (l *leadership) report(leader bool) {
	if l.onRole != nil {
		l.onRole(leader, l.st.LeaseGeneration())
	}
}

// Leader reports whether this replica leads now, and the lease generation.
func (l *leadership) Leader() (bool, int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.held != nil && daemon.LeaseLost(l.held) == nil, l.st.LeaseGeneration()
}

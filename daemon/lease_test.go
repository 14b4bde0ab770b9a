package daemon

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
)

// notifyingLease is found lost by a fenced write between heartbeats.
type notifyingLease struct {
	fakeLease
	lost chan struct{}
}

func (l *notifyingLease) Lost() <-chan struct{} { return l.lost }

// A lease the store finds lost outside a heartbeat (a fenced write was
// refused) stops the work at once, without waiting for the next tick.
func TestHoldStopsWhenTheStoreReportsTheLeaseLost(t *testing.T) {
	clock := clockwork.NewFakeClock()
	l := &notifyingLease{lost: make(chan struct{})}
	held, stop := Hold(context.Background(), l, time.Hour, clock, quiet())
	defer stop()
	l.mu.Lock()
	l.errs = []error{fmt.Errorf("%w: generation 2 holds it", ErrLeaseLost)}
	l.mu.Unlock()
	close(l.lost)
	select {
	case <-held.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("work not stopped after the store reported the lease lost")
	}
	if err := LeaseLost(held); !errors.Is(err, ErrLeaseLost) {
		t.Errorf("LeaseLost = %v, want ErrLeaseLost", err)
	}
}

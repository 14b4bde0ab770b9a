package wiring

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/drawwatch/drawwatch/store"
)

// Interactive is the App for a command whose output is the summary a person
// reads (`scrape --once`): its parts log warnings and errors only, so the
// summary is not printed a second time as info lines, unless the config
// asks for debug logging.
func (a *App) Interactive() *App {
	if a.Config.Log.Level == "debug" {
		return a
	}
	q := *a
	q.Log = slog.New(atLeast{a.Log.Handler(), slog.LevelWarn})
	return &q
}

type atLeast struct {
	slog.Handler
	min slog.Level
}

func (h atLeast) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}
func (h atLeast) WithAttrs(as []slog.Attr) slog.Handler {
	return atLeast{h.Handler.WithAttrs(as), h.min}
}
func (h atLeast) WithGroup(n string) slog.Handler { return atLeast{h.Handler.WithGroup(n), h.min} }

// DryRunStore is a throwaway copy of the store at path (an empty store
// when there is none), so that a dry run can do everything a real pass does
// (record, queue, render) without creating or changing anything at path.
// cleanup closes and deletes the copy.
func DryRunStore(ctx context.Context, path string) (st *store.Store, cleanup func(), err error) {
	dir, err := os.MkdirTemp("", "drawwatch-dry-run-")
	if err != nil {
		return nil, nil, fmt.Errorf("dry run: make a scratch directory: %w", err)
	}
	copyPath := filepath.Join(dir, "copy.db")
	remove := func() { os.RemoveAll(dir) }
	if src, err := store.OpenReadOnly(ctx, path); err == nil {
		err = src.SnapshotTo(ctx, copyPath)
		src.Close()
		if err != nil {
			remove()
			return nil, nil, fmt.Errorf("dry run: %w", err)
		}
	} else if !errors.Is(err, store.ErrNoStore) {
		remove()
		return nil, nil, fmt.Errorf("dry run: %w", err)
	}
	st, err = store.Open(ctx, copyPath)
	if err != nil {
		remove()
		return nil, nil, fmt.Errorf("dry run: %w", err)
	}
	return st, func() { st.Close(); remove() }, nil
}

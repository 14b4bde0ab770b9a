package roster

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/drawwatch/drawwatch/match"
)

// File is a roster file kept current: Current always returns the last
// version that parsed, so a half-saved or mistyped edit never leaves a
// daemon without a roster.
type File struct {
	path string
	opts Options

	mu  sync.Mutex        // one reload at a time
	sum [sha256.Size]byte // of the last version read, good or bad
	cur atomic.Pointer[match.Index]
}

// Open reads and parses the roster at path; any problem is an error that
// names the file, row and column.
func Open(path string, opts Options) (*File, error) {
	f := &File{path: path, opts: opts}
	if _, err := f.Reload(); err != nil {
		return nil, err
	}
	return f, nil
}

// Path is the roster's file name.
func (f *File) Path() string { return f.path }

// Current is the roster in use.
func (f *File) Current() *match.Index { return f.cur.Load() }

// Reload re-reads the file when it changed. On a problem the previous
// roster stays in use and the error says where the new one is wrong.
func (f *File) Reload() (changed bool, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	// The content decides, not the modification time: an edit within the
	// file system's time resolution must not go unseen. A roster is small.
	data, err := os.ReadFile(f.path)
	if err != nil {
		return false, fmt.Errorf("client roster: %w", err)
	}
	sum := sha256.Sum256(data)
	if f.cur.Load() != nil && sum == f.sum {
		return false, nil
	}
	clients, err := Parse(bytes.NewReader(data), f.opts)
	if err != nil {
		f.sum = sum // report a bad version once, not on every tick
		return false, fmt.Errorf("client roster %s: %w", f.path, err)
	}
	f.cur.Store(match.NewIndex(clients))
	f.sum = sum
	return true, nil
}

// Watch reloads the roster every interval until ctx is done, logging what
// happened without any of the roster's content.
func (f *File) Watch(ctx context.Context, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	f.WatchTicks(ctx, t.C, log)
}

// WatchTicks is Watch driven by ticks (a test's channel, or a ticker's).
func (f *File) WatchTicks(ctx context.Context, ticks <-chan time.Time, log *slog.Logger) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticks:
		}
		changed, err := f.Reload()
		switch {
		case err != nil:
			log.ErrorContext(ctx, "client roster not reloaded; the previous roster stays in use", "path", f.path, "err", err)
		case changed:
			log.InfoContext(ctx, "client roster reloaded", "path", f.path, "clients", len(f.Current().Clients()))
		}
	}
}

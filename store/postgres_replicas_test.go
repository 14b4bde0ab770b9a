package store_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/notify"
	"github.com/drawwatch/drawwatch/store"
	"github.com/drawwatch/drawwatch/store/pgtest"
)

func openPG(t testing.TB, url string) *store.Store {
	t.Helper()
	s, err := store.OpenPostgres(context.Background(), url, "")
	if err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// countingHook is a Slack stand-in counting messages per alert.
type countingHook struct {
	latency time.Duration
	mu      sync.Mutex
	got     map[string]int
}

var loadAlertWord = regexp.MustCompile(`load-alert-\d+`)

func (h *countingHook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	h.got[loadAlertWord.FindString(string(b))]++
	h.mu.Unlock()
	time.Sleep(h.latency) // a webhook's round trip
	io.WriteString(w, "ok")
}

// deliverWithReplicas queues n alerts and drains them with the given
// number of replicas (one store handle and dispatcher each) at once.
func deliverWithReplicas(t *testing.T, n, replicas int) time.Duration {
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	hook := &countingHook{latency: 5 * time.Millisecond, got: map[string]int{}}
	srv := httptest.NewServer(hook)
	defer srv.Close()
	q := openPG(t, url)
	for i := range n {
		ev := drawwatch.Event{Type: drawwatch.EventTest, Message: fmt.Sprintf("load-alert-%d", i)}
		if _, _, err := q.Enqueue(ctx, "team", ev, fmt.Sprint("load|", i)); err != nil {
			t.Fatal(err)
		}
	}
	slack, err := notify.NewSlack(notify.SlackConfig{Name: "team", WebhookURL: srv.URL + "/services/T/B/x"})
	if err != nil {
		t.Fatal(err)
	}
	quiet := notify.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
	var wg sync.WaitGroup
	start := time.Now()
	for range replicas {
		st := openPG(t, url)
		d := notify.NewDispatcher(st, []notify.Notifier{slack}, quiet)
		wg.Go(func() {
			if _, _, err := d.Drain(ctx); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	took := time.Since(start)
	hook.mu.Lock()
	defer hook.mu.Unlock()
	if len(hook.got) != n {
		t.Errorf("%d of %d alerts arrived", len(hook.got), n)
	}
	for id, c := range hook.got {
		if c != 1 {
			t.Errorf("%s sent %d times", id, c)
		}
	}
	if left, _ := q.PendingCount(ctx); left != 0 {
		t.Errorf("%d alerts still pending", left)
	}
	return took
}

// TestReplicasDeliverEachAlertOnce is issue 14's load test: 1,000 queued
// alerts, 4 replicas delivering at once (claims with FOR UPDATE SKIP
// LOCKED): each alert is sent once. Times for 1 and 4 replicas are logged,
// against a Slack stand-in that answers after 5 ms.
func TestReplicasDeliverEachAlertOnce(t *testing.T) {
	pgtest.AdminURL(t)
	if testing.Short() {
		t.Skip("1,000 alerts")
	}
	const n = 1000
	one := deliverWithReplicas(t, n, 1)
	four := deliverWithReplicas(t, n, 4)
	t.Logf("%d alerts: 1 replica %v (%.0f/s), 4 replicas %v (%.0f/s)", n, one.Round(time.Millisecond),
		float64(n)/one.Seconds(), four.Round(time.Millisecond), float64(n)/four.Seconds())
}

// A leader whose session dies (crash, kill -9, lost network) frees the
// advisory lock at once: a standby takes over with a higher generation,
// and the old leader's writes are refused.
func TestLeadershipPassesWhenTheLeaderSessionEnds(t *testing.T) {
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	a, b := openPG(t, url), openPG(t, url)
	if _, err := a.TryLock(ctx, "drawwatch run", time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := b.TryLock(ctx, "drawwatch run", time.Hour); !errors.Is(err, store.ErrLocked) || !strings.Contains(err.Error(), "generation 1") {
		t.Fatalf("standby TryLock: %v, want ErrLocked naming generation 1", err)
	}
	terminateSessions(t, url, "pid IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory')")
	if err := a.Heartbeat(ctx, "drawwatch run"); !errors.Is(err, store.ErrLeaseLost) {
		t.Errorf("heartbeat after the lock session ended: %v, want ErrLeaseLost", err)
	}
	// The server ends the session asynchronously: a standby tries again at
	// its next tick.
	var err error
	for range 50 {
		if _, err = b.TryLock(ctx, "drawwatch run", time.Hour); !errors.Is(err, store.ErrLocked) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("standby after the leader's session ended: %v", err)
	}
	if g := b.LeaseGeneration(); g != 2 {
		t.Errorf("new leader generation = %d, want 2", g)
	}
	err = a.SaveFetch(ctx, store.FetchRecord{Source: "a", URL: "u", Outcome: store.OutcomeFetched})
	if !errors.Is(err, store.ErrLeaseLost) {
		t.Errorf("old leader's write: %v, want ErrLeaseLost", err)
	}
	if err := b.SaveFetch(ctx, store.FetchRecord{Source: "b", URL: "u", Outcome: store.OutcomeFetched}); err != nil {
		t.Errorf("new leader's write: %v", err)
	}
}

// A paused leader keeps its session (and lock): once its heartbeat is a
// TTL old, the standby ends that session and takes over.
func TestStaleLeaderIsTakenOver(t *testing.T) {
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	now := time.Now()
	a := openPG(t, url)
	b, err := store.OpenPostgres(ctx, url, "", store.WithClock(func() time.Time { return now.Add(time.Minute) }))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := a.TryLock(ctx, "drawwatch run", 30*time.Second); err != nil {
		t.Fatal(err)
	}
	if _, err := b.TryLock(ctx, "drawwatch run", 30*time.Second); err != nil {
		t.Fatalf("take over a leader silent for a minute: %v", err)
	}
	if err := a.Heartbeat(ctx, "drawwatch run"); !errors.Is(err, store.ErrLeaseLost) {
		t.Errorf("old leader's heartbeat: %v, want ErrLeaseLost", err)
	}
}

// terminateSessions ends the server sessions matching where, as a crash
// or a network cut would.
func terminateSessions(t *testing.T, url, where string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid() AND `+where).Scan(&n); err != nil || n == 0 {
		t.Fatalf("terminate sessions where %s: %d ended, %v", where, n, err)
	}
}

// Bad input: clear errors that say what to do, and never the password.
func TestPostgresOpenErrors(t *testing.T) {
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	closed, _ := net.Listen("tcp", "127.0.0.1:0")
	port := closed.Addr().(*net.TCPAddr).Port
	closed.Close()

	newer := pgtest.NewDatabase(t)
	s := openPG(t, newer)
	if conn, err := pgx.Connect(ctx, newer); err == nil {
		conn.Exec(ctx, `INSERT INTO schema_version (version, name, applied_at) VALUES (999, 'future', 0)`)
		conn.Close(ctx)
	}
	s.Close()

	tests := []struct {
		name, url, password string
		want                []string
	}{
		{"unreachable", fmt.Sprintf("postgres://postgres:%s@127.0.0.1:%d/x?sslmode=disable&connect_timeout=2", pgtest.Password, port), "", []string{"cannot reach", "127.0.0.1"}},
		{"wrong password", url, "not-the-SECRET", []string{"refused user", "password"}},
		{"newer schema", newer, "", []string{"schema version 999", "upgrade drawwatch"}},
		{"not a URL", "postgres://%zz", "", []string{"store.url"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := store.OpenPostgres(ctx, tt.url, tt.password)
			if err == nil {
				s.Close()
				t.Fatal("opened")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "SECRET") || strings.Contains(err.Error(), pgtest.Password) {
				t.Errorf("error shows the password: %v", err)
			}
		})
	}
}

// A replica whose connections are cut mid-run gets errors, not a hang, and
// a leader among them loses its lease.
func TestLostConnectionMidRun(t *testing.T) {
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	a := openPG(t, url)
	if _, err := a.TryLock(ctx, "drawwatch run", time.Hour); err != nil {
		t.Fatal(err)
	}
	terminateSessions(t, url, "true")
	select {
	case <-a.LeaseLost():
		t.Fatal("lost before anyone noticed")
	default:
	}
	if err := a.Heartbeat(ctx, "drawwatch run"); !errors.Is(err, store.ErrLeaseLost) {
		t.Errorf("heartbeat after the connection was cut: %v", err)
	}
	select {
	case <-a.LeaseLost():
	default:
		t.Error("LeaseLost not closed")
	}
}

// Replicas record themselves for the status page, on both backends.
func TestReplicasRecorded(t *testing.T) {
	ctx := context.Background()
	lite, err := store.Open(ctx, t.TempDir()+"/drawwatch.db")
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	url := pgtest.NewDatabase(t)
	backends := map[string]*store.Store{"sqlite": lite, "postgres": openPG(t, url), "postgres2": openPG(t, url)}
	started := time.Now().Add(-time.Minute)
	for name, s := range backends {
		role := "standby"
		if name == "postgres" || name == "sqlite" {
			role = "leader"
		}
		if err := s.RecordReplica(ctx, role, 3, started); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	for name, s := range map[string]*store.Store{"sqlite": lite, "postgres": backends["postgres"]} {
		rs, err := s.Replicas(ctx, time.Now().Add(-time.Minute))
		want := 1
		if name == "postgres" {
			want = 2
		}
		if err != nil || len(rs) != want || rs[0].Role != "leader" || rs[0].PID != os.Getpid() || rs[0].Generation != 3 {
			t.Errorf("%s: replicas = %+v, %v; want %d, leader first", name, rs, err, want)
		}
	}
}

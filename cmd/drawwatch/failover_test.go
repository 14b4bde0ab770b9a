package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/drawwatch/drawwatch/demo"
	"github.com/drawwatch/drawwatch/store/pgtest"
)

// growingSite serves an updates page that gains one draw announcement
// each time add is called ("April N, 2026").
type growingSite struct {
	draws atomic.Int32
}

func (s *growingSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/robots.txt" {
		fmt.Fprint(w, "User-agent: *\nAllow: /\n")
		return
	}
	base, _ := demo.Pages.ReadFile("pages/updates-v1.html")
	var extra strings.Builder
	for n := int(s.draws.Load()); n >= 1; n-- {
		fmt.Fprintf(&extra, `<h3>April %[1]d, 2026</h3><h4 id="april%[1]d-0">Employer Job Offer Foreign Worker stream: tech occupations invited</h4>`+
			`<p>On April %[1]d, 2026, we issued %[2]d invitations to apply to candidates who may qualify under the Employer Job Offer: Foreign Worker stream.</p>`+
			`<p>Candidates with a score of %[3]d and above received an invitation under the Foreign Worker stream.</p>`, n, 300+n, 40+n)
	}
	page := strings.Replace(string(base), "<h3>March 12, 2026</h3><h4", extra.String()+"<h3>March 12, 2026</h3><h4", 1)
	w.Write([]byte(page))
}

// aprilHook counts Slack messages per April draw.
type aprilHook struct {
	mu      sync.Mutex
	got     map[string]int
	arrived map[string]time.Time
}

var aprilWord = regexp.MustCompile(`#april\d+-0`) // the draw's anchor in its source link

func (h *aprilHook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := r.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	if os.Getenv("DRAWWATCH_DEBUG_HOOK") != "" {
		fmt.Fprintln(os.Stderr, "HOOK:", b.String())
	}
	if id := aprilWord.FindString(b.String()); id != "" {
		h.mu.Lock()
		h.got[id]++
		if _, ok := h.arrived[id]; !ok {
			h.arrived[id] = time.Now()
		}
		h.mu.Unlock()
	}
	fmt.Fprint(w, "ok")
}

func (h *aprilHook) count(id string) (int, time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.got[id], h.arrived[id]
}

func aprilID(n int) string { return fmt.Sprintf("#april%d-0", n) }

func leaderPID(t *testing.T, url string) int {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var pid int
	if err := conn.QueryRow(ctx, `SELECT pid FROM run_lock WHERE name = 'writer' AND token <> ''`).Scan(&pid); err != nil {
		return 0
	}
	return pid
}

// TestFailoverAlertsOnceAfterLeaderKill is issue 14's failover test: two
// daemons on one PostgreSQL database, a stand-in site and Slack; each page
// change alerts exactly once; kill -9 the leader; the next change alerts
// exactly once, within the lease TTL plus one schedule tick. Repeated for
// DRAWWATCH_FAILOVER_KILLS kills (default 2); failover times are logged.
// Then the leader is paused (SIGSTOP) past the TTL: a standby takes over,
// and the resumed replica stands by without alerting anything twice.
func TestFailoverAlertsOnceAfterLeaderKill(t *testing.T) {
	if testing.Short() {
		t.Skip("starts daemons as subprocesses")
	}
	url := pgtest.NewDatabase(t)
	kills := 2
	if n, err := fmt.Sscan(os.Getenv("DRAWWATCH_FAILOVER_KILLS"), &kills); n != 1 || err != nil {
		kills = 2
	}
	site := &growingSite{}
	srv := httptest.NewServer(site)
	defer srv.Close()
	hook := &aprilHook{got: map[string]int{}, arrived: map[string]time.Time{}}
	hookSrv := httptest.NewServer(hook)
	defer hookSrv.Close()
	const ttl, tick = 2 * time.Second, time.Second
	dir := t.TempDir()
	config := func(listen string) string {
		return writeFile(t, dir, fmt.Sprintf("drawwatch-%s.toml", strings.ReplaceAll(listen, ":", "-")), fmt.Sprintf(`
[store]
url = %q
lease_ttl = %q
backlog_days = 0

[schedule]
cron = "@every 1s"
jitter = "0s"
grace = "2s"
run_at_start = true

[fetch]
delay = "1ms"
retry_base = "1ms"

[log]
level = %q

[http]
listen = %q

[[source]]
name = "updates"
kind = "oinp-updates"
url = "%s/updates"

[[slack]]
name = "team"
webhook_url = "%s/services/T/B/x"

[[route]]
targets = ["team"]
kinds = ["draw", "news", "ops"]
`, url, ttl.String(), logLevel(), listen, srv.URL, hookSrv.URL))
	}

	daemons := map[int]*daemonProc{}
	listens := map[int]string{}
	defer func() {
		if t.Failed() {
			for pid, d := range daemons {
				t.Logf("daemon %d:\n%s", pid, d.log())
			}
		}
	}()
	start := func() int {
		listen := freeAddr(t)
		d := startDaemon(t, config(listen))
		daemons[d.cmd.Process.Pid] = d
		listens[d.cmd.Process.Pid] = listen
		return d.cmd.Process.Pid
	}
	first := start()
	waitUntil(t, nil, "a leader", 20*time.Second, func() bool { return leaderPID(t, url) != 0 })
	second := start()
	time.Sleep(2 * tick) // the first read of the page is history: no alert

	// /readyz and /metrics say who leads; both are ready.
	for pid, want := range map[int][]string{first: {"ok (leader, lease generation 1)", "drawwatch_leader 1", "drawwatch_lease_generation 1"},
		second: {"ok (standby)", "drawwatch_leader 0", "drawwatch_lease_generation 0"}} {
		got := httpGet(t, "http://"+listens[pid]+"/readyz") + httpGet(t, "http://"+listens[pid]+"/metrics")
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("daemon %d: /readyz and /metrics lack %q", pid, w)
			}
		}
	}

	// The status page lists both replicas, one leading.
	waitUntil(t, nil, "both replicas on the status page", 10*time.Second, func() bool {
		page := httpGet(t, "http://"+listens[first]+"/")
		return strings.Contains(page, fmt.Sprintf(">%d<", first)) && strings.Contains(page, fmt.Sprintf(">%d<", second)) &&
			strings.Contains(page, "leader (lease generation 1)") && strings.Contains(page, "standby")
	})

	expectOnce := func(n int) time.Time {
		t.Helper()
		site.draws.Store(int32(n))
		var at time.Time
		waitUntil(t, nil, "the alert for "+aprilID(n), 30*time.Second, func() bool {
			c, when := hook.count(aprilID(n))
			at = when
			return c >= 1
		})
		return at
	}
	expectOnce(1)
	var times []time.Duration
	for k := range kills {
		pid := leaderPID(t, url)
		d := daemons[pid]
		if d == nil {
			t.Fatalf("leader pid %d is not one of ours", pid)
		}
		d.cmd.Process.Signal(syscall.SIGKILL)
		<-d.done
		killed := time.Now()
		delete(daemons, pid)
		at := expectOnce(k + 2)
		took := at.Sub(killed)
		times = append(times, took)
		if limit := ttl + tick + 3*time.Second; took > limit {
			t.Errorf("kill %d: the next change alerted %v after the kill, want within lease TTL + one tick (+ scrape) %v", k+1, took, limit)
		}
		start() // back to two replicas
	}
	// A paused leader (SIGSTOP: its session and lock stay open) is taken
	// over once its heartbeat is a TTL old; resumed, it stands by and
	// scrapes nothing more.
	pid := leaderPID(t, url)
	paused := daemons[pid]
	paused.cmd.Process.Signal(syscall.SIGSTOP)
	stopped := time.Now()
	n := kills + 2
	at := expectOnce(n)
	t.Logf("paused leader: the next change alerted %v after SIGSTOP (lease_ttl %v)", at.Sub(stopped).Round(time.Millisecond), ttl)
	if newLeader := leaderPID(t, url); newLeader == pid || newLeader == 0 {
		t.Errorf("leader after the pause = %d, want another replica than %d", newLeader, pid)
	}
	paused.cmd.Process.Signal(syscall.SIGCONT)
	waitUntil(t, paused, "the resumed replica to stand by", 10*time.Second, func() bool {
		got := httpGet(t, "http://"+listens[pid]+"/readyz")
		return strings.Contains(got, "(standby)")
	})
	n++
	expectOnce(n)
	kills = n - 1 // the changes alerted: 1..n

	time.Sleep(3 * tick) // duplicates would arrive by now
	for n := 1; n <= kills+1; n++ {
		if c, _ := hook.count(aprilID(n)); c != 1 {
			t.Errorf("%s alerted %d times, want once", aprilID(n), c)
		}
	}
	for _, d := range daemons {
		d.cmd.Process.Signal(syscall.SIGTERM)
		<-d.done
		if d.err != nil {
			t.Errorf("daemon after SIGTERM: %v\n%s", d.err, d.log())
		}
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	if len(times) > 0 {
		t.Logf("failover over %d kills of the leader (lease_ttl %v, tick %v): kill → next change's alert: median %v, worst %v, all %v",
			len(times), ttl, tick, times[len(times)/2].Round(time.Millisecond), times[len(times)-1].Round(time.Millisecond), times)
	}
}

func logLevel() string {
	if os.Getenv("DRAWWATCH_DEBUG_HOOK") != "" {
		return "info"
	}
	return "warn"
}

// TestStandbyLeadsBetweenTicks: with a schedule that has no tick for
// months, a standby still takes over within the lease TTL of the leader's
// death (it tries every heartbeat, not only at schedule ticks), so
// /readyz and drawwatch_leader never show the replicas leaderless for long.
func TestStandbyLeadsBetweenTicks(t *testing.T) {
	if testing.Short() {
		t.Skip("starts daemons as subprocesses")
	}
	url := pgtest.NewDatabase(t)
	srv := httptest.NewServer(&growingSite{})
	defer srv.Close()
	const ttl = 2 * time.Second
	dir := t.TempDir()
	start := func() (*daemonProc, string) {
		listen := freeAddr(t)
		cfg := writeFile(t, dir, "drawwatch-"+strings.ReplaceAll(listen, ":", "-")+".toml", fmt.Sprintf(`
[store]
url = %q
lease_ttl = %q

[schedule]
cron = "CRON_TZ=America/Toronto 0 9 1 1 *"
run_at_start = false

[log]
level = "warn"

[http]
listen = %q

[[source]]
name = "updates"
kind = "oinp-updates"
url = "%s/updates"
`, url, ttl.String(), listen, srv.URL))
		return startDaemon(t, cfg), listen
	}
	leader, leaderAddr := start()
	waitUntil(t, leader, "the first replica to lead", 20*time.Second, func() bool {
		return strings.Contains(readyz(leaderAddr), "(leader")
	})
	standby, standbyAddr := start()
	waitUntil(t, standby, "the second replica to stand by", 20*time.Second, func() bool {
		return strings.Contains(readyz(standbyAddr), "(standby)")
	})
	leader.cmd.Process.Signal(syscall.SIGKILL)
	<-leader.done
	killed := time.Now()
	waitUntil(t, standby, "the standby to lead with no schedule tick", ttl+5*time.Second, func() bool {
		return strings.Contains(readyz(standbyAddr), "(leader, lease generation 2)")
	})
	t.Logf("standby led %v after the leader's kill -9 (lease_ttl %v, no schedule tick)", time.Since(killed).Round(time.Millisecond), ttl)
	if !strings.Contains(httpGet(t, "http://"+standbyAddr+"/metrics"), "drawwatch_leader 1") {
		t.Error("the new leader's /metrics lacks drawwatch_leader 1")
	}
}

// readyz is a daemon's /readyz answer, "" while it is not listening yet.
func readyz(addr string) string {
	resp, err := http.Get("http://" + addr + "/readyz")
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

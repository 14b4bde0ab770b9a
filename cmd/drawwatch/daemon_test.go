package main

import (
	"bytes"
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// The daemon end to end, in process: `run` scrapes on its schedule,
// alerts a change exactly once, serves its endpoint, and on cancellation
// (what SIGTERM does in main) stops within its grace period and releases
// the store.
func TestDaemonInProcess(t *testing.T) {
	site := &testSite{}
	site.version.Store(1)
	srv := httptest.NewServer(site)
	defer srv.Close()
	hook := &slackHook{}
	hookSrv := httptest.NewServer(hook)
	defer hookSrv.Close()
	listen := freeAddr(t)
	cfg := siteConfig(t, t.TempDir(), srv.URL, hookSrv.URL+"/hook", `
[schedule]
cron = "@every 1s"
jitter = "1ms"
grace = "5s"
run_at_start = true

[http]
listen = "`+listen+`"
`)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr bytes.Buffer
	done := make(chan int, 1)
	go func() { done <- Run(ctx, []string{"run", "--config", cfg}, &bytes.Buffer{}, &stderr) }()

	waitFor := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for !cond() {
			select {
			case code := <-done:
				t.Fatalf("daemon exited (%d) while waiting for %s:\n%s", code, what, stderr.String())
			default:
			}
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitFor("two passes", func() bool { return site.hits.Load() >= 6 })
	if n := len(hook.posts()); n != 0 {
		t.Fatalf("history alerted %d times", n)
	}
	site.version.Store(2)
	waitFor("the change to be alerted", func() bool { return len(hook.posts()) >= 2 })
	before := site.hits.Load()
	waitFor("two more passes", func() bool { return site.hits.Load() >= before+6 })
	if n := len(hook.posts()); n != 2 {
		t.Errorf("want exactly 2 alerts (new draw, correction), got %d", n)
	}
	if ready := httpGet(t, "http://"+listen+"/readyz"); !strings.HasPrefix(ready, "ok") {
		t.Errorf("/readyz after good passes: %q", ready)
	}

	start := time.Now()
	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("daemon exit %d after cancellation:\n%s", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("daemon did not stop after cancellation")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("daemon took %v to stop, grace is 5s", d)
	}
	if code, _, errOut := runCLI(t, "scrape", "--once", "--config", cfg); code != exitOK {
		t.Errorf("scrape after the daemon stopped (store lease released?): exit %d %s", code, errOut)
	}
}

package wiring

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/notify"
	"github.com/drawwatch/drawwatch/scraper"
	"github.com/drawwatch/drawwatch/store"
)

// HealthzURL is where a daemon listening on listen answers /healthz; a
// wildcard host is reached on loopback.
func HealthzURL(listen string) (string, error) {
	if listen == "" {
		return "", errors.New("healthcheck: http.listen is empty in the config, so the daemon serves no /healthz; set it, or pass --url")
	}
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return "", fmt.Errorf("healthcheck: http.listen %q: %w", listen, err)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/healthz", nil
}

// SendTest sends target n a test message, within delivery.wait.
func (a *App) SendTest(ctx context.Context, n notify.Notifier) error {
	al := drawwatch.Alert{Target: n.Name(), CreatedAt: time.Now(), Event: drawwatch.Event{
		Type: drawwatch.EventTest, DetectedAt: time.Now(),
		Message: fmt.Sprintf("drawwatch %s test message for target %q: if you can read this, alerts will arrive here.", scraper.Version, n.Name()),
	}}
	sctx, cancel := context.WithTimeout(ctx, a.Config.Delivery.Wait.Duration)
	defer cancel()
	_, err := n.Send(sctx, al)
	return err
}

// Probe GETs a daemon's /healthz at target: nil when it answers 200.
func Probe(ctx context.Context, target string) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return configErr(fmt.Errorf("healthcheck: %w", err))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %s", target, resp.Status)
	}
	return nil
}

// TestTargets sends a test message to each of ns (only the one called
// only, when set), one line per target on out. It fails when any send
// failed or no target has that name.
func (a *App) TestTargets(ctx context.Context, ns []notify.Notifier, only string, out io.Writer) error {
	failed, tried := 0, 0
	for _, n := range ns {
		if only != "" && n.Name() != only {
			continue
		}
		tried++
		if err := a.SendTest(ctx, n); err != nil {
			fmt.Fprintf(out, "%-20s FAILED  %v\n", n.Name(), err)
			failed++
			continue
		}
		fmt.Fprintf(out, "%-20s ok\n", n.Name())
	}
	switch {
	case tried == 0:
		return configErr(fmt.Errorf("no target is named %q (targets: %v)", only, a.Config.Targets()))
	case failed > 0:
		return fmt.Errorf("%d of %d test messages failed", failed, tried)
	}
	return nil
}

// Requeue re-queues alert id, or every pending and dead alert (all), and
// says so on out.
func Requeue(ctx context.Context, st *store.Store, id int64, all bool, out io.Writer) error {
	if all {
		n, err := st.RequeueAll(ctx)
		if err != nil {
			return fmt.Errorf("re-queue: %w", err)
		}
		fmt.Fprintf(out, "%d alerts re-queued; they are sent on the next `scrape --once` or by the running daemon\n", n)
		return nil
	}
	if err := st.Requeue(ctx, id); errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no alert %d in the outbox of %s", id, st.Path())
	} else if err != nil {
		return fmt.Errorf("re-queue %d: %w", id, err)
	}
	fmt.Fprintf(out, "alert %d re-queued\n", id)
	return nil
}

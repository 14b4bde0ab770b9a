package wiring

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/notify"
	"github.com/drawwatch/drawwatch/scraper"
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

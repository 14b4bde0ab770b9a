package output

import (
	"context"
	"fmt"
	"io"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/notify"
)

// Console is a Notifier that prints each alert as a target would render
// it: the demo's stand-in for Slack, and what a dry run shows.
type Console struct {
	W         io.Writer
	Target    string                         // the name it answers to
	Highlight func(drawwatch.Alert) []string // NOC codes to list first; nil: none
	n         int
}

// Name is the target the console stands for.
func (c *Console) Name() string { return c.Target }

// Send prints the alert's subject and text.
func (c *Console) Send(ctx context.Context, a drawwatch.Alert) (string, error) {
	c.n++
	var hl []string
	if c.Highlight != nil {
		hl = c.Highlight(a)
	}
	msg := notify.Render(a, hl)
	fmt.Fprintf(c.W, "\n--- alert %d to %s: %s\n%s\n", c.n, a.Target, msg.Subject, msg.Text)
	return fmt.Sprintf("console-%d", c.n), nil
}

package notify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/drawwatch/drawwatch"
)

// Notifier sends one rendered alert to one target. It returns a ref (Slack
// message ts, email Message-ID) and a classified error: see SendError.
type Notifier interface {
	Name() string
	Send(ctx context.Context, a drawwatch.Alert) (ref string, err error)
}

// SendError classifies a failed delivery. Retryable: timeouts, 5xx,
// connection errors, SMTP 4xx, Slack 429. Permanent: invalid_auth,
// channel_not_found, webhook 4xx, SMTP 5xx rejections, and SMTP TLS set-up
// failures (no STARTTLS offered, certificate not trusted), which need the
// server or config fixed. RetryAfter carries Slack's Retry-After when it
// sent one.
//
// Err never contains a secret (token, webhook URL, password): Slack and
// Email redact before wrapping, so the error is safe to log and to store
// in the outbox.
type SendError struct {
	Target     string
	Permanent  bool
	RetryAfter time.Duration
	Err        error
}

// Error says which target failed, whether retrying can help, and why.
func (e *SendError) Error() string {
	kind := "retryable"
	if e.Permanent {
		kind = "permanent"
	}
	msg := fmt.Sprintf("notify %s: %s error: %v", e.Target, kind, e.Err)
	if e.RetryAfter > 0 {
		msg += fmt.Sprintf(" (retry after %s)", e.RetryAfter)
	}
	return msg
}

// Unwrap returns the underlying (redacted) error.
func (e *SendError) Unwrap() error { return e.Err }

// IsPermanent reports whether err is a SendError that retrying cannot fix.
// Any other error, including context cancellation, is not permanent.
func IsPermanent(err error) bool {
	var se *SendError
	return errors.As(err, &se) && se.Permanent
}

// retryAfter returns the Retry-After carried by err, or 0.
func retryAfter(err error) time.Duration {
	var se *SendError
	if errors.As(err, &se) {
		return se.RetryAfter
	}
	return 0
}

// redactor replaces secrets in error text. Secrets shorter than 4
// characters are ignored: replacing "a" everywhere would garble the
// message without protecting anything.
type redactor []string

func (r redactor) redact(s string) string {
	for _, secret := range r {
		if len(secret) < 4 {
			continue
		}
		s = strings.ReplaceAll(s, secret, "[REDACTED]")
	}
	return s
}

// redactedError carries a message with secrets removed. It deliberately
// does not unwrap to the original error (a *url.Error holds the webhook
// URL), except for context errors, which callers test with errors.Is.
type redactedError struct {
	msg   string
	cause error // context.Canceled / DeadlineExceeded or nil
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.cause }

func (r redactor) wrap(prefix string, err error) error {
	re := &redactedError{msg: r.redact(prefix + ": " + err.Error())}
	switch {
	case errors.Is(err, context.Canceled):
		re.cause = context.Canceled
	case errors.Is(err, context.DeadlineExceeded):
		re.cause = context.DeadlineExceeded
	}
	return re
}

package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// poster is the plain net/http client the Teams, Telegram, Discord and
// webhook targets share: their APIs are one JSON POST each, which needs no
// client library. It classifies answers the same way for all of them and
// keeps the target's secrets (URLs holding tokens) out of every error.
type poster struct {
	target  string
	client  *http.Client
	secrets redactor
}

// maxAnswerBytes caps how much of an answer is read: enough for any API
// error document, never a whole page from a misconfigured proxy.
const maxAnswerBytes = 64 << 10

// answer is a target's HTTP answer to one POST.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// postJSON sends body to rawURL as JSON with the extra headers. A transport
// failure is a retryable SendError; any HTTP answer is returned for the
// caller to classify (see classify).
func (p *poster) postJSON(ctx context.Context, rawURL string, header http.Header, body []byte) (answer, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rawURL, bytes.NewReader(body))
	if err != nil {
		return answer{}, &SendError{Target: p.target, Permanent: true, Err: p.secrets.wrap("build request", stripURL(err))}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "drawwatch")
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return answer{}, &SendError{Target: p.target, Err: p.secrets.wrap("post", stripURL(err))}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes))
	if err != nil {
		return answer{}, &SendError{Target: p.target, Err: p.secrets.wrap("read answer", stripURL(err))}
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: raw}, nil
}

// classify turns a non-2xx answer into a SendError: 408, 429 and 5xx are
// retryable (429 with the wait the target asked for, from Retry-After or
// the hint the caller read from the body), any other 4xx is permanent: the
// request or the config is wrong and would fail the same way again. detail
// is the target's own error text, already read from the body.
func (p *poster) classify(a answer, hint time.Duration, detail string) error {
	if a.status >= 200 && a.status < 300 {
		return nil
	}
	se := &SendError{Target: p.target}
	switch {
	case a.status == http.StatusTooManyRequests:
		se.RetryAfter = max(hint, headerRetryAfter(a.header))
	case a.status == http.StatusRequestTimeout || a.status >= 500:
		se.RetryAfter = headerRetryAfter(a.header)
	default:
		se.Permanent = true
	}
	msg := fmt.Sprintf("HTTP %d", a.status)
	if detail = strings.TrimSpace(detail); detail != "" {
		msg += ": " + cleanHeader(detail)
	}
	if se.Permanent {
		msg += " (check the target's settings)"
	}
	se.Err = &redactedError{msg: p.secrets.redact(msg)}
	return se
}

// headerRetryAfter reads Retry-After as seconds (the form APIs use), or 0.
func headerRetryAfter(h http.Header) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil && secs > 0 {
		return time.Duration(secs * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(0, time.Until(t))
	}
	return 0
}

// stripURL drops the request URL a *url.Error quotes: for these targets
// the URL is the secret (a webhook URL, a bot token in the path).
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s request: %w", ue.Op, ue.Err)
	}
	return err
}

// checkTargetURL validates a URL that is also a secret: the error says what
// is wrong without quoting it.
func checkTargetURL(kind, name, key, raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("%s target %s: %s is not an http(s) URL (value hidden)", kind, name, key)
	}
	return u, nil
}

// urlSecrets lists the forms a secret URL may appear in inside error text.
func urlSecrets(raw string, u *url.URL) redactor {
	r := redactor{raw, u.String(), u.RawQuery}
	if len(u.Path) > 1 {
		r = append(r, u.Path, strings.TrimPrefix(u.Path, "/"))
	}
	return r
}

// marshalJSON encodes a message body. encoding/json escapes "<", ">" and
// "&" (\u003c ...), so page text cannot form markup even in a receiver
// that pastes the JSON into a web page.
func marshalJSON(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode message: %w", err)
	}
	return b, nil
}

package notify

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	"github.com/drawwatch/drawwatch"
	gomail "github.com/wneessen/go-mail"
)

// EmailConfig configures one email target. Addr is host:port. TLS is
// "starttls" (default: the connection must upgrade or nothing is sent),
// "tls" (implicit TLS, usually port 465) or "none" (local relays and
// tests only). The server's certificate must be valid for Addr's host
// and chain to the system roots (see WithEmailRootCAs). Username/Password
// enable AUTH PLAIN. Timeout bounds the whole SMTP conversation; default
// 30s.
type EmailConfig struct {
	Name     string
	Addr     string
	From     string
	To       []string
	Username string
	Password string
	TLS      string
	Timeout  time.Duration
}

// EmailOption changes an Email notifier.
type EmailOption func(*Email)

// WithEmailHighlight sets how the NOC codes to list first are chosen.
func WithEmailHighlight(h Highlighter) EmailOption {
	return func(e *Email) { e.highlight = h }
}

// WithEmailZone sets the time zone alerts show times in (default UTC).
func WithEmailZone(loc *time.Location) EmailOption {
	return func(e *Email) {
		if loc != nil {
			e.zone = loc
		}
	}
}

// WithEmailClock sets the clock used for the Date header.
func WithEmailClock(now func() time.Time) EmailOption {
	return func(e *Email) { e.now = now }
}

// WithEmailRootCAs sets the certificate authorities the SMTP server's
// certificate must chain to, in place of the system roots. It is meant for
// relays behind a private CA and for tests; without it (or with nil) the
// system roots are used. It cannot turn verification off.
func WithEmailRootCAs(pool *x509.CertPool) EmailOption {
	return func(e *Email) { e.rootCAs = pool }
}

// Email sends alerts by SMTP, one message with a text and an HTML part.
type Email struct {
	name      string
	cfg       EmailConfig
	host      string
	port      int
	domain    string
	highlight Highlighter
	zone      *time.Location
	now       func() time.Time
	secrets   redactor
	rootCAs   *x509.CertPool
}

// NewEmail checks cfg and returns an Email notifier. Errors never quote
// the password.
func NewEmail(cfg EmailConfig, opts ...EmailOption) (*Email, error) {
	name := cfg.Name
	if name == "" {
		name = "email"
	}
	host, portStr, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("email target %s: addr %q: want host:port (\"smtp.example.com:587\"): %w", name, cfg.Addr, err)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil || port <= 0 || port > 65535 {
		return nil, fmt.Errorf("email target %s: addr %q: bad port", name, cfg.Addr)
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("email target %s: from %q: %w", name, cfg.From, err)
	}
	if len(cfg.To) == 0 {
		return nil, fmt.Errorf("email target %s: no recipients: set to = [\"team@example.com\"]", name)
	}
	for _, to := range cfg.To {
		if _, err := mail.ParseAddress(to); err != nil {
			return nil, fmt.Errorf("email target %s: recipient %q: %w", name, to, err)
		}
	}
	switch cfg.TLS {
	case "":
		cfg.TLS = "starttls"
	case "starttls", "tls", "none":
	default:
		return nil, fmt.Errorf("email target %s: tls %q: use starttls, tls or none", name, cfg.TLS)
	}
	if cfg.Password != "" && cfg.Username == "" {
		return nil, fmt.Errorf("email target %s: password set without username", name)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	domain := "drawwatch.invalid"
	if at := strings.LastIndex(from.Address, "@"); at >= 0 {
		domain = from.Address[at+1:]
	}
	e := &Email{
		name:      name,
		cfg:       cfg,
		host:      host,
		port:      port,
		domain:    domain,
		highlight: func(drawwatch.Alert) []string { return nil },
		zone:      time.UTC,
		now:       time.Now,
		secrets:   redactor{cfg.Password},
	}
	for _, o := range opts {
		o(e)
	}
	return e, nil
}

// Name is the target name alerts are queued under.
func (e *Email) Name() string { return e.name }

// MessageID is the Message-ID an alert is sent with. It depends only on
// the alert, so a resend after a crash carries the same id and mail
// clients can fold the duplicate.
//
// An alert that is not from the outbox (ID 0: `notify test`) has no
// identity to keep across resends, so its id carries random bits: two test
// messages sent in the same second stay two messages.
func (e *Email) MessageID(a drawwatch.Alert) string {
	if a.ID == 0 {
		return fmt.Sprintf("<drawwatch.test.%d.%s@%s>", a.CreatedAt.Unix(), rand.Text(), e.domain)
	}
	return fmt.Sprintf("<drawwatch.alert.%d.%d@%s>", a.ID, a.CreatedAt.Unix(), e.domain)
}

// threadHeaders sets In-Reply-To and References to the Message-ID of the
// first alert about the same announcement, so mail clients file an update
// under the original. ThreadRef is that alert's ref, which Send returned.
func threadHeaders(m *gomail.Msg, ref string) {
	if !strings.HasPrefix(ref, "<") || !strings.HasSuffix(ref, ">") || strings.ContainsAny(ref, " \r\n") {
		return // not a Message-ID (an alert first sent to another kind of target)
	}
	m.SetGenHeader(gomail.HeaderInReplyTo, ref)
	m.SetGenHeader(gomail.HeaderReferences, ref)
}

// Send delivers one alert and returns its Message-ID.
func (e *Email) Send(ctx context.Context, a drawwatch.Alert) (string, error) {
	rendered := RenderIn(a, e.highlight(a), e.zone)
	m := gomail.NewMsg()
	if err := m.From(e.cfg.From); err != nil {
		return "", e.fail("set From", err, true)
	}
	if err := m.To(e.cfg.To...); err != nil {
		return "", e.fail("set To", err, true)
	}
	// Render already removed CR/LF; go-mail encodes the rest.
	m.Subject(rendered.Subject)
	id := e.MessageID(a)
	m.SetMessageIDWithValue(strings.Trim(id, "<>"))
	m.SetDateWithValue(e.now())
	m.SetGenHeader(gomail.HeaderXMailer, "drawwatch")
	// RFC 3834: machine-sent, so auto-responders and vacation replies stay quiet.
	m.SetGenHeader("Auto-Submitted", "auto-generated")
	threadHeaders(m, a.ThreadRef)
	m.SetBodyString(gomail.TypeTextPlain, rendered.Text)
	m.AddAlternativeString(gomail.TypeTextHTML, rendered.HTML)

	opts := []gomail.Option{gomail.WithPort(e.port), gomail.WithTimeout(e.cfg.Timeout),
		// go-mail's default plus RootCAs. The replacement must set
		// ServerName: STARTTLS's tls.Client does not fill it in.
		gomail.WithTLSConfig(&tls.Config{ServerName: e.host, MinVersion: tls.VersionTLS12, RootCAs: e.rootCAs})}
	switch e.cfg.TLS {
	case "tls":
		opts = append(opts, gomail.WithSSL())
	case "none":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if e.cfg.Username != "" {
		// go-mail refuses PLAIN over a cleartext connection except to
		// localhost, which is what "none" is for.
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain),
			gomail.WithUsername(e.cfg.Username), gomail.WithPassword(e.cfg.Password))
	}
	c, err := gomail.NewClient(e.host, opts...)
	if err != nil {
		return "", e.fail("configure SMTP client", err, true)
	}
	ctx, cancel := context.WithTimeout(ctx, e.cfg.Timeout)
	defer cancel()
	if err := c.DialAndSendWithContext(ctx, m); err != nil {
		if terr := e.tlsSetupError(err); terr != nil {
			return "", e.fail("send via "+e.cfg.Addr, terr, true)
		}
		return "", e.fail("send via "+e.cfg.Addr, err, isPermanentSMTP(err))
	}
	return id, nil
}

// goMailNoSTARTTLS is part of go-mail's error when TLSMandatory meets a
// server without STARTTLS. go-mail has no sentinel for it;
// TestEmailTLSFailures breaks if the wording changes.
const goMailNoSTARTTLS = "does not support STARTTLS"

// tlsSetupError returns err rewritten to say which setting to change when
// it comes from setting up TLS, or nil. Such errors are permanent: they
// happen before AUTH, so nothing (not even the password) was sent, and
// each needs someone to fix the server or the config. Retried, the alert
// would sit pending for hours and then die with the same error; once
// fixed, `drawwatch outbox retry` sends it.
func (e *Email) tlsSetupError(err error) error {
	var certErr *tls.CertificateVerificationError
	var recErr tls.RecordHeaderError
	switch {
	case errors.As(err, &certErr):
		// Unknown CA, wrong name and expiry all land here.
		return fmt.Errorf("TLS certificate of %s failed verification; nothing was sent. "+
			"Fix the server's certificate or the host in smtp, or add its CA to the system's trusted roots: %w",
			e.host, certErr)
	case e.cfg.TLS == "starttls" && strings.Contains(err.Error(), goMailNoSTARTTLS):
		return errors.New(`server does not offer STARTTLS, which tls = "starttls" requires; nothing was sent. ` +
			`Set tls = "tls" if it expects TLS from the first byte (usually port 465), ` +
			`or tls = "none" for a trusted local relay only`)
	case e.cfg.TLS == "tls" && errors.As(err, &recErr):
		return fmt.Errorf(`server did not answer with TLS, which tls = "tls" requires; nothing was sent. `+
			`Set tls = "starttls" if it upgrades after connecting (usually port 587): %w`, recErr)
	}
	return nil
}

// isPermanentSMTP reports 5xx rejections; connection failures, timeouts
// and 4xx replies are worth retrying.
func isPermanentSMTP(err error) bool {
	var se *gomail.SendError
	if errors.As(err, &se) {
		if se.IsTemp() {
			return false
		}
		if code := se.ErrorCode(); code != 0 {
			return code >= 500
		}
	}
	var tp *textproto.Error
	if errors.As(err, &tp) {
		return tp.Code >= 500
	}
	return false
}

func (e *Email) fail(doing string, err error, permanent bool) error {
	// Whether it is retried is the dispatcher's to say: the same error
	// ends up in a dead alert once the attempts run out.
	if permanent {
		doing += " (check the email target's settings)"
	}
	return &SendError{Target: e.name, Permanent: permanent, Err: e.secrets.wrap(doing, err)}
}

package notify

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"log"
	"log/slog"
	"math/big"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/drawwatch/drawwatch"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/google/go-cmp/cmp"
)

const (
	smtpUser     = "drawwatch"
	smtpPassword = "smtp-pass-SECRET"
)

// received is one message the test SMTP server accepted. authTLS: the
// AUTH that preceded it ran over TLS.
type received struct {
	from    string
	rcpt    []string
	data    []byte
	authed  bool
	authTLS bool
}

// smtpBackend is an in-process SMTP server's mailbox. rejectRcpt answers
// RCPT with that error. auths counts AUTH commands, successful or not:
// zero means no credentials ever reached the server.
type smtpBackend struct {
	mu         sync.Mutex
	msgs       []received
	auths      int
	rejectRcpt *smtp.SMTPError
}

func (b *smtpBackend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &smtpSession{be: b, conn: c}, nil
}

func (b *smtpBackend) messages() []received {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.msgs)
}

func (b *smtpBackend) authCount() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.auths
}

type smtpSession struct {
	be   *smtpBackend
	conn *smtp.Conn
	cur  received
}

func (s *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *smtpSession) Auth(mech string) (sasl.Server, error) {
	s.be.mu.Lock()
	s.be.auths++
	s.be.mu.Unlock()
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != smtpUser || pass != smtpPassword {
			// What real servers answer (RFC 4954); go-smtp would say 454.
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "authentication credentials invalid"}
		}
		s.cur.authed = true
		_, s.cur.authTLS = s.conn.TLSConnectionState()
		return nil
	}), nil
}

func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	s.cur.from = from
	return nil
}

func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.be.rejectRcpt != nil {
		return s.be.rejectRcpt
	}
	s.cur.rcpt = append(s.cur.rcpt, to)
	return nil
}

func (s *smtpSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.cur.data = data
	s.be.mu.Lock()
	s.be.msgs = append(s.be.msgs, s.cur)
	s.be.mu.Unlock()
	return nil
}

func (s *smtpSession) Reset()        { s.cur = received{authed: s.cur.authed, authTLS: s.cur.authTLS} }
func (s *smtpSession) Logout() error { return nil }

// serverTLS is how a test SMTP server offers TLS.
type serverTLS int

const (
	// plainSMTP has no TLS and allows AUTH in the clear (it listens on
	// loopback only).
	plainSMTP serverTLS = iota
	// startTLSSMTP offers STARTTLS and refuses AUTH before it.
	startTLSSMTP
	// implicitTLSSMTP speaks TLS from the first byte, as on port 465.
	implicitTLSSMTP
)

// startSMTP serves be without TLS on addr ("127.0.0.1:0" for any port).
func startSMTP(t *testing.T, be *smtpBackend, addr string) string {
	t.Helper()
	return serveSMTP(t, be, addr, plainSMTP, tls.Certificate{})
}

// serveSMTP serves be on addr, offering TLS with cert as mode says, and
// returns the address it listens on.
func serveSMTP(t *testing.T, be *smtpBackend, addr string, mode serverTLS, cert tls.Certificate) string {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	srv := smtp.NewServer(be)
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 5*time.Second, 5*time.Second
	// Failed handshakes are expected here; tests check the client's side.
	srv.ErrorLog = log.New(io.Discard, "", 0)
	tlsCfg := &tls.Config{Certificates: []tls.Certificate{cert}}
	switch mode {
	case plainSMTP:
		srv.AllowInsecureAuth = true
	case startTLSSMTP:
		srv.TLSConfig = tlsCfg
	case implicitTLSSMTP:
		ln = tls.NewListener(ln, tlsCfg)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String()
}

// newTestCert returns a self-signed ECDSA server certificate for hosts
// (IP addresses or DNS names), valid from a minute ago for an hour, and a
// pool that trusts it.
func newTestCert(t *testing.T, hosts ...string) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: hosts[0]},
		NotBefore:             now.Add(-time.Minute),
		NotAfter:              now.Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func testEmail(t *testing.T, addr string) *Email {
	t.Helper()
	return testEmailTLS(t, addr, "none", nil)
}

// testEmailTLS is testEmail with cfg.TLS = mode, trusting roots (nil: the
// system roots).
func testEmailTLS(t *testing.T, addr, mode string, roots *x509.CertPool) *Email {
	t.Helper()
	e, err := NewEmail(EmailConfig{
		Name: "team-mail", Addr: addr, From: "drawwatch <alerts@drawwatch.example>",
		To:       []string{"health-team@consultancy.example", "Priya <priya@consultancy.example>"},
		Username: smtpUser, Password: smtpPassword, TLS: mode, Timeout: 5 * time.Second,
	}, WithEmailClock(func() time.Time { return t0 }), WithEmailRootCAs(roots))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestEmailMessage delivers one alert in each TLS mode and checks the
// envelope, the headers and both MIME parts. AUTH must run over TLS
// whenever the mode asks for TLS.
func TestEmailMessage(t *testing.T) {
	cert, roots := newTestCert(t, "127.0.0.1", "localhost")
	tests := []struct {
		name   string
		server serverTLS
		tls    string
		host   string
	}{
		{"none", plainSMTP, "none", "127.0.0.1"},
		{"starttls", startTLSSMTP, "starttls", "127.0.0.1"},
		{"starttls by DNS name", startTLSSMTP, "starttls", "localhost"},
		{"implicit tls", implicitTLSSMTP, "tls", "127.0.0.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			be := &smtpBackend{}
			_, port, _ := net.SplitHostPort(serveSMTP(t, be, "127.0.0.1:0", tt.server, cert))
			e := testEmailTLS(t, net.JoinHostPort(tt.host, port), tt.tls, roots)
			a := drawwatch.Alert{ID: 42, Target: "team-mail", Event: hcpFeb6Event(), CreatedAt: t0}
			ref, err := e.Send(context.Background(), a)
			if err != nil {
				t.Fatal(err)
			}
			msgs := be.messages()
			if len(msgs) != 1 {
				t.Fatalf("%d messages, want 1", len(msgs))
			}
			got := msgs[0]
			if wantTLS := tt.tls != "none"; !got.authed || got.authTLS != wantTLS {
				t.Errorf("authed %v, AUTH over TLS %v, want true, %v", got.authed, got.authTLS, wantTLS)
			}
			checkAlertMessage(t, got, a, ref)
		})
	}
}

// checkAlertMessage checks the envelope, headers and MIME parts of the
// message testEmail sends for a (hcpFeb6Event, ID 42, created at t0).
func checkAlertMessage(t *testing.T, got received, a drawwatch.Alert, ref string) {
	t.Helper()
	if got.from != "alerts@drawwatch.example" {
		t.Errorf("MAIL FROM %q", got.from)
	}
	if diff := cmp.Diff([]string{"health-team@consultancy.example", "priya@consultancy.example"}, got.rcpt); diff != "" {
		t.Errorf("RCPT TO (-want +got):\n%s", diff)
	}
	m, err := mail.ReadMessage(bytes.NewReader(got.data))
	if err != nil {
		t.Fatal(err)
	}
	if date, err := m.Header.Date(); err != nil || !date.Equal(t0) {
		t.Errorf("Date %v (%v), want %v", date, err, t0)
	}
	if id := m.Header.Get("Message-ID"); id != ref || id != "<drawwatch.alert.42."+strconv.FormatInt(t0.Unix(), 10)+"@drawwatch.example>" {
		t.Errorf("Message-ID %q, ref %q", id, ref)
	}
	if from, err := m.Header.AddressList("From"); err != nil || len(from) != 1 || from[0].Address != "alerts@drawwatch.example" {
		t.Errorf("From %v %v", from, err)
	}
	to, err := m.Header.AddressList("To")
	if err != nil || len(to) != 2 || to[1].Name != "Priya" {
		t.Errorf("To %v %v", to, err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil || subject != Render(a, nil).Subject {
		t.Errorf("Subject %q (%v)", subject, err)
	}
	text, html := mimeParts(t, m)
	if !strings.Contains(text, "Score: CRS 379–430") || !strings.Contains(text, "NOIs issued: 2,086") {
		t.Errorf("text part:\n%s", text)
	}
	if !strings.Contains(html, "<strong>Score: </strong>CRS 379–430") || !strings.Contains(html, `href="https://www.ontario.ca/page/2024-ontario-immigrant-nominee-program-updates#February6-0"`) {
		t.Errorf("html part:\n%s", html)
	}
}

// mimeParts returns the decoded text/plain and text/html parts.
func mimeParts(t *testing.T, m *mail.Message) (text, html string) {
	t.Helper()
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type %q (%v), want multipart/alternative", m.Header.Get("Content-Type"), err)
	}
	r := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			return text, html
		}
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(p)
		if err != nil {
			t.Fatal(err)
		}
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		switch ct {
		case "text/plain":
			text = string(body)
		case "text/html":
			html = string(body)
		}
	}
}

func TestEmailInjection(t *testing.T) {
	be := &smtpBackend{}
	addr := startSMTP(t, be, "127.0.0.1:0")
	an := hcpFeb6()
	an.Title = "Draw\r\nBcc: x@evil.example\r\n<script>alert(1)</script>"
	an.Draws[0].Category = an.Title // the subject names the category, not the title
	_, err := testEmail(t, addr).Send(context.Background(), drawwatch.Alert{ID: 1, Event: drawwatch.Event{Type: drawwatch.EventNew, Announcement: &an}})
	if err != nil {
		t.Fatal(err)
	}
	got := be.messages()[0]
	if slices.ContainsFunc(got.rcpt, func(r string) bool { return strings.Contains(r, "evil") }) {
		t.Errorf("extra recipient: %v", got.rcpt)
	}
	m, err := mail.ReadMessage(bytes.NewReader(got.data))
	if err != nil {
		t.Fatal(err)
	}
	if m.Header.Get("Bcc") != "" {
		t.Errorf("Bcc header injected: %q", m.Header.Get("Bcc"))
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if !strings.Contains(subject, "Draw Bcc: x@evil.example") {
		t.Errorf("subject %q", subject)
	}
	_, html := mimeParts(t, m)
	if strings.Contains(html, "<script>") {
		t.Error("HTML part carries a live <script>")
	}
}

// TestEmailServerDownThenUp: a closed port is retryable; once the server
// listens there, the next Drain delivers.
func TestEmailServerDownThenUp(t *testing.T) {
	addr := freeAddr(t)
	e := testEmail(t, addr)
	ob := newFakeOutbox()
	id := ob.add(drawwatch.Alert{Target: e.Name(), Event: newsEvent()})
	now := t0
	var logs bytes.Buffer
	d := NewDispatcher(ob, []Notifier{e}, WithClock(func() time.Time { return now }), WithSleep((&fakeSleep{}).sleep),
		WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	if sent, failed, err := d.Drain(context.Background()); err != nil || sent != 0 || failed != 1 {
		t.Fatalf("server down: sent %d failed %d err %v", sent, failed, err)
	}
	a := ob.get(id)
	if a.Status != drawwatch.AlertPending || !a.NextTry.After(now) || !strings.Contains(a.LastError, "retryable") {
		t.Fatalf("after refused connection: %+v", a)
	}
	assertNoSecret(t, a.LastError)
	assertNoSecret(t, logs.String())

	be := &smtpBackend{}
	startSMTP(t, be, addr)
	now = a.NextTry
	if sent, _, err := d.Drain(context.Background()); err != nil || sent != 1 {
		t.Fatalf("server up: sent %d err %v", sent, err)
	}
	if n := len(be.messages()); n != 1 {
		t.Errorf("%d messages, want 1", n)
	}
}

// TestEmailTLSFailures: when TLS cannot be set up as configured, nothing
// is sent (not even AUTH), the error says what failed and which setting
// to change, and the dispatcher marks the alert dead on the first try:
// each of these needs someone to change the server or the config.
func TestEmailTLSFailures(t *testing.T) {
	cert, roots := newTestCert(t, "127.0.0.1", "localhost")
	otherCert, otherRoots := newTestCert(t, "smtp.other.example")
	tests := []struct {
		name   string
		server serverTLS
		cert   tls.Certificate
		tls    string
		roots  *x509.CertPool
		want   []string
	}{
		{"starttls, server without STARTTLS", plainSMTP, cert, "starttls", roots,
			[]string{"does not offer STARTTLS", `tls = "starttls"`, `tls = "tls"`}},
		{"starttls, untrusted certificate", startTLSSMTP, cert, "starttls", nil,
			[]string{"certificate", "127.0.0.1", "unknown authority"}},
		{"tls, untrusted certificate", implicitTLSSMTP, cert, "tls", nil,
			[]string{"certificate", "127.0.0.1", "unknown authority"}},
		{"starttls, certificate for another host", startTLSSMTP, otherCert, "starttls", otherRoots,
			[]string{"certificate", "validate certificate for 127.0.0.1"}},
		{"tls, server without TLS", plainSMTP, cert, "tls", roots,
			[]string{"did not answer with TLS", `tls = "starttls"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			be := &smtpBackend{}
			e := testEmailTLS(t, serveSMTP(t, be, "127.0.0.1:0", tt.server, tt.cert), tt.tls, tt.roots)
			ob := newFakeOutbox()
			id := ob.add(drawwatch.Alert{Target: e.Name(), Event: newsEvent()})
			sleep := &fakeSleep{}
			var logs bytes.Buffer
			d := NewDispatcher(ob, []Notifier{e}, WithSleep(sleep.sleep), WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
			for range 2 {
				if _, _, err := d.Drain(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			a := ob.get(id)
			if a.Status != drawwatch.AlertDead || !strings.Contains(a.LastError, "permanent") || len(sleep.waits) != 0 {
				t.Errorf("alert %s after %d in-process retries, want dead after one try: %s", a.Status, len(sleep.waits), a.LastError)
			}
			for _, w := range tt.want {
				if !strings.Contains(a.LastError, w) {
					t.Errorf("error lacks %q: %s", w, a.LastError)
				}
			}
			if n := be.authCount(); n != 0 || len(be.messages()) != 0 {
				t.Errorf("server saw %d AUTH and %d messages, want none", n, len(be.messages()))
			}
			assertNoSecret(t, a.LastError)
			assertNoSecret(t, logs.String())
		})
	}
}

func TestEmailRejections(t *testing.T) {
	tests := []struct {
		name      string
		reply     *smtp.SMTPError
		permanent bool
	}{
		{"550 no such user", &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}, true},
		{"451 try later", &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			be := &smtpBackend{rejectRcpt: tt.reply}
			addr := startSMTP(t, be, "127.0.0.1:0")
			_, err := testEmail(t, addr).Send(context.Background(), drawwatch.Alert{ID: 1, Target: "team-mail", Event: newsEvent()})
			if err == nil {
				t.Fatal("rejected message reported as sent")
			}
			if IsPermanent(err) != tt.permanent {
				t.Errorf("permanent = %v, want %v: %v", IsPermanent(err), tt.permanent, err)
			}
			if !strings.Contains(err.Error(), tt.reply.Message) {
				t.Errorf("error lost the server's reason: %v", err)
			}
		})
	}
}

func TestEmailBadPassword(t *testing.T) {
	addr := startSMTP(t, &smtpBackend{}, "127.0.0.1:0")
	e, err := NewEmail(EmailConfig{Name: "m", Addr: addr, From: "a@b.example", To: []string{"c@d.example"},
		Username: smtpUser, Password: "wrong-" + smtpPassword, TLS: "none"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.Send(context.Background(), drawwatch.Alert{Event: newsEvent()})
	if err == nil || !IsPermanent(err) {
		t.Fatalf("bad password: err = %v, want permanent", err)
	}
	if strings.Contains(err.Error(), "wrong-") {
		t.Errorf("password leaked: %v", err)
	}
}

func TestNewEmailConfig(t *testing.T) {
	base := EmailConfig{Name: "m", Addr: "smtp.example.com:587", From: "a@b.example", To: []string{"c@d.example"}}
	tests := []struct {
		name   string
		change func(*EmailConfig)
		want   string
	}{
		{"no port", func(c *EmailConfig) { c.Addr = "smtp.example.com" }, "want host:port"},
		{"bad from", func(c *EmailConfig) { c.From = "not an address" }, "from"},
		{"no to", func(c *EmailConfig) { c.To = nil }, "no recipients"},
		{"bad tls", func(c *EmailConfig) { c.TLS = "ssl" }, `tls "ssl"`},
		{"password without user", func(c *EmailConfig) { c.Password = smtpPassword }, "password set without username"},
	}
	for _, tt := range tests {
		cfg := base
		tt.change(&cfg)
		_, err := NewEmail(cfg)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
		} else {
			assertNoSecret(t, err.Error())
		}
	}
	if _, err := NewEmail(base); err != nil {
		t.Errorf("valid config rejected: %v", err)
	}
}

// TestEmailCorrectionThreads sends a draw alert and then its correction,
// with the ref the first send returned as the correction's ThreadRef (as
// the outbox does), and checks with net/mail that the correction replies
// to the original, keeps the draw date in its subject, and that both say
// they are auto-generated.
func TestEmailCorrectionThreads(t *testing.T) {
	be := &smtpBackend{}
	e := testEmail(t, startSMTP(t, be, "127.0.0.1:0"))
	first, err := e.Send(context.Background(), drawwatch.Alert{ID: 7, Event: hcpFeb6Event(), CreatedAt: t0})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Send(context.Background(), drawwatch.Alert{ID: 9, Event: changedEvent(), CreatedAt: t0, ThreadRef: first}); err != nil {
		t.Fatal(err)
	}
	msgs := be.messages()
	if len(msgs) != 2 {
		t.Fatalf("%d messages, want 2", len(msgs))
	}
	var heads []mail.Header
	for _, got := range msgs {
		m, err := mail.ReadMessage(bytes.NewReader(got.data))
		if err != nil {
			t.Fatal(err)
		}
		heads = append(heads, m.Header)
		if v := m.Header.Get("Auto-Submitted"); v != "auto-generated" {
			t.Errorf("Auto-Submitted %q, want auto-generated", v)
		}
	}
	orig, fix := heads[0], heads[1]
	if orig.Get("In-Reply-To") != "" || orig.Get("References") != "" {
		t.Errorf("first alert replies to something: %q %q", orig.Get("In-Reply-To"), orig.Get("References"))
	}
	if id := orig.Get("Message-ID"); fix.Get("In-Reply-To") != id || fix.Get("References") != id {
		t.Errorf("correction In-Reply-To %q References %q, want the original %q", fix.Get("In-Reply-To"), fix.Get("References"), id)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(fix.Get("Subject"))
	if err != nil || !strings.Contains(subject, "6 Feb 2024") || !strings.Contains(subject, "Updated") {
		t.Errorf("correction subject %q (%v): want the draw date and \"Updated\"", subject, err)
	}
}

// TestEmailTestMessageIDsDistinct sends two test messages in the same
// second (`notify test` alerts have no outbox id): each must get its own
// Message-ID, or a mail client folds the second into the first.
func TestEmailTestMessageIDsDistinct(t *testing.T) {
	be := &smtpBackend{}
	e := testEmail(t, startSMTP(t, be, "127.0.0.1:0"))
	test := drawwatch.Alert{Target: "team-mail", CreatedAt: t0, Event: drawwatch.Event{Type: drawwatch.EventTest}}
	var ids []string
	for range 2 {
		ref, err := e.Send(context.Background(), test)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, ref)
	}
	for i, got := range be.messages() {
		m, err := mail.ReadMessage(bytes.NewReader(got.data))
		if err != nil {
			t.Fatal(err)
		}
		if m.Header.Get("Message-ID") != ids[i] {
			t.Errorf("message %d: Message-ID %q, Send returned %q", i, m.Header.Get("Message-ID"), ids[i])
		}
		if id := ids[i]; !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@drawwatch.example>") || strings.ContainsAny(id, " \t") {
			t.Errorf("Message-ID %q is not <left@domain>", id)
		}
	}
	if ids[0] == ids[1] {
		t.Errorf("two test messages share Message-ID %s", ids[0])
	}
	// Outbox alerts keep a stable id: a resend after a crash folds.
	a := drawwatch.Alert{ID: 3, CreatedAt: t0, Event: hcpFeb6Event()}
	if e.MessageID(a) != e.MessageID(a) {
		t.Error("an outbox alert's Message-ID is not stable")
	}
}

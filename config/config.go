package config

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/robfig/cron/v3"

	"github.com/drawwatch/drawwatch"
)

// Source kinds as written in the config file.
const (
	SourceUpdates = "oinp-updates"
	SourceNOI     = "oinp-noi"
	SourceITA     = "oinp-ita"
	// SourceEERounds is IRCC's Express Entry rounds JSON (program EE).
	SourceEERounds = "ircc-ee-rounds"
)

// Default source URLs: the pages drawwatch watches when no [[source]] is configured.
const (
	DefaultUpdatesURL  = "https://www.ontario.ca/page/{year}-ontario-immigrant-nominee-program-updates"
	DefaultNOIURL      = "https://www.ontario.ca/page/oinp-express-entry-notifications-interest"
	DefaultITAURL      = "https://www.ontario.ca/page/ontario-immigrant-nominee-program-oinp-invitations-apply"
	DefaultEERoundsURL = "https://www.canada.ca/content/dam/ircc/documents/json/ee_rounds_123_en.json"
)

// DefaultCron polls every 10 minutes during Toronto business hours.
const DefaultCron = "CRON_TZ=America/Toronto */10 7-21 * * MON-FRI"

// Config is the whole configuration file.
type Config struct {
	Store    Store      `toml:"store"`
	Fetch    Fetch      `toml:"fetch"`
	Schedule Schedule   `toml:"schedule"`
	HTTP     HTTP       `toml:"http"`
	Log      Log        `toml:"log"`
	Health   Health     `toml:"health"`
	Delivery Delivery   `toml:"delivery"`
	Sources  []Source   `toml:"source"`
	Slack    []Slack    `toml:"slack"`
	Email    []Email    `toml:"email"`
	Webhook  []Webhook  `toml:"webhook"`
	Teams    []Teams    `toml:"teams"`
	Telegram []Telegram `toml:"telegram"`
	Discord  []Discord  `toml:"discord"`
	Routes   []Route    `toml:"route"`
	Clients  Clients    `toml:"clients"`

	// File is the path the config was read from ("" for defaults).
	File string `toml:"-"`
}

// Store configures the database: SQLite at path (the default), or
// PostgreSQL when url is set.
type Store struct {
	Path string `toml:"path"`
	// URL, when set, selects PostgreSQL ("postgres://user@host:5432/db?sslmode=verify-full").
	// Its password comes from PasswordFile, or from ${VAR} in the URL.
	URL          string `toml:"url"`
	PasswordFile string `toml:"password_file"`
	Password     string `toml:"-"` // read from PasswordFile; never printed
	BacklogDays  int    `toml:"backlog_days"`
	// LeaseTTL is how long a writer's lease outlives its last heartbeat
	// before another run may take it over (a holder on this host whose
	// process is gone is taken over at once).
	LeaseTTL Duration `toml:"lease_ttl"`
}

// Fetch configures how pages are requested.
type Fetch struct {
	UserAgent     string   `toml:"user_agent"`
	Delay         Duration `toml:"delay"`
	Timeout       Duration `toml:"timeout"`
	MaxBodyBytes  int      `toml:"max_body_bytes"`
	Retries       int      `toml:"retries"`
	RetryBase     Duration `toml:"retry_base"`
	RespectRobots *bool    `toml:"respect_robots"`
}

// Schedule configures the daemon's cron schedule.
type Schedule struct {
	Cron       string   `toml:"cron"`
	RunAtStart *bool    `toml:"run_at_start"`
	Jitter     Duration `toml:"jitter"`
	Grace      Duration `toml:"grace"`
}

// HTTP configures the daemon's status endpoint.
type HTTP struct {
	Listen      string   `toml:"listen"`
	ReadyMaxAge Duration `toml:"ready_max_age"`
	// TokenFile holds a bearer token that the API, the feeds and the status
	// page then require (calendar apps pass it as ?token=). Roster data is
	// served only with it.
	TokenFile string `toml:"token_file"`
	Token     string `toml:"-"` // read from TokenFile by Load
}

// BindAddr is the address the daemon listens on: a bare port (":9180")
// binds loopback only, so nothing is exposed unless a host is named
// ("0.0.0.0:9180" in a container). "" when there is no listener.
func (h HTTP) BindAddr() string {
	if strings.HasPrefix(h.Listen, ":") {
		return "127.0.0.1" + h.Listen
	}
	return h.Listen
}

// Loopback reports whether the listener is reachable from this machine only.
func (h HTTP) Loopback() bool {
	host, _, err := net.SplitHostPort(h.BindAddr())
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Clients configures the client roster that draws are matched against.
type Clients struct {
	// Roster is a CSV file (id, label, program, streams, nocs, crs, eoi,
	// profile_created, owner); the daemon re-reads it when it changes.
	Roster string `toml:"roster"`
}

// Log configures log output.
type Log struct {
	Format string `toml:"format"` // text or json
	Level  string `toml:"level"`  // debug, info, warn, error
}

// Health configures when a source is reported unhealthy.
type Health struct {
	FailuresBeforeAlert int     `toml:"failures_before_alert"`
	MinAnnouncementRate float64 `toml:"min_announcement_ratio"`
}

// Delivery configures the outbox dispatcher.
type Delivery struct {
	MaxAttempts int      `toml:"max_attempts"`
	Wait        Duration `toml:"wait"` // how long `scrape --once` waits for deliveries before exiting
	// MaxPerChange caps the alerts one page change queues: above it each
	// target gets one summary and the ops routes one ops alert. 0: no cap.
	MaxPerChange int `toml:"max_per_change"`
}

// Source is one watched page.
type Source struct {
	Name string `toml:"name"`
	Kind string `toml:"kind"`
	URL  string `toml:"url"`
}

// Slack is one Slack target: an incoming webhook, or a bot token and channel.
type Slack struct {
	Name           string `toml:"name"`
	WebhookURL     string `toml:"webhook_url"`
	WebhookURLFile string `toml:"webhook_url_file"`
	Token          string `toml:"token"`
	TokenFile      string `toml:"token_file"`
	Channel        string `toml:"channel"`
	APIURL         string `toml:"api_url"`
}

// Email is one SMTP target with its recipients.
type Email struct {
	Name         string   `toml:"name"`
	SMTP         string   `toml:"smtp"`
	From         string   `toml:"from"`
	To           []string `toml:"to"`
	Username     string   `toml:"username"`
	Password     string   `toml:"password"`
	PasswordFile string   `toml:"password_file"`
	TLS          string   `toml:"tls"` // starttls (default), tls, none
	// CAFile is a PEM bundle to trust instead of the system roots, for
	// relays behind a private CA.
	CAFile string `toml:"ca_file"`
}

// Route decides which targets hear which events.
type Route struct {
	Name       string   `toml:"name"`
	Targets    []string `toml:"targets"`
	Kinds      []string `toml:"kinds"`
	Streams    []string `toml:"streams"`
	NOCs       []string `toml:"nocs"`
	Categories []string `toml:"categories"`
	Programs   []string `toml:"programs"`
	MinScore   *int     `toml:"min_score"`
	MaxScore   *int     `toml:"max_score"`
	// Clients = false keeps matched roster clients out of this route's
	// alerts, for targets outside the team. Default true.
	Clients *bool `toml:"clients"`
	// Deliver is "now" (default) or "digest": hold the route's alerts and
	// send them as one message per target at the Digest cron schedule.
	Deliver string `toml:"deliver"`
	Digest  string `toml:"digest"`
	// QuietHours ("21:00-07:30", the schedule's zone) holds the route's
	// news until the window ends; QuietFor adds "draw" and/or "ops".
	QuietHours string   `toml:"quiet_hours"`
	QuietFor   []string `toml:"quiet_for"`
}

// Duration is a time.Duration written as "30s" or "5m" in TOML.
type Duration struct{ time.Duration }

// UnmarshalText parses a Go duration string.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("%q is not a duration like \"30s\" or \"5m\"", b)
	}
	d.Duration = v
	return nil
}

// MarshalText writes the duration back as a string.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// Load reads path, or when path is "" then $DRAWWATCH_CONFIG, else
// ./drawwatch.toml; when none of those exists the defaults are used.
func Load(path string) (*Config, error) {
	explicit := path != ""
	if path == "" {
		path = os.Getenv("DRAWWATCH_CONFIG")
		explicit = path != ""
	}
	if path == "" {
		path = "drawwatch.toml"
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && !explicit {
		cfg := newConfig()
		cfg.applyDefaults(nil)
		return cfg, cfg.Validate()
	}
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	cfg, err := Parse(data, os.Getenv)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	cfg.File = path
	cfg.resolveRelative(filepath.Dir(path))
	if err := cfg.readSecretFiles(); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return cfg, nil
}

// Parse decodes and validates a config document. getenv resolves ${VAR}.
// Secret *_file paths are not read here (see Load).
func Parse(data []byte, getenv func(string) string) (*Config, error) {
	cfg := newConfig()
	md, err := toml.Decode(string(data), &cfg)
	if err != nil {
		var perr toml.ParseError
		if errors.As(err, &perr) {
			return nil, fmt.Errorf("line %d: %s", perr.Position.Line, perr.Message)
		}
		return nil, err
	}
	if undecoded := md.Undecoded(); len(undecoded) > 0 {
		var msgs []string
		for _, k := range undecoded {
			msgs = append(msgs, fmt.Sprintf("line %d: unknown key %q", lineOf(data, k), k.String()))
		}
		return nil, fmt.Errorf("%s (see config.example.toml for the keys drawwatch reads)", strings.Join(msgs, "; "))
	}
	if err := cfg.expandEnv(getenv); err != nil {
		return nil, err
	}
	cfg.applyDefaults(&md)
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// lineOf finds the line that sets the last part of key, after the line of
// its table header when there is one. BurntSushi/toml reports unknown keys
// without positions, and a line number is what lets a user fix the file.
func lineOf(data []byte, key toml.Key) int {
	lines := bytes.Split(data, []byte("\n"))
	start := 0
	if len(key) > 1 {
		header := regexp.MustCompile(`^\s*\[\[?\s*` + regexp.QuoteMeta(strings.Join(key[:len(key)-1], ".")) + `\s*\]\]?`)
		for i, l := range lines {
			if header.Match(l) {
				start = i
			}
		}
	}
	name := key[len(key)-1]
	assign := regexp.MustCompile(`^\s*"?` + regexp.QuoteMeta(name) + `"?\s*=`)
	tableHdr := regexp.MustCompile(`^\s*\[\[?\s*([^\]]*\.)?` + regexp.QuoteMeta(name) + `\s*\]\]?`)
	for i := start; i < len(lines); i++ {
		if assign.Match(lines[i]) || tableHdr.Match(lines[i]) {
			return i + 1
		}
	}
	for i, l := range lines { // key given in another form (dotted, inline table)
		if bytes.Contains(l, []byte(name)) {
			return i + 1
		}
	}
	return 0
}

var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// expandEnv replaces ${VAR} in every string value. A reference to an unset
// variable is an error naming the key and the variable, never the value.
func (c *Config) expandEnv(getenv func(string) string) error {
	var errs []error
	expand := func(key string, s *string) {
		*s = envRef.ReplaceAllStringFunc(*s, func(ref string) string {
			name := envRef.FindStringSubmatch(ref)[1]
			v := getenv(name)
			if v == "" {
				errs = append(errs, fmt.Errorf("%s: environment variable %s is not set (export it or remove the reference)", key, name))
			}
			return v
		})
	}
	for _, f := range c.stringFields() {
		expand(f.key, f.ptr)
	}
	return errors.Join(errs...)
}

type stringField struct {
	key string
	ptr *string
}

// stringFields lists every string value with its config key, for env
// expansion and relative-path resolution in one place.
func (c *Config) stringFields() []stringField {
	f := []stringField{
		{"store.path", &c.Store.Path},
		{"store.url", &c.Store.URL},
		{"store.password_file", &c.Store.PasswordFile},
		{"fetch.user_agent", &c.Fetch.UserAgent},
		{"schedule.cron", &c.Schedule.Cron},
		{"http.listen", &c.HTTP.Listen},
		{"http.token_file", &c.HTTP.TokenFile},
		{"clients.roster", &c.Clients.Roster},
		{"log.format", &c.Log.Format},
		{"log.level", &c.Log.Level},
	}
	for i := range c.Sources {
		s := &c.Sources[i]
		p := fmt.Sprintf("source[%d].", i)
		f = append(f, stringField{p + "name", &s.Name}, stringField{p + "kind", &s.Kind}, stringField{p + "url", &s.URL})
	}
	for i := range c.Slack {
		s := &c.Slack[i]
		p := fmt.Sprintf("slack[%d].", i)
		f = append(f, stringField{p + "name", &s.Name}, stringField{p + "webhook_url", &s.WebhookURL},
			stringField{p + "webhook_url_file", &s.WebhookURLFile}, stringField{p + "token", &s.Token},
			stringField{p + "token_file", &s.TokenFile}, stringField{p + "channel", &s.Channel},
			stringField{p + "api_url", &s.APIURL})
	}
	for i := range c.Email {
		e := &c.Email[i]
		p := fmt.Sprintf("email[%d].", i)
		f = append(f, stringField{p + "name", &e.Name}, stringField{p + "smtp", &e.SMTP},
			stringField{p + "from", &e.From}, stringField{p + "username", &e.Username},
			stringField{p + "password", &e.Password}, stringField{p + "password_file", &e.PasswordFile},
			stringField{p + "tls", &e.TLS}, stringField{p + "ca_file", &e.CAFile})
		for j := range e.To {
			f = append(f, stringField{fmt.Sprintf("%sto[%d]", p, j), &e.To[j]})
		}
	}
	return append(f, c.channelStringFields()...)
}

// newConfig holds the defaults that zero could not mark as unset
// (backlog_days = 0 is a real choice: alert nothing on a first run).
func newConfig() *Config {
	return &Config{Store: Store{BacklogDays: 7}}
}

// applyDefaults fills every key the file leaves out. A key the file sets
// keeps its value, zero included: `jitter = "0s"` means no jitter and
// `retries = 0` one attempt. md is nil when there is no file.
func (c *Config) applyDefaults(md *toml.MetaData) {
	absent := func(key ...string) bool { return md == nil || !md.IsDefined(key...) }
	setDefault := func(v *Duration, def time.Duration, key ...string) {
		if absent(key...) {
			v.Duration = def
		}
	}
	if c.Store.Path == "" {
		c.Store.Path = "drawwatch.db"
	}
	setDefault(&c.Store.LeaseTTL, 15*time.Second, "store", "lease_ttl")
	setDefault(&c.Fetch.Delay, 2*time.Second, "fetch", "delay")
	setDefault(&c.Fetch.Timeout, 30*time.Second, "fetch", "timeout")
	setDefault(&c.Fetch.RetryBase, time.Second, "fetch", "retry_base")
	if absent("fetch", "max_body_bytes") {
		c.Fetch.MaxBodyBytes = 10 << 20
	}
	if absent("fetch", "retries") {
		c.Fetch.Retries = 3
	}
	if c.Fetch.RespectRobots == nil {
		c.Fetch.RespectRobots = ptr(true)
	}
	if c.Schedule.Cron == "" {
		c.Schedule.Cron = DefaultCron
	}
	if c.Schedule.RunAtStart == nil {
		c.Schedule.RunAtStart = ptr(true)
	}
	setDefault(&c.Schedule.Jitter, 5*time.Second, "schedule", "jitter")
	setDefault(&c.Schedule.Grace, 20*time.Second, "schedule", "grace")
	setDefault(&c.HTTP.ReadyMaxAge, 6*time.Hour, "http", "ready_max_age")
	if c.Log.Format == "" {
		c.Log.Format = "text"
	}
	if c.Log.Level == "" {
		c.Log.Level = "info"
	}
	if absent("health", "failures_before_alert") {
		c.Health.FailuresBeforeAlert = 3
	}
	if absent("health", "min_announcement_ratio") {
		c.Health.MinAnnouncementRate = 0.5
	}
	if absent("delivery", "max_attempts") {
		c.Delivery.MaxAttempts = 12
	}
	if absent("delivery", "max_per_change") {
		c.Delivery.MaxPerChange = 50
	}
	setDefault(&c.Delivery.Wait, 30*time.Second, "delivery", "wait")
	if len(c.Sources) == 0 {
		c.Sources = []Source{
			{Name: "updates", Kind: SourceUpdates, URL: DefaultUpdatesURL},
			{Name: "noi", Kind: SourceNOI, URL: DefaultNOIURL},
			{Name: "ita", Kind: SourceITA, URL: DefaultITAURL},
			{Name: "ee-rounds", Kind: SourceEERounds, URL: DefaultEERoundsURL},
		}
	}
	for i := range c.Sources {
		if c.Sources[i].Name == "" {
			c.Sources[i].Name = c.Sources[i].Kind
			if i > 0 {
				c.Sources[i].Name = fmt.Sprintf("%s-%d", c.Sources[i].Kind, i+1)
			}
		}
	}
	for i := range c.Email {
		if c.Email[i].TLS == "" {
			c.Email[i].TLS = "starttls"
		}
	}
}

// resolveRelative makes file paths relative to the config file's folder,
// so a daemon started from another directory finds the same files.
func (c *Config) resolveRelative(dir string) {
	rel := func(p *string) {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
	rel(&c.Store.Path)
	rel(&c.Store.PasswordFile)
	rel(&c.HTTP.TokenFile)
	rel(&c.Clients.Roster)
	for i := range c.Slack {
		rel(&c.Slack[i].WebhookURLFile)
		rel(&c.Slack[i].TokenFile)
	}
	for i := range c.Email {
		rel(&c.Email[i].PasswordFile)
		rel(&c.Email[i].CAFile)
	}
	for _, p := range c.channelFilePaths() {
		rel(p)
	}
}

// readSecretFiles reads *_file secrets. The error names the key and path,
// never the file's content.
func (c *Config) readSecretFiles() error {
	read := func(key, path string, dst *string) error {
		if path == "" {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		*dst = strings.TrimSpace(string(b))
		return nil
	}
	for i := range c.Slack {
		s := &c.Slack[i]
		if err := read(fmt.Sprintf("slack[%d].webhook_url_file", i), s.WebhookURLFile, &s.WebhookURL); err != nil {
			return err
		}
		if err := read(fmt.Sprintf("slack[%d].token_file", i), s.TokenFile, &s.Token); err != nil {
			return err
		}
	}
	for i := range c.Email {
		e := &c.Email[i]
		if err := read(fmt.Sprintf("email[%d].password_file", i), e.PasswordFile, &e.Password); err != nil {
			return err
		}
	}
	if err := c.readChannelSecrets(read); err != nil {
		return err
	}
	if err := read("store.password_file", c.Store.PasswordFile, &c.Store.Password); err != nil {
		return err
	}
	if err := read("http.token_file", c.HTTP.TokenFile, &c.HTTP.Token); err != nil {
		return err
	}
	if c.HTTP.TokenFile != "" && len(c.HTTP.Token) < minTokenLen {
		return fmt.Errorf("http.token_file: the token must be at least %d characters (e.g. `openssl rand -hex 32`)", minTokenLen)
	}
	return nil
}

// minTokenLen keeps guessable tokens out: the token guards roster data.
const minTokenLen = 16

// Validate checks every section and returns all problems at once.
func (c *Config) Validate() error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	c.validateStore(bad)
	c.validateFetch(bad)
	c.validateRuntime(bad)
	c.validateSources(bad)

	targets := map[string]string{}
	addTarget := func(key, name string) {
		if name == "" {
			bad("%s.name: required (routes refer to targets by name)", key)
			return
		}
		if prev, dup := targets[name]; dup {
			bad("%s.name: %q is also the name of %s", key, name, prev)
		}
		targets[name] = key
	}
	c.validateSlack(addTarget, bad)
	c.validateEmail(addTarget, bad)
	c.validateChannels(addTarget, bad)
	c.validateRoutes(targets, bad)
	if len(c.Routes) == 0 && len(targets) > 0 {
		bad("route: targets are configured but no [[route]] sends them anything")
	}
	return errors.Join(errs...)
}

// complain records one validation error; each section's check reports
// through it so that every problem is listed at once.
type complain = func(format string, a ...any)

func (c *Config) validateStore(bad complain) {
	if c.Store.BacklogDays < 0 {
		bad("store.backlog_days: must be 0 or more, got %d", c.Store.BacklogDays)
	}
	if u := c.Store.URL; u != "" && !strings.HasPrefix(u, "postgres://") && !strings.HasPrefix(u, "postgresql://") {
		bad("store.url: must be a PostgreSQL URL (postgres://user@host:5432/drawwatch?sslmode=verify-full); leave it out for SQLite at store.path")
	}
	if c.Store.PasswordFile != "" && c.Store.URL == "" {
		bad("store.password_file: only used with store.url (PostgreSQL)")
	}
	if c.Store.LeaseTTL.Duration < time.Second {
		bad("store.lease_ttl: must be at least 1s (heartbeats go every quarter of it), got %s", c.Store.LeaseTTL.Duration)
	}
}

func (c *Config) validateFetch(bad complain) {
	if c.Fetch.Retries < 0 || c.Fetch.Retries > 10 {
		bad("fetch.retries: must be between 0 and 10, got %d", c.Fetch.Retries)
	}
	if c.Fetch.MaxBodyBytes <= 0 {
		bad("fetch.max_body_bytes: must be positive, got %d", c.Fetch.MaxBodyBytes)
	}
	if c.Fetch.Timeout.Duration <= 0 {
		bad("fetch.timeout: must be positive (a request needs time to answer), got %s", c.Fetch.Timeout)
	}
	if c.Fetch.RetryBase.Duration <= 0 && c.Fetch.Retries > 0 {
		bad("fetch.retry_base: must be positive when fetch.retries is above 0, got %s", c.Fetch.RetryBase)
	}
}

// validateRuntime checks the schedule, health, delivery, HTTP and log keys.
func (c *Config) validateRuntime(bad complain) {
	for _, d := range []struct {
		key string
		v   Duration
	}{{"fetch.delay", c.Fetch.Delay}, {"schedule.jitter", c.Schedule.Jitter}, {"schedule.grace", c.Schedule.Grace},
		{"http.ready_max_age", c.HTTP.ReadyMaxAge}, {"delivery.wait", c.Delivery.Wait}} {
		if d.v.Duration < 0 {
			bad("%s: must be 0 or more, got %s", d.key, d.v)
		}
	}
	if c.Health.FailuresBeforeAlert < 1 {
		bad("health.failures_before_alert: must be 1 or more, got %d", c.Health.FailuresBeforeAlert)
	}
	if c.Delivery.MaxAttempts < 0 {
		bad("delivery.max_attempts: must be 0 (never give up) or more, got %d", c.Delivery.MaxAttempts)
	}
	if c.Delivery.MaxPerChange < 0 {
		bad("delivery.max_per_change: must be 0 (no cap) or more, got %d", c.Delivery.MaxPerChange)
	}
	if _, err := ParseCron(c.Schedule.Cron); err != nil {
		bad("schedule.cron: %v", err)
	}
	if err := CheckListen(c.HTTP.Listen); err != nil {
		bad("http.listen: %v", err)
	}
	if c.Log.Format != "text" && c.Log.Format != "json" {
		bad("log.format: %q is not one of text, json", c.Log.Format)
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		bad("log.level: %q is not one of debug, info, warn, error", c.Log.Level)
	}
	if c.Health.MinAnnouncementRate < 0 || c.Health.MinAnnouncementRate > 1 {
		bad("health.min_announcement_ratio: must be between 0 and 1, got %v", c.Health.MinAnnouncementRate)
	}
}

func (c *Config) validateSources(bad complain) {
	names := map[string]string{}
	for i, s := range c.Sources {
		key := fmt.Sprintf("source[%d]", i)
		switch s.Kind {
		case SourceUpdates, SourceNOI, SourceITA, SourceEERounds:
		default:
			bad("%s.kind: %q is not one of %s, %s, %s, %s", key, s.Kind, SourceUpdates, SourceNOI, SourceITA, SourceEERounds)
		}
		if err := checkSourceURL(s.URL); err != nil {
			bad("%s.url: %v", key, err)
		}
		if prev, dup := names["source:"+s.Name]; dup {
			bad("%s.name: %q is also the name of %s", key, s.Name, prev)
		}
		names["source:"+s.Name] = key
	}
}

func (c *Config) validateSlack(addTarget func(key, name string), bad complain) {
	for i, s := range c.Slack {
		key := fmt.Sprintf("slack[%d]", i)
		addTarget(key, s.Name)
		hasHook, hasToken := s.WebhookURL != "" || s.WebhookURLFile != "", s.Token != "" || s.TokenFile != ""
		switch {
		case hasHook && hasToken:
			bad("%s: set webhook_url or token+channel, not both", key)
		case !hasHook && !hasToken:
			bad("%s: set webhook_url (incoming webhook) or token and channel (bot)", key)
		case hasToken && s.Channel == "":
			bad("%s.channel: required with token", key)
		}
		if s.WebhookURL != "" {
			if u, err := url.Parse(s.WebhookURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				bad("%s.webhook_url: not an http(s) URL (value hidden)", key)
			}
		}
	}
}

func (c *Config) validateEmail(addTarget func(key, name string), bad complain) {
	for i, e := range c.Email {
		key := fmt.Sprintf("email[%d]", i)
		addTarget(key, e.Name)
		if _, port, err := splitHostPort(e.SMTP); err != nil || port == "" {
			bad("%s.smtp: %q must be host:port", key, e.SMTP)
		}
		if _, err := mail.ParseAddress(e.From); err != nil {
			bad("%s.from: %q is not an email address", key, e.From)
		}
		if len(e.To) == 0 {
			bad("%s.to: at least one recipient is required", key)
		}
		for j, to := range e.To {
			if _, err := mail.ParseAddress(to); err != nil {
				bad("%s.to[%d]: %q is not an email address", key, j, to)
			}
		}
		switch e.TLS {
		case "starttls", "tls", "none":
		default:
			bad("%s.tls: %q is not one of starttls, tls, none", key, e.TLS)
		}
		if (e.Username == "") != (e.Password == "" && e.PasswordFile == "") {
			bad("%s: username and password go together", key)
		}
	}
}

func (c *Config) validateRoutes(targets map[string]string, bad complain) {
	for i, r := range c.Routes {
		key := fmt.Sprintf("route[%d]", i)
		if len(r.Targets) == 0 {
			bad("%s.targets: at least one target is required", key)
		}
		for _, t := range r.Targets {
			if _, ok := targets[t]; !ok {
				bad("%s.targets: no target ([[slack]], [[email]], [[webhook]], [[teams]], [[telegram]], [[discord]]) is named %q", key, t)
			}
		}
		for _, k := range r.Kinds {
			switch k {
			case "draw", "news", "ops":
			default:
				bad("%s.kinds: %q is not one of draw, news, ops", key, k)
			}
		}
		for _, s := range r.Streams {
			if !knownStreams[s] {
				bad("%s.streams: %q is not a stream slug (%s)", key, s, strings.Join(StreamSlugs, ", "))
			}
		}
		for _, n := range r.NOCs {
			if !nocPattern.MatchString(n) {
				bad("%s.nocs: %q must be a NOC code or a prefix ending in * (e.g. \"31*\")", key, n)
			}
		}
		if r.MinScore != nil && r.MaxScore != nil && *r.MinScore > *r.MaxScore {
			bad("%s: min_score %d is above max_score %d", key, *r.MinScore, *r.MaxScore)
		}
		for _, msg := range checkRoutePrograms(r) {
			bad("%s.%s", key, msg)
		}
		for _, msg := range checkRouteHold(r) {
			bad("%s.%s", key, msg)
		}
	}
}

// StreamSlugs lists the stream slugs routes may name.
var StreamSlugs = drawwatch.StreamSlugs()

var knownStreams = func() map[string]bool {
	m := map[string]bool{}
	for _, s := range StreamSlugs {
		m[s] = true
	}
	return m
}()

var nocPattern = regexp.MustCompile(`^[0-9]{1,5}\*?$`)

func checkSourceURL(raw string) error {
	u, err := url.Parse(strings.ReplaceAll(raw, "{year}", "2024"))
	if err != nil {
		return err
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q must be an http:// or https:// URL", raw)
	}
	return nil
}

func splitHostPort(addr string) (host, port string, err error) {
	i := strings.LastIndex(addr, ":")
	if i <= 0 {
		return "", "", fmt.Errorf("missing port")
	}
	return addr[:i], addr[i+1:], nil
}

// ParseCron parses a schedule the way the daemon does: five fields or six
// with seconds, an optional CRON_TZ= prefix, or descriptors like "@every 30s".
// robfig/cron panics on some inputs ("CRON_TZ=America/Toronto" alone), so
// the panic is turned into an error.
func ParseCron(spec string) (s cron.Schedule, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%q is not a cron spec: %v", spec, r)
		}
	}()
	p := cron.NewParser(cron.SecondOptional | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
	s, err = p.Parse(spec)
	if err != nil {
		return nil, fmt.Errorf("%q is not a cron spec: %w", spec, err)
	}
	return s, nil
}

// ScheduleZone is the time zone the schedule runs in: its CRON_TZ= (or
// TZ=) prefix, else the machine's local zone. Alerts and the status page
// show times in it, so every time a user reads is in one zone.
func ScheduleZone(spec string) *time.Location {
	if s, err := ParseCron(spec); err == nil {
		if ss, ok := s.(*cron.SpecSchedule); ok && ss.Location != nil {
			return ss.Location
		}
	}
	return time.Local
}

// URLs expands a source's {year} template: the current year, and during
// January also the previous year, whose page carries late-December draws.
func (s Source) URLs(now time.Time) []string {
	if !strings.Contains(s.URL, "{year}") {
		return []string{s.URL}
	}
	year := now.Year()
	urls := []string{strings.ReplaceAll(s.URL, "{year}", fmt.Sprint(year))}
	if now.Month() == time.January {
		urls = append(urls, strings.ReplaceAll(s.URL, "{year}", fmt.Sprint(year-1)))
	}
	return urls
}

// Targets lists every configured target name.
func (c *Config) Targets() []string {
	var names []string
	for _, s := range c.Slack {
		names = append(names, s.Name)
	}
	for _, e := range c.Email {
		names = append(names, e.Name)
	}
	return append(names, c.channelTargets()...)
}

func ptr[T any](v T) *T { return &v }

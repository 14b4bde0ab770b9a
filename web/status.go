package web

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/store"
)

//go:embed templates/status.html
var templateFS embed.FS

var statusTemplate = template.Must(template.New("status.html").Funcs(template.FuncMap{
	"f1":  func(v float64) string { return fmt.Sprintf("%.1f", v) },
	"add": func(a, b float64) float64 { return a + b },
}).ParseFS(templateFS, "templates/status.html"))

// Limits of the status page: the table shows recent draws only, the charts
// read a stream's whole history (a few hundred draws since 2015).
const (
	tableLimit = 50
	chartLimit = 5000
)

func streamName(s drawwatch.Stream) string {
	return s.Label()
}

var (
	// NOC filter: a code ("31301") or a prefix ending in "*" ("31*"), as
	// the store takes them.
	nocFilterRE    = regexp.MustCompile(`^[0-9]{1,5}\*?$`)
	streamFilterRE = regexp.MustCompile(`^[a-z0-9-]{1,64}$`)
)

type statusPage struct {
	Generated   string
	Zone        string // the zone every time on the page is shown in
	LastRun     string
	Counts      string
	Pending     int
	Dead        []deadRow
	Held        []heldRow // held for a digest or quiet hours (held.go)
	Replicas    []replicaRow
	Ready       bool
	ReadyReason string
	Sources     []sourceRow
	Streams     []streamOption
	Stream      string
	NOC         string
	FilterError string
	FilterField string // "stream" or "noc": the input FilterError is about
	Filtered    bool
	Draws       []drawRow
	TableLimit  int
	Charts      []chart
	EE          eeSection // Express Entry rounds, apart from the OINP draws
	Problems    []string  // store reads that failed; the page still renders
}

type streamOption struct {
	Value, Label string
	Selected     bool
}

type sourceRow struct {
	Name, Kind, URL string
	Health          string // "ok", "failing", "unknown"
	HealthText      string
	LastOK          when
	LastChecked     when
	Fetched         bool
	Outcome         string
	Status          string
	At              when
	Bytes           string
	Duration        string
	Error           string
}

// deadRow is one alert given up on, with what re-queues it.
type deadRow struct {
	ID       int64
	Target   string
	Subject  string
	Created  when
	Attempts int
	Error    string
	Retry    string // the command that re-queues it
}

// deadRows lists dead alerts newest first: the latest failure is the one
// being looked into.
func (s *Server) deadRows(alerts []drawwatch.Alert, now time.Time) []deadRow {
	rows := make([]deadRow, 0, len(alerts))
	for i := len(alerts) - 1; i >= 0; i-- {
		a := alerts[i]
		subject := string(a.Event.Type)
		switch {
		case a.Event.Announcement != nil:
			subject += ": " + a.Event.Announcement.Title
		case a.Event.Target != "":
			subject += ": alerts to " + a.Event.Target
		case a.Event.Source != "":
			subject += ": source " + a.Event.Source
		}
		rows = append(rows, deadRow{ID: a.ID, Target: a.Target, Subject: subject, Created: s.fmtAgo(now, a.CreatedAt),
			Attempts: a.Attempts, Error: a.LastError, Retry: fmt.Sprintf("drawwatch outbox retry %d", a.ID)})
	}
	return rows
}

type drawRow struct {
	Date, Stream, StreamSlug, Category string
	ScoreKind, Band                    string
	Invitations                        string
	Invitation                         string
	NOCs                               int
	NOCTitles                          string
	URL                                string
	Title                              string
	Removed                            bool
	// Unparsed quotes what of the announcement the parser could not read.
	Unparsed string
}

func (s *Server) status(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), dataTimeout)
	defer cancel()
	page, code := s.buildStatus(ctx, r)
	var buf bytes.Buffer
	if err := statusTemplate.Execute(&buf, page); err != nil {
		slog.ErrorContext(ctx, "render status page", "err", err)
		http.Error(w, "render status page failed; see the daemon log", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_, _ = w.Write(buf.Bytes())
}

// buildStatus gathers the page. A failing store read is shown on the page
// (and logged) instead of failing the whole page: the status page is most
// needed when something is wrong.
func (s *Server) buildStatus(ctx context.Context, r *http.Request) (statusPage, int) {
	now := s.opts.Now()
	code := http.StatusOK
	p := statusPage{Generated: s.fmtTime(now), Zone: zoneName(s.loc), TableLimit: tableLimit}
	problem := func(what string, err error) {
		slog.WarnContext(ctx, "status page: "+what, "err", err)
		p.Problems = append(p.Problems, what+": "+err.Error())
	}
	p.Ready, p.ReadyReason = s.ready(ctx)
	p.LastRun = "never"
	if s.opts.LastRun != nil {
		if t, ok := s.opts.LastRun(); ok {
			p.LastRun = s.fmtTime(t) + " (" + ago(now, t) + ")"
		}
	}

	q := r.URL.Query()
	p.Stream = strings.TrimSpace(q.Get("stream"))
	p.NOC = strings.TrimSpace(q.Get("noc"))
	p.FilterField, p.FilterError = checkFilters(p.Stream, p.NOC)
	if p.FilterError != "" {
		code = http.StatusBadRequest
	}
	p.Filtered = p.Stream != "" || p.NOC != ""
	p.Streams = append(p.Streams, streamOption{Value: "", Label: "All streams", Selected: p.Stream == ""})
	for _, st := range sortedStreams() {
		p.Streams = append(p.Streams, streamOption{Value: string(st), Label: streamName(st), Selected: string(st) == p.Stream})
	}

	if s.opts.Data == nil {
		p.Problems = append(p.Problems, "no store configured")
		return p, code
	}
	if a, d, err := s.opts.Data.Counts(ctx); err != nil {
		problem("count announcements and draws", err)
	} else {
		p.Counts = fmt.Sprintf("%d announcements, %d draws", a, d)
	}
	if n, err := s.opts.Data.PendingCount(ctx); err != nil {
		problem("count pending alerts", err)
	} else {
		p.Pending = n
	}
	if dead, err := s.opts.Data.Alerts(ctx, drawwatch.AlertDead); err != nil {
		problem("list dead alerts", err)
	} else {
		p.Dead = s.deadRows(dead, now)
	}
	if pending, err := s.opts.Data.Alerts(ctx, drawwatch.AlertPending); err != nil {
		problem("list held alerts", err)
	} else {
		p.Held = s.heldRows(pending, now)
	}
	p.Sources = s.sourceRows(ctx, now, problem)
	p.Replicas = s.replicaRows(ctx, now, problem)

	if p.FilterError == "" {
		draws, err := s.opts.Data.Draws(ctx, store.DrawFilter{Program: drawwatch.ProgramOINP, Stream: p.Stream, NOC: p.NOC, Kind: drawwatch.KindDraw, Limit: tableLimit})
		if err != nil {
			problem("read latest draws", err)
		}
		p.Draws = drawRows(draws)
		// The charts follow the stream filter only: a NOC filter would cut
		// a band's history into the few draws naming that code.
		all, err := s.opts.Data.Draws(ctx, store.DrawFilter{Program: drawwatch.ProgramOINP, Stream: p.Stream, Kind: drawwatch.KindDraw, Limit: chartLimit})
		if err != nil {
			problem("read draws for charts", err)
		}
		plain := make([]drawwatch.Draw, len(all))
		for i, d := range all {
			plain[i] = d.Draw
		}
		p.Charts = buildCharts(plain, streamName)
	}
	p.EE = s.eeSection(ctx, problem)
	return p, code
}

// checkFilters says which filter is wrong and why, or returns "", "". An
// unknown stream is an error, not an empty table: "hpc" for "hcp" would
// otherwise read as "no draws".
func checkFilters(stream, noc string) (field, msg string) {
	switch {
	case stream != "" && !streamFilterRE.MatchString(stream):
		return "stream", "Stream must be one of the listed streams."
	case stream != "":
		if _, ok := drawwatch.LookupStream(drawwatch.Stream(stream)); !ok {
			return "stream", fmt.Sprintf("Unknown stream %q. Stream must be one of the listed streams: %s.",
				stream, strings.Join(drawwatch.StreamSlugs(), ", "))
		}
	}
	if noc != "" && !nocFilterRE.MatchString(noc) {
		return "noc", `NOC must be a code such as 31301, or a prefix ending in * such as 31*.`
	}
	return "", ""
}

func sortedStreams() []drawwatch.Stream {
	// the form offers every stream so a filter can be set before a
	// stream's first draw is stored
	out := make([]drawwatch.Stream, 0, len(drawwatch.Streams))
	for _, st := range drawwatch.Streams {
		out = append(out, st.Slug)
	}
	sort.Slice(out, func(i, j int) bool { return streamName(out[i]) < streamName(out[j]) })
	return out
}

// sourceRows lists configured sources first, in config order, then any
// source the store knows that is no longer configured.
func (s *Server) sourceRows(ctx context.Context, now time.Time, problem func(string, error)) []sourceRow {
	healths, err := s.opts.Data.SourceHealths(ctx)
	if err != nil {
		problem("read source health", err)
	}
	byName := map[string]store.SourceHealth{}
	for _, h := range healths {
		byName[h.Source] = h
	}
	infos := append([]SourceInfo(nil), s.opts.Sources...)
	known := map[string]bool{}
	for _, si := range infos {
		known[si.Name] = true
	}
	for _, h := range healths {
		if !known[h.Source] {
			infos = append(infos, SourceInfo{Name: h.Source})
		}
	}
	rows := make([]sourceRow, 0, len(infos))
	for _, si := range infos {
		row := sourceRow{Name: si.Name, Kind: si.Kind, URL: si.URL, Health: "unknown", HealthText: "not checked yet"}
		if h, ok := byName[si.Name]; ok {
			row.LastOK = s.fmtAgo(now, h.LastOK)
			row.LastChecked = s.fmtAgo(now, h.LastChecked)
			row.Error = h.LastError
			if h.Healthy {
				row.Health, row.HealthText = "ok", "healthy"
			} else {
				row.Health = "failing"
				row.HealthText = fmt.Sprintf("failing (%d in a row)", h.ConsecutiveFailures)
			}
		}
		if si.URL != "" {
			f, ok, err := s.opts.Data.LastFetch(ctx, si.URL)
			if err != nil {
				problem("read last fetch of "+si.Name, err)
			}
			if ok {
				row.Fetched = true
				row.Outcome = f.Outcome
				if f.NotModified && row.Outcome == "" {
					row.Outcome = "not modified"
				}
				if f.Status != 0 {
					row.Status = fmt.Sprint(f.Status)
				} else {
					row.Status = "—"
				}
				row.At = s.fmtAgo(now, f.At)
				row.Bytes = humanBytes(f.Bytes)
				if f.Bytes == 0 && f.Err != "" {
					row.Bytes = "—"
				}
				row.Duration = f.Duration.Round(time.Millisecond).String()
				if f.Err != "" {
					row.Error = f.Err
				}
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// drawRows orders draws newest first whatever order the store returns.
func drawRows(draws []store.StoredDraw) []drawRow {
	sorted := append([]store.StoredDraw(nil), draws...)
	sort.SliceStable(sorted, func(i, j int) bool {
		a, b := sorted[i], sorted[j]
		if a.Date != b.Date {
			return a.Date > b.Date
		}
		if a.Stream != b.Stream {
			return a.Stream < b.Stream
		}
		return a.Category < b.Category
	})
	rows := make([]drawRow, 0, len(sorted))
	for _, d := range sorted {
		// Known streams get one name whatever wording the page used
		// ("Express Entry Human Capital Priorities stream"), so that rows
		// of one stream read alike across years.
		name := streamName(d.Stream)
		if _, known := drawwatch.LookupStream(d.Stream); !known && d.StreamName != "" {
			name = d.StreamName
		}
		row := drawRow{
			Date: d.Date, Stream: name, StreamSlug: string(d.Stream), Category: d.Category,
			ScoreKind: d.ScoreKind, Band: d.ScoreBand(), Invitation: d.Invitation,
			NOCs: len(d.NOCs), URL: d.SourceURL, Title: d.AnnouncementTitle, Removed: d.Removed,
			Unparsed: strings.Join(d.Unparsed, "\n"),
		}
		if row.Date == "" {
			row.Date = "—"
		}
		if d.Invitations != nil {
			row.Invitations = fmt.Sprint(*d.Invitations)
		}
		codes := make([]string, 0, len(d.NOCs))
		for _, n := range d.NOCs {
			codes = append(codes, n.Code+" "+n.Title)
		}
		row.NOCTitles = strings.Join(codes, "\n")
		rows = append(rows, row)
	}
	return rows
}

// zoneName names a zone for the page: its IANA name, since "EST" alone
// does not say whose clock it is.
func zoneName(loc *time.Location) string {
	if loc.String() == "Local" {
		return "the server's local time"
	}
	return loc.String()
}

func (s *Server) fmtTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(s.loc).Format("2006-01-02 15:04 MST")
}

// when is a timestamp shown with how long ago it was; zero when unknown.
type when struct{ Time, Ago string }

func (s *Server) fmtAgo(now, t time.Time) when {
	if t.IsZero() {
		return when{}
	}
	return when{Time: s.fmtTime(t), Ago: ago(now, t)}
}

// ago is a coarse relative time: the page is read at a glance.
func ago(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < 0:
		return "in the future"
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d/time.Hour))
	}
	return fmt.Sprintf("%d days ago", int(d/(24*time.Hour)))
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

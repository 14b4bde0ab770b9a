package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/store"
)

// API page sizes: a default that suits a page of results, and a cap that
// keeps one response small.
const (
	apiDefaultLimit = 100
	apiMaxLimit     = 1000
)

// feedRoutes adds the read-only API, the calendar and the Atom feed.
func (s *Server) feedRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/draws", s.apiDraws)
	mux.HandleFunc("GET /api/v1/announcements/{id}", s.apiAnnouncement)
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/v1/draws" || strings.HasPrefix(r.URL.Path, "/api/v1/announcements/") {
			w.Header().Set("Allow", "GET, HEAD")
			writeAPIError(w, http.StatusMethodNotAllowed, "the API is read-only: use GET")
			return
		}
		writeAPIError(w, http.StatusNotFound, "no such endpoint: the API serves GET /api/v1/draws and GET /api/v1/announcements/{id}")
	})
	mux.HandleFunc("GET /calendar.ics", s.calendar)
	mux.HandleFunc("GET /feed.atom", s.atom)
}

type apiError struct {
	Error apiErrorBody `json:"error"`
}

type apiErrorBody struct {
	Status  int    `json:"status"`
	Message string `json:"message"`
}

func writeAPIError(w http.ResponseWriter, status int, msg string) {
	writeAPIJSON(w, status, apiError{Error: apiErrorBody{Status: status, Message: msg}})
}

func writeAPIJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if w.Header().Get("Cache-Control") == "" {
		w.Header().Set("Cache-Control", "no-cache")
	}
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v) // the client went away; nothing to tell it
}

// drawsPage is the /api/v1/draws response: one page of draws as
// `drawwatch draws --json` prints them.
type drawsPage struct {
	Draws  []store.StoredDraw `json:"draws"`
	Total  int                `json:"total"`
	Offset int                `json:"offset"`
	Limit  int                `json:"limit"`
	Next   string             `json:"next,omitempty"` // the next page's path and query
}

var apiNOCRE = regexp.MustCompile(`^[0-9]{1,5}\*?$`)

// drawQuery reads the filters the CLI takes (stream, noc, since, program,
// kind) and the page (limit, offset). Unknown parameters are errors: a
// typo must not silently return everything.
func drawQuery(q url.Values) (f store.DrawFilter, limit, offset int, err error) {
	for k := range q {
		if !slices.Contains([]string{"stream", "noc", "since", "program", "kind", "limit", "offset", "token"}, k) {
			return f, 0, 0, fmt.Errorf("unknown parameter %q: use stream, noc, since, program, kind, limit, offset", k)
		}
	}
	f.Stream, f.NOC, f.Since, f.Program = q.Get("stream"), q.Get("noc"), q.Get("since"), strings.ToUpper(q.Get("program"))
	if _, known := drawwatch.LookupStream(drawwatch.Stream(f.Stream)); f.Stream != "" && !known {
		return f, 0, 0, fmt.Errorf("stream %q is not a stream slug (%s)", f.Stream, strings.Join(drawwatch.StreamSlugs(), ", "))
	}
	if f.NOC != "" && !apiNOCRE.MatchString(f.NOC) {
		return f, 0, 0, fmt.Errorf("noc %q: want a NOC code or a prefix ending in * (31301, 31*)", f.NOC)
	}
	if _, err := time.Parse(time.DateOnly, f.Since); f.Since != "" && err != nil {
		return f, 0, 0, fmt.Errorf("since %q: want a date like 2024-02-06", f.Since)
	}
	if f.Program != "" && drawwatch.ProgramName(f.Program) == f.Program {
		return f, 0, 0, fmt.Errorf("program %q is not OINP or EE", q.Get("program"))
	}
	switch k := q.Get("kind"); k {
	case "", "draw":
		f.Kind = drawwatch.KindDraw
	case "news":
		f.Kind = drawwatch.KindNews
	case "all":
	default:
		return f, 0, 0, fmt.Errorf("kind %q: want draw, news or all", k)
	}
	if limit, err = intParam(q, "limit", apiDefaultLimit, 1, apiMaxLimit); err != nil {
		return f, 0, 0, err
	}
	if offset, err = intParam(q, "offset", 0, 0, 1<<30); err != nil {
		return f, 0, 0, err
	}
	return f, limit, offset, nil
}

func intParam(q url.Values, name string, def, lo, hi int) (int, error) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("%s %q: want a whole number from %d to %d", name, v, lo, hi)
	}
	return n, nil
}

func (s *Server) apiDraws(w http.ResponseWriter, r *http.Request) {
	f, limit, offset, err := drawQuery(r.URL.Query())
	if err != nil {
		writeAPIError(w, http.StatusBadRequest, err.Error())
		return
	}
	draws, err := s.opts.Data.Draws(r.Context(), f)
	if err != nil {
		s.storeFailed(w, r, "list draws", err)
		return
	}
	page := drawsPage{Draws: []store.StoredDraw{}, Total: len(draws), Offset: offset, Limit: limit}
	if offset < len(draws) {
		page.Draws = draws[offset:min(offset+limit, len(draws))]
	}
	if offset+limit < len(draws) {
		q := r.URL.Query()
		q.Del("token") // never echo a secret into a link
		q.Set("offset", strconv.Itoa(offset+limit))
		q.Set("limit", strconv.Itoa(limit))
		page.Next = "/api/v1/draws?" + q.Encode()
	}
	writeAPIJSON(w, http.StatusOK, page)
}

// announcementDoc is /api/v1/announcements/{id}: the current version, its
// draws as `draws --json` shows them, and every version's changes.
type announcementDoc struct {
	Announcement drawwatch.Announcement `json:"announcement"`
	Draws        []store.StoredDraw     `json:"draws"`
	FirstSeen    time.Time              `json:"first_seen"`
	Updated      time.Time              `json:"updated"`
	Versions     []versionDoc           `json:"versions"`
}

type versionDoc struct {
	SeenAt time.Time               `json:"seen_at"`
	Hash   string                  `json:"hash"`
	Fields []drawwatch.FieldChange `json:"fields"`
}

func (s *Server) apiAnnouncement(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	hist, ok := s.opts.Data.(historyReader)
	if !ok {
		writeAPIError(w, http.StatusNotImplemented, "this store keeps no announcement history")
		return
	}
	versions, err := hist.History(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		writeAPIError(w, http.StatusNotFound, fmt.Sprintf("no announcement %q: ids are the announcement_id of /api/v1/draws", id))
		return
	}
	if err != nil {
		s.storeFailed(w, r, "read announcement", err)
		return
	}
	all, err := s.opts.Data.Draws(r.Context(), store.DrawFilter{IncludeRemoved: true})
	if err != nil {
		s.storeFailed(w, r, "list draws", err)
		return
	}
	last := versions[len(versions)-1]
	doc := announcementDoc{Announcement: last.Announcement, Draws: []store.StoredDraw{},
		FirstSeen: versions[0].SeenAt, Updated: last.SeenAt}
	for _, d := range all {
		if d.AnnouncementID == last.Announcement.ID {
			doc.Draws = append(doc.Draws, d)
		}
	}
	for _, v := range versions {
		doc.Versions = append(doc.Versions, versionDoc{SeenAt: v.SeenAt, Hash: v.Hash, Fields: orNoFields(v.Fields)})
	}
	writeAPIJSON(w, http.StatusOK, doc)
}

func orNoFields(f []drawwatch.FieldChange) []drawwatch.FieldChange {
	if f == nil {
		return []drawwatch.FieldChange{}
	}
	return f
}

// storeFailed answers a failed store read: the detail goes to the log,
// the client learns that the store did not answer.
func (s *Server) storeFailed(w http.ResponseWriter, r *http.Request, what string, err error) {
	slog.WarnContext(r.Context(), what, "path", r.URL.Path, "err", err)
	msg := "the store did not answer; try again (the daemon log has the detail)"
	if strings.HasPrefix(r.URL.Path, "/api/") {
		writeAPIError(w, http.StatusServiceUnavailable, msg)
		return
	}
	http.Error(w, msg, http.StatusServiceUnavailable)
}

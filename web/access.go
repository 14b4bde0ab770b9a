package web

import (
	"crypto/subtle"
	"log/slog"
	"net/http"
	"strings"
)

// protected reports whether path needs the bearer token when one is set:
// the status page, the API and the feeds. Probes and /metrics stay open
// for orchestrators and scrapers on the same network.
func protected(path string) bool {
	return path == "/" || path == "/calendar.ics" || path == "/feed.atom" || strings.HasPrefix(path, "/api/")
}

// requireToken lets a request to a protected path through only with the
// configured token, as "Authorization: Bearer TOKEN" or, for calendar and
// feed apps that cannot send headers, "?token=TOKEN".
func (s *Server) requireToken(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.opts.Token == "" || !protected(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		given := r.URL.Query().Get("token")
		if auth, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
			given = strings.TrimSpace(auth)
		}
		if subtle.ConstantTimeCompare([]byte(given), []byte(s.opts.Token)) == 1 {
			w.Header().Set("Cache-Control", "private, no-store")
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="drawwatch"`)
		msg := "a token is required: send Authorization: Bearer TOKEN, or add ?token=TOKEN to the feed URL ([http] token_file holds it)"
		if given != "" {
			msg = "the token does not match [http] token_file"
		}
		if strings.HasPrefix(r.URL.Path, "/api/") {
			writeAPIError(w, http.StatusUnauthorized, msg)
			return
		}
		http.Error(w, msg, http.StatusUnauthorized)
	})
}

// servesClientData reports whether roster data may be served: only behind
// a token, so a listener reachable by others never hands out client files.
func (s *Server) servesClientData() bool { return s.opts.Token != "" && s.opts.Roster != nil }

func slogWarn(r *http.Request, what string, err error) {
	slog.WarnContext(r.Context(), what, "path", r.URL.Path, "err", err)
}

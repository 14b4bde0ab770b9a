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

// tokenCookie keeps a browser signed in after it opened the status page
// with ?token=, so the page's filter form and links keep working.
const tokenCookie = "drawwatch_token"

// requireToken lets a request to a protected path through only with the
// configured token: "Authorization: Bearer TOKEN"; "?token=TOKEN" for
// calendar and feed apps that cannot send headers; or the cookie a browser
// got from a ?token= visit.
func (s *Server) requireToken(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.opts.Token == "" || !protected(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		given, fromQuery := r.URL.Query().Get("token"), true
		if auth, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
			given, fromQuery = strings.TrimSpace(auth), false
		} else if c, err := r.Cookie(tokenCookie); err == nil && given == "" {
			given, fromQuery = c.Value, false
		}
		if subtle.ConstantTimeCompare([]byte(given), []byte(s.opts.Token)) == 1 {
			w.Header().Set("Cache-Control", "private, no-store")
			if fromQuery && r.URL.Path == "/" {
				http.SetCookie(w, &http.Cookie{Name: tokenCookie, Value: given, Path: "/", MaxAge: 30 * 24 * 3600,
					HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode})
			}
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="drawwatch"`)
		msg := "a token is required: send Authorization: Bearer TOKEN, or add ?token=TOKEN to the URL ([http] token_file holds it)"
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

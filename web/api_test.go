package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/drawwatch/drawwatch/store"
)

type apiPage struct {
	Draws  []map[string]any `json:"draws"`
	Total  int              `json:"total"`
	Offset int              `json:"offset"`
	Limit  int              `json:"limit"`
	Next   string           `json:"next"`
}

func TestAPIDrawsFieldsMatchCLI(t *testing.T) {
	st := newTestStore(t)
	h := feedServer(st, "", nil)
	var page apiPage
	decodeJSON(t, getWith(t, h, "/api/v1/draws"), &page)

	// `drawwatch draws --json` encodes store.StoredDraw: the API must show
	// the very same objects.
	draws, err := st.Draws(context.Background(), store.DrawFilter{Kind: "draw"})
	if err != nil {
		t.Fatal(err)
	}
	cli, _ := json.Marshal(draws)
	var want []map[string]any
	if err := json.Unmarshal(cli, &want); err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(page.Draws)
	if string(got) != string(mustJSON(t, want)) {
		t.Errorf("API draws differ from draws --json:\n got %s\nwant %s", got, mustJSON(t, want))
	}
	if page.Total != 6 || len(page.Draws) != 6 || page.Next != "" {
		t.Errorf("total %d, %d draws, next %q", page.Total, len(page.Draws), page.Next)
	}
	for _, k := range []string{"announcement_id", "announcement_title", "kind", "first_seen", "stream", "score_min", "score_max", "nocs", "deadline", "source_url"} {
		if _, ok := page.Draws[0][k]; !ok {
			t.Errorf("draw lacks %q: %v", k, page.Draws[0])
		}
	}
	for k := range page.Draws[0] {
		if k != strings.ToLower(k) {
			t.Errorf("key %q is not snake_case", k)
		}
	}
}

func TestAPIDrawsFilters(t *testing.T) {
	h := feedServer(newTestStore(t), "", nil)
	count := func(query string) int {
		t.Helper()
		var page apiPage
		rec := getWith(t, h, "/api/v1/draws"+query)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", query, rec.Code, rec.Body)
		}
		decodeJSON(t, rec, &page)
		return page.Total
	}
	for query, want := range map[string]int{
		"":                           6,
		"?stream=hcp":                4,
		"?stream=ejo-foreign-worker": 2,
		"?noc=31301":                 2,
		"?noc=3*":                    3,
		"?since=2024-03-01":          3,
		"?program=OINP":              6,
		"?program=ee":                0,
		"?stream=hcp&noc=21231":      1,
		"?kind=news":                 0,
		"?kind=all":                  6,
	} {
		if got := count(query); got != want {
			t.Errorf("%s: %d draws, want %d", query, got, want)
		}
	}
}

func TestAPIDrawsPagination(t *testing.T) {
	h := feedServer(newTestStore(t), "", nil)
	var ids []string
	next := "/api/v1/draws?limit=4&stream=hcp"
	for pages := 0; next != ""; pages++ {
		if pages > 3 {
			t.Fatal("pagination does not end")
		}
		var page apiPage
		decodeJSON(t, getWith(t, h, next), &page)
		if page.Total != 4 && page.Total != 6 {
			t.Fatalf("total %d", page.Total)
		}
		for _, d := range page.Draws {
			ids = append(ids, d["announcement_id"].(string)+"/"+d["category"].(string))
		}
		next = page.Next
	}
	if len(ids) != 4 {
		t.Errorf("paged hcp draws: %v", ids)
	}
	var all []string
	next = "/api/v1/draws?limit=2"
	for next != "" {
		var page apiPage
		decodeJSON(t, getWith(t, h, next), &page)
		if len(page.Draws) > 2 || page.Limit != 2 {
			t.Fatalf("page of %d with limit %d", len(page.Draws), page.Limit)
		}
		for _, d := range page.Draws {
			all = append(all, d["date"].(string)+d["category"].(string))
		}
		if page.Next != "" && !strings.Contains(page.Next, "offset="+itoa(page.Offset+2)) {
			t.Errorf("next %q after offset %d", page.Next, page.Offset)
		}
		next = page.Next
	}
	if len(all) != 6 || all[0] < all[5] {
		t.Errorf("pages hold %v, want 6 draws newest first", all)
	}
	var past apiPage
	decodeJSON(t, getWith(t, h, "/api/v1/draws?offset=100"), &past)
	if len(past.Draws) != 0 || past.Draws == nil || past.Total != 6 {
		t.Errorf("past the end: %+v", past)
	}
}

func TestAPIErrorsAreJSON(t *testing.T) {
	h := feedServer(newTestStore(t), "", nil)
	for target, status := range map[string]int{
		"/api/v1/draws?stream=tech":        http.StatusBadRequest,
		"/api/v1/draws?noc=abc":            http.StatusBadRequest,
		"/api/v1/draws?since=yesterday":    http.StatusBadRequest,
		"/api/v1/draws?program=PNP":        http.StatusBadRequest,
		"/api/v1/draws?limit=0":            http.StatusBadRequest,
		"/api/v1/draws?limit=5000":         http.StatusBadRequest,
		"/api/v1/draws?offset=-1":          http.StatusBadRequest,
		"/api/v1/draws?streams=hcp":        http.StatusBadRequest,
		"/api/v1/draws?kind=every":         http.StatusBadRequest,
		"/api/v1/announcements/no-such-id": http.StatusNotFound,
		"/api/v2/draws":                    http.StatusNotFound,
	} {
		rec := getWith(t, h, target)
		var body struct {
			Error struct {
				Status  int    `json:"status"`
				Message string `json:"message"`
			} `json:"error"`
		}
		if rec.Code != status {
			t.Errorf("%s: status %d, want %d", target, rec.Code, status)
		}
		decodeJSON(t, rec, &body)
		if body.Error.Status != status || body.Error.Message == "" {
			t.Errorf("%s: error body %s", target, rec.Body)
		}
	}
}

func TestAPIIsReadOnly(t *testing.T) {
	h := feedServer(newTestStore(t), "", nil)
	for _, target := range []string{"/api/v1/draws", "/api/v1/announcements/march1-0"} {
		rec := get(t, h, http.MethodPost, target)
		if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "GET, HEAD" || !strings.Contains(rec.Body.String(), `"message"`) {
			t.Errorf("POST %s: %d %q %s", target, rec.Code, rec.Header().Get("Allow"), rec.Body)
		}
	}
	if rec := get(t, h, http.MethodHead, "/api/v1/draws"); rec.Code != http.StatusOK {
		t.Errorf("HEAD: %d", rec.Code)
	}
}

func TestAPIAnnouncement(t *testing.T) {
	st, correct := feedStore(t)
	correct()
	h := feedServer(st, "", nil)
	rec := getWith(t, h, "/api/v1/announcements/march5-0")
	if rec.Code != http.StatusOK {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	var doc struct {
		Announcement struct {
			ID    string `json:"id"`
			Title string `json:"title"`
			Draws []struct {
				Deadline string `json:"deadline"`
			} `json:"draws"`
		} `json:"announcement"`
		Draws []struct {
			AnnouncementID string `json:"announcement_id"`
			Deadline       string `json:"deadline"`
		} `json:"draws"`
		FirstSeen string `json:"first_seen"`
		Updated   string `json:"updated"`
		Versions  []struct {
			SeenAt string `json:"seen_at"`
			Fields []struct {
				Field string `json:"field"`
				Old   string `json:"old"`
				New   string `json:"new"`
			} `json:"fields"`
		} `json:"versions"`
	}
	decodeJSON(t, rec, &doc)
	if doc.Announcement.ID != "march5-0" || len(doc.Draws) != 1 || doc.Draws[0].Deadline != "2024-03-26" ||
		doc.Draws[0].AnnouncementID != "march5-0" || len(doc.Announcement.Draws) != 1 {
		t.Errorf("announcement = %+v", doc)
	}
	if len(doc.Versions) != 2 || doc.FirstSeen == doc.Updated || len(doc.Versions[1].Fields) == 0 {
		t.Fatalf("versions = %+v", doc.Versions)
	}
	found := false
	for _, f := range doc.Versions[1].Fields {
		found = found || strings.HasSuffix(f.Field, ".deadline") && f.Old == "2024-03-19" && f.New == "2024-03-26"
	}
	if !found {
		t.Errorf("correction fields = %+v", doc.Versions[1].Fields)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

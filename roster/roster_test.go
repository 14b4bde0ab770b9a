package roster

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/drawwatch/drawwatch"
)

var opts = Options{Targets: []string{"ana", "ben"}}

func ptr(n int) *int { return &n }

func parseFile(t *testing.T, name string) ([]drawwatch.Client, error) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return Parse(f, opts)
}

func TestParse(t *testing.T) {
	got, err := parseFile(t, "clients.csv")
	if err != nil {
		t.Fatal(err)
	}
	want := []drawwatch.Client{
		{ID: "A-102", Label: "Priya", Program: "OINP", Streams: []drawwatch.Stream{"hcp"}, NOCs: []string{"31301", "31102"},
			CRS: ptr(412), ProfileCreated: "2024-01-15", Owner: "ana"},
		{ID: "T-7", Label: "Marco", Streams: []drawwatch.Stream{"skilled-trades", "hcp"}, NOCs: []string{"72010"}, CRS: ptr(420)},
		{ID: "G-3", Program: "OINP", Streams: []drawwatch.Stream{"masters-graduate"}, EOI: ptr(61), ProfileCreated: "2024-02-01"},
		{ID: "E-9", Label: "Chen", Program: "EE", NOCs: []string{"21231"}, Owner: "ben"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("clients (-want +got):\n%s", diff)
	}
}

func TestParseSpreadsheetExport(t *testing.T) {
	got, err := parseFile(t, "bom-crlf.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != "B-1" || len(got[0].NOCs) != 1 || got[0].NOCs[0] != "31301" {
		t.Errorf("clients = %+v", got)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		file string // in testdata, or inline CSV when it holds a newline
		want []string
		// secrets must not appear: roster values never go into errors
		secret []string
	}{
		{name: "unknown column", file: "unknown-column.csv",
			want:   []string{"row 1, column 3 (email): unknown column; the roster's columns are id, label"},
			secret: []string{"priya@example.com", "Priya"}},
		{name: "bad cells", file: "bad-cells.csv", want: []string{
			"row 3, column 2 (nocs): not a list of 4- or 5-digit NOC codes",
			"row 3, column 3 (crs): not a whole number",
			"row 4, column 1 (id): required",
			"row 5, column 4 (profile_created): not a date like 2024-02-06",
			"row 5, column 5 (owner): no [[slack]] or [[email]] target has this name",
			"row 6, column 1 (id): the same id as row 2",
		}, secret: []string{"four hundred", "313,", "15/01/2024", "nobody"}},
		{name: "no id column", file: "label,nocs\nPriya,31301\n", want: []string{"row 1: no id column"}},
		{name: "column twice", file: "id,nocs,nocs\nA,1,2\n", want: []string{"row 1, column 3 (nocs): column named twice (also column 2)"}},
		{name: "short row", file: "id,nocs\nA\n", want: []string{"row 2: 1 fields, but the header names 2 columns"}},
		{name: "unknown stream", file: "id,streams\nA,hcp;tech\n", want: []string{"row 2, column 2 (streams): not a list of stream slugs"}, secret: []string{"tech"}},
		{name: "program", file: "id,program\nA,PNP\n", want: []string{"row 2, column 2 (program): not OINP, EE or empty"}},
		{name: "score out of range", file: "id,eoi\nA,-3\n", want: []string{"row 2, column 2 (eoi): not a whole number from 0 to 1200"}},
		{name: "bad quoting", file: "id,label\nA,\"Pri\"ya\n", want: []string{"line 2, column 7", "not valid CSV"}},
		{name: "empty file", file: "\n", want: []string{"row 1: empty file"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if strings.Contains(tt.file, "\n") {
				_, err = Parse(strings.NewReader(tt.file), opts)
			} else {
				_, err = parseFile(t, tt.file)
			}
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			for _, s := range tt.secret {
				if strings.Contains(err.Error(), s) {
					t.Errorf("error shows roster value %q:\n%v", s, err)
				}
			}
		})
	}
}

func TestFileReloadKeepsPreviousOnError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "clients.csv")
	write := func(s string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("id,nocs,crs\nA-1,31301,412\n")
	f, err := Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	if changed, err := f.Reload(); changed || err != nil {
		t.Errorf("unchanged file: changed=%v err=%v", changed, err)
	}

	write("id,nocs,crs\nA-1,31301,412\nA-2,72010,what\n")
	changed, err := f.Reload()
	if err == nil || changed || !strings.Contains(err.Error(), "row 3, column 3 (crs)") || !strings.Contains(err.Error(), path) {
		t.Fatalf("malformed reload: changed=%v err=%v", changed, err)
	}
	if ids := ids(f); ids != "A-1" {
		t.Errorf("after a malformed reload the roster is %q, want the previous A-1", ids)
	}

	write("id,nocs,crs\nA-1,31301,412\nA-2,72010,400\n")
	if changed, err := f.Reload(); !changed || err != nil {
		t.Fatalf("fixed file: changed=%v err=%v", changed, err)
	}
	if ids := ids(f); ids != "A-1 A-2" {
		t.Errorf("roster = %q after the fix", ids)
	}
}

func TestOpenRefusesMalformed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "clients.csv")
	if err := os.WriteFile(path, []byte("id,nocs,phone\nA-1,31301,555-0100\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(path, opts)
	if err == nil || !strings.Contains(err.Error(), "row 1, column 3 (phone): unknown column") || strings.Contains(err.Error(), "555-0100") {
		t.Fatalf("err = %v", err)
	}
	if _, err := Open(filepath.Join(t.TempDir(), "missing.csv"), opts); err == nil {
		t.Error("a missing roster opened")
	}
}

func ids(f *File) string {
	var out []string
	for _, c := range f.Current().Clients() {
		out = append(out, c.ID)
	}
	return strings.Join(out, " ")
}

// syncBuffer is a log sink the watcher goroutine and the test share.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestWatchLogsWithoutRosterContent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "clients.csv")
	write := func(s string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("id,label,nocs,crs\nA-1,Priya Sharma,31301,412\n")
	f, err := Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	ticks := make(chan time.Time)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); f.WatchTicks(ctx, ticks, slog.New(slog.NewTextHandler(&logs, nil))) }()
	tick := func() { ticks <- time.Now(); ticks <- time.Now() } // the second send waits for the first reload

	write("id,label,nocs,crs\nA-1,Priya Sharma,31301,412\nB-2,Omar Haddad,3130x,399\n")
	tick()
	if ids := ids(f); ids != "A-1" {
		t.Errorf("after a malformed edit the roster is %q, want the previous A-1", ids)
	}
	write("id,label,nocs,crs\nA-1,Priya Sharma,31301,412\nB-2,Omar Haddad,31302,399\n")
	tick()
	cancel()
	<-done
	if ids := ids(f); ids != "A-1 B-2" {
		t.Errorf("after the fix the roster is %q", ids)
	}
	out := logs.String()
	for _, want := range []string{"previous roster stays in use", "row 3, column 3 (nocs)", "client roster reloaded", "clients=2"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	// The roster's path (a temp dir with random digits) may be logged;
	// its content may not.
	out = strings.ReplaceAll(out, path, "ROSTER")
	for _, secret := range []string{"Priya", "Omar", "3130x", "31302", "399", "412"} {
		if strings.Contains(out, secret) {
			t.Errorf("log shows roster content %q:\n%s", secret, out)
		}
	}
}

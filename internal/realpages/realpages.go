// Package realpages finds, for tests in any package, the real pages kept
// beside the repository (../shared/pages from the repo root; never copied
// into the project). Without them a test is skipped with one line saying
// where they were expected, except under CI (CI=true), where the pages are
// always there and a missing page fails the test instead.
package realpages

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// Dir is the real pages' folder: ../shared/pages beside the repository
// root. t is skipped (failed under CI=true) when it does not exist.
func Dir(t testing.TB) string {
	t.Helper()
	dir, err := find()
	if err != nil {
		missing(t, "", err)
	}
	return dir
}

// Optional is Dir for a test that can run without the real pages (they
// only add seeds or cases): false, with one logged line, when they are
// missing; under CI=true a missing folder still fails t.
func Optional(t testing.TB) (string, bool) {
	t.Helper()
	dir, err := find()
	if err == nil {
		return dir, true
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("real pages %s missing under CI (../shared must be beside the checkout): %v", expected(), err)
		return "", false
	}
	t.Logf("real pages not found: expected at %s (../shared/pages beside the repo); running without them", expected())
	return "", false
}

// Path is the real page rel ("ontario.ca/captured/2024-updates.2025-12.html")
// under Dir; t is skipped (failed under CI=true) when it is missing.
func Path(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(Dir(t), filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		missing(t, p, err)
	}
	return p
}

// Read is the content of the real page rel (see Path).
func Read(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(Path(t, rel))
	if err != nil {
		t.Fatalf("read real page %s: %v", rel, err)
	}
	return b
}

func missing(t testing.TB, path string, err error) {
	t.Helper()
	if path == "" {
		path = expected()
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("real page %s missing under CI (../shared must be beside the checkout): %v", path, err)
		return
	}
	t.Skipf("real pages not found: expected at %s (../shared/pages beside the repo); skipping", path)
}

var (
	once    sync.Once
	dir     string
	findErr error
)

// find walks up from the test's folder to the repository root (go.mod).
func find() (string, error) {
	once.Do(func() {
		dir, findErr = filepath.Abs(expected())
		if findErr == nil {
			_, findErr = os.Stat(dir)
		}
	})
	return dir, findErr
}

func expected() string {
	wd, err := os.Getwd()
	if err != nil {
		return filepath.Join("..", "shared", "pages")
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(filepath.Dir(d), "shared", "pages")
		}
		if filepath.Dir(d) == d {
			return filepath.Join(wd, "..", "shared", "pages")
		}
	}
}

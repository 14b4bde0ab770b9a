package realpages

import (
	"fmt"
	"strings"
	"testing"
)

// recorder stands in for a test to see whether a missing page skips it or
// fails it.
type recorder struct {
	testing.TB
	skipped, failed string
}

func (r *recorder) Helper()                   {}
func (r *recorder) Skipf(f string, a ...any)  { r.skipped = fmt.Sprintf(f, a...) }
func (r *recorder) Fatalf(f string, a ...any) { r.failed = fmt.Sprintf(f, a...) }
func (r *recorder) Errorf(f string, a ...any) { r.failed = fmt.Sprintf(f, a...) }
func (r *recorder) Logf(string, ...any)       {}
func (r *recorder) Setenv(k, v string)        {}
func (r *recorder) Cleanup(func())            {}
func (r *recorder) Name() string              { return "recorder" }

func TestMissingPageSkipsWithOneLineOrFailsUnderCI(t *testing.T) {
	for _, ci := range []string{"", "true"} {
		t.Run("CI="+ci, func(t *testing.T) {
			t.Setenv("CI", ci)
			r := &recorder{TB: t}
			Path(r, "ontario.ca/no-such-page.html")
			switch {
			case ci == "true" && (r.failed == "" || r.skipped != ""):
				t.Errorf("under CI a missing page must fail: skipped %q failed %q", r.skipped, r.failed)
			case ci == "" && (r.skipped == "" || r.failed != ""):
				t.Errorf("without CI a missing page must skip: skipped %q failed %q", r.skipped, r.failed)
			}
			msg := r.skipped + r.failed
			if !strings.Contains(msg, "no-such-page.html") || strings.Contains(msg, "\n") {
				t.Errorf("message %q does not say, in one line, where the page was expected", msg)
			}
		})
	}
}

func TestExpectedIsBesideTheRepoRoot(t *testing.T) {
	if got := expected(); !strings.HasSuffix(got, "/shared/pages") || strings.Contains(got, "internal") {
		t.Errorf("expected() = %q, want <repo>/../shared/pages", got)
	}
}

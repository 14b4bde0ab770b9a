// Package storetest is the conformance suite every store backend passes:
// the same behaviour tests (versions, diffs, merge, outbox, health, fetch
// log, lease) run against SQLite and any other store.Backend. A behaviour
// that holds on one backend only is a bug.
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) storetest.Opener { ... })
//	}
package storetest

import (
	"context"
	"embed"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/store"
)

// Opener opens a handle on one test's database with the given clock.
// Calling it twice opens two handles on the same database, as two
// processes would.
type Opener func(t *testing.T, now func() time.Time) store.Backend

// Factory makes a fresh, empty database for one test. The backend closes
// what it opened through t.Cleanup.
type Factory func(t *testing.T) Opener

// Times of the fixtures' world: the 2024 pages are read in spring 2024.
var (
	Spring2024 = time.Date(2024, 2, 20, 12, 0, 0, 0, time.UTC)
	Dec2025    = time.Date(2025, 12, 12, 9, 0, 0, 0, time.UTC)
)

// Run runs every conformance test against the backend f makes.
func Run(t *testing.T, f Factory) {
	tests := []struct {
		name string
		fn   func(*testing.T, Factory)
	}{
		{"ApplyNewAndReapply", testApplyNewAndReapply},
		{"ApplyEditedCopy", testApplyEditedCopy},
		{"ApplyTextOnlyAndTitleEdits", testApplyTextOnlyAndTitleEdits},
		{"ApplyFirstRunBacklog", testApplyFirstRunBacklog},
		{"ApplyRemovedAndReappearing", testApplyRemovedAndReappearing},
		{"ApplySuspectAndTruncatedPages", testApplySuspectAndTruncatedPages},
		{"ApplyDryRun", testApplyDryRun},
		{"ApplyDuplicateIDs", testApplyDuplicateIDs},
		{"ApplyMaxPerChange", testApplyMaxPerChange},
		{"DrawsFilter", testDrawsFilter},
		{"EERounds", testEERounds},
		{"MergeTableAndUpdatesBothOrders", testMergeTableAndUpdatesBothOrders},
		{"MergeRegionalForeignWorkerDraws", testMergeRegionalForeignWorkerDraws},
		{"MergeAmbiguousAndBandMismatch", testMergeAmbiguousAndBandMismatch},
		{"TableRowCompletesUpdatesDraw", testTableRowCompletesUpdatesDraw},
		{"PassHoldsAndFolds", testPassHoldsAndFolds},
		{"OutboxSurvivesReopen", testOutboxSurvivesReopen},
		{"OutboxLifecycle", testOutboxLifecycle},
		{"OutboxThreadRefAndPrevious", testOutboxThreadRefAndPrevious},
		{"OutboxPerTargetQueues", testOutboxPerTargetQueues},
		{"OutboxHoldAndDigest", testOutboxHoldAndDigest},
		{"SourceHealth", testSourceHealth},
		{"FetchLog", testFetchLog},
		{"LeaseTwoHandles", testLeaseTwoHandles},
		{"LeaseFencesWritesAfterTakeover", testLeaseFencesWritesAfterTakeover},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, f) })
	}
}

//go:embed testdata/*.json
var fixtures embed.FS

// LoadPage reads a hand-written page from testdata and fills in content
// hashes the way the scraper does.
func LoadPage(t testing.TB, name string) *drawwatch.Page {
	t.Helper()
	b, err := fixtures.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var p drawwatch.Page
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
	for i := range p.Announcements {
		p.Announcements[i].Hash = drawwatch.ContentHash(p.Announcements[i].Text)
	}
	return &p
}

// ToAll routes every event to targets.
func ToAll(targets ...string) func(drawwatch.Event) []string {
	return func(drawwatch.Event) []string { return targets }
}

// MustApply applies p or fails the test.
func MustApply(t testing.TB, s store.Pages, p *drawwatch.Page, opt store.ApplyOptions) store.Result {
	t.Helper()
	res, err := s.Apply(context.Background(), p, opt)
	if err != nil {
		t.Fatalf("Apply(%s): %v", p.URL, err)
	}
	return res
}

// openNew opens a fresh store on the real clock.
func openNew(t *testing.T, f Factory) store.Backend {
	return f(t)(t, time.Now)
}

func changeIDs(res store.Result) map[drawwatch.ChangeType][]string {
	out := map[drawwatch.ChangeType][]string{}
	for _, c := range res.Changes {
		out[c.Type] = append(out[c.Type], c.Announcement.ID)
	}
	for _, ids := range out {
		slices.Sort(ids)
	}
	return out
}

func outboxCount(t testing.TB, s store.Outbox) int {
	t.Helper()
	all, err := s.Alerts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return len(all)
}

// removedCount is how many of the stored announcements are marked
// removed, given how many are stored in all.
func removedCount(t testing.TB, s store.Reader, stored int) int {
	t.Helper()
	na, _, err := s.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return stored - na
}

func intString(p *int) string {
	if p == nil {
		return ""
	}
	return itoa(*p)
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

package scraper

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/drawwatch/drawwatch"
)

// A page read as another kind than it plainly is (an NOI table page as
// ITA, say) is an error naming both kinds, not a page of relabelled rows.
func TestExplicitKindMustMatchThePage(t *testing.T) {
	json := []byte(`{"rounds": []}`)
	for _, tt := range []struct {
		file    string
		data    []byte
		asked   drawwatch.PageKind
		is      drawwatch.PageKind
		wantErr bool
	}{
		{file: "tables/reordered-noi.html", asked: drawwatch.PageITA, is: drawwatch.PageNOI, wantErr: true},
		{file: "tables/anchors-ita.html", asked: drawwatch.PageNOI, is: drawwatch.PageITA, wantErr: true},
		{file: "tables/anchors-ita.html", asked: drawwatch.PageUpdates, is: drawwatch.PageITA, wantErr: true},
		{file: "updates/subheadings-2024.html", asked: drawwatch.PageNOI, is: drawwatch.PageUpdates, wantErr: true},
		{data: json, asked: drawwatch.PageITA, is: drawwatch.PageEERounds, wantErr: true},
		{file: "tables/reordered-noi.html", asked: drawwatch.PageNOI},
		{file: "updates/subheadings-2024.html", asked: drawwatch.PageUpdates},
	} {
		name := tt.file + string(tt.data) + " as " + string(tt.asked)
		t.Run(name, func(t *testing.T) {
			data := tt.data
			if tt.file != "" {
				var err error
				if data, err = os.ReadFile(filepath.Join("testdata", tt.file)); err != nil {
					t.Fatal(err)
				}
			}
			page, err := Parse(tt.asked, data, "https://www.ontario.ca/page/x")
			if !tt.wantErr {
				if err != nil || page.Kind != tt.asked {
					t.Errorf("Parse = %v, %v; want a %s page", page, err, tt.asked)
				}
				return
			}
			if !errors.Is(err, ErrKindMismatch) || page != nil {
				t.Fatalf("Parse = %v, %v; want ErrKindMismatch", page, err)
			}
			for _, k := range []drawwatch.PageKind{tt.is, tt.asked} {
				if !strings.Contains(err.Error(), `"`+string(k)+`"`) {
					t.Errorf("error %q does not name %q", err, k)
				}
			}
		})
	}
}

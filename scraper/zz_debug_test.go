package scraper

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestZZDebug(t *testing.T) {
	f := os.Getenv("DBG")
	if f == "" {
		t.Skip()
	}
	data, _ := os.ReadFile(f)
	page, err := Parse("", data, os.Getenv("DBGURL"))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("truncated", page.Truncated, "n", len(page.Announcements))
	for _, a := range page.Announcements {
		fmt.Printf("== %s | %s | %s | %s | %d draws\n", a.Posted, a.ID, a.Kind, a.Title, len(a.Draws))
		for _, d := range a.Draws {
			p := func(x *int) string { if x == nil { return "nil" }; return fmt.Sprint(*x) }
			codes := []string{}
			for _, n := range d.NOCs { codes = append(codes, n.Code) }
			fmt.Printf("   %s %s cat=%q %s %s/%s %s-%s inv=%s prof=%s..%s dl=%s nocs=%d[%s] notes=%q\n", d.Date, d.Stream, d.Category, d.Invitation, d.ScoreKind, "", p(d.ScoreMin), p(d.ScoreMax), p(d.Invitations), d.ProfilesFrom, d.ProfilesTo, d.Deadline, len(d.NOCs), strings.Join(codes, ","), d.Notes)
		}
	}
}

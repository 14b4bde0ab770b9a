package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/store"
)

func cmdDraws(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlags("draws", env)
	configPath := fs.configFlag()
	asJSON := fs.Bool("json", false, "print JSON")
	asCSV := fs.Bool("csv", false, "print CSV")
	var f store.DrawFilter
	var kind string
	fs.StringVar(&f.Stream, "stream", "", "stream `SLUG` (hcp, fssw, skilled-trades, ejo-foreign-worker, ...)")
	fs.StringVar(&f.NOC, "noc", "", "NOC `CODE`, or a prefix ending in * (\"31*\")")
	fs.StringVar(&f.Since, "since", "", "only draws on or after this `DATE` (YYYY-MM-DD)")
	fs.StringVar(&kind, "kind", "draw", "draw, news, or all")
	fs.IntVar(&f.Limit, "limit", 0, "at most `N` rows (0: all)")
	fs.BoolVar(&f.IncludeRemoved, "removed", false, "include announcements removed from the site")
	if _, err := fs.parse(args); err != nil {
		return err
	}
	if *asJSON && *asCSV {
		return usagef("choose one of --json and --csv")
	}
	if f.Since != "" {
		if _, err := time.Parse(time.DateOnly, f.Since); err != nil {
			return usagef("--since %q: want a date like 2024-02-06", f.Since)
		}
	}
	switch kind {
	case "draw", "news":
		f.Kind = drawwatch.Kind(kind)
	case "all", "":
	default:
		return usagef("--kind %q: want draw, news or all", kind)
	}
	return withStore(ctx, env, *configPath, false, func(a *app, st *store.Store) error {
		draws, err := st.Draws(ctx, f)
		if err != nil {
			return fmt.Errorf("query draws: %w", err)
		}
		switch {
		case *asJSON:
			if draws == nil {
				draws = []store.StoredDraw{}
			}
			err = writeJSON(env.stdout, draws)
		case *asCSV:
			err = writeDrawsCSV(env, draws)
		default:
			err = printStoredDraws(env.stdout, draws)
		}
		if err != nil {
			return fmt.Errorf("write output: %w", err)
		}
		return nil
	})
}

// writeJSON is every command's JSON output: indented, one document.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func writeDrawsCSV(env *cliEnv, draws []store.StoredDraw) error {
	w := csv.NewWriter(env.stdout)
	w.Write([]string{"date", "kind", "program", "stream", "stream_name", "category", "invitation", "score_kind",
		"score_min", "score_max", "invitations", "profiles_from", "profiles_to", "nocs", "deadline", "notes",
		"source_url", "announcement_id", "announcement_title"})
	opt := func(p *int) string {
		if p == nil {
			return ""
		}
		return strconv.Itoa(*p)
	}
	for _, d := range draws {
		codes := make([]string, len(d.NOCs))
		for i, n := range d.NOCs {
			codes[i] = n.Code
		}
		w.Write([]string{d.Date, string(d.Kind), d.Program, string(d.Stream), d.StreamName, d.Category, d.Invitation,
			d.ScoreKind, opt(d.ScoreMin), opt(d.ScoreMax), opt(d.Invitations), d.ProfilesFrom, d.ProfilesTo,
			strings.Join(codes, " "), d.Deadline, d.Notes, d.SourceURL, d.AnnouncementID, d.AnnouncementTitle})
	}
	w.Flush()
	return w.Error()
}

func cmdHistory(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlags("history", env)
	configPath := fs.configFlag()
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("usage: drawwatch history [--config FILE] ANNOUNCEMENT_ID  (ids are in the ID column of `drawwatch draws` and in alerts)")
	}
	return withStore(ctx, env, *configPath, false, func(a *app, st *store.Store) error {
		versions, err := st.History(ctx, pos[0])
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("no announcement %q in %s; list ids with `drawwatch draws --kind all`", pos[0], st.Path())
		}
		if err != nil {
			return fmt.Errorf("read history: %w", err)
		}
		if *asJSON {
			return writeJSON(env.stdout, versions)
		}
		printHistory(env.stdout, versions)
		return nil
	})
}

func printHistory(w io.Writer, versions []store.AnnouncementVersion) {
	for i, v := range versions {
		fmt.Fprintf(w, "version %d  seen %s  hash %.12s\n  %s\n", i+1, v.SeenAt.Format(time.RFC3339), v.Hash, v.Announcement.Title)
		if i == 0 {
			fmt.Fprintf(w, "  first seen with %d draws\n", len(v.Announcement.Draws))
		}
		for _, f := range v.Fields {
			fmt.Fprintf(w, "  %s: %s\n", f.Field, f.Summary())
		}
	}
}

func printStoredDraws(w io.Writer, draws []store.StoredDraw) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "DATE\tKIND\tSTREAM\tCATEGORY\tINV\tSCORE\tCOUNT\tNOCS\tANNOUNCEMENT")
	for _, d := range draws {
		count := "-"
		if d.Invitations != nil {
			count = strconv.Itoa(*d.Invitations)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s %s\t%s\t%d\t%s\n", d.Date, d.Kind, d.Stream,
			d.Category, d.Invitation, d.ScoreKind, scoreBand(d.Draw), count, len(d.NOCs), d.AnnouncementTitle)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "%d rows\n", len(draws))
	return err
}

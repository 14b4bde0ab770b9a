package main

import (
	"context"
	"fmt"

	"github.com/drawwatch/drawwatch"
	"github.com/drawwatch/drawwatch/output"
	"github.com/drawwatch/drawwatch/store"
)

func cmdClientsCheck(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlags("clients check", env)
	configPath := fs.configFlag()
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usagef("usage: drawwatch clients check [--config FILE] [--json]")
	}
	a, err := loadApp(env, *configPath)
	if err != nil {
		return err
	}
	f, err := a.OpenRoster()
	if err != nil {
		return withCode(exitFailed, err)
	}
	s := summarize(f.Current().Clients())
	if *asJSON {
		return output.JSON(env.Stdout, map[string]any{"roster": f.Path(), "valid": true, "clients": s.clients,
			"with_owner": s.withOwner, "without_score": s.withoutScore, "without_nocs": s.withoutNOCs})
	}
	// Counts only: the roster's content stays in the file.
	_, err = fmt.Fprintf(env.Stdout, "%s: ok, %d clients (%d with an owner, %d with neither CRS nor EOI, %d without NOC codes)\n",
		f.Path(), s.clients, s.withOwner, s.withoutScore, s.withoutNOCs)
	return err
}

type rosterSummary struct{ clients, withOwner, withoutScore, withoutNOCs int }

func summarize(cs []drawwatch.Client) rosterSummary {
	s := rosterSummary{clients: len(cs)}
	for _, c := range cs {
		if c.Owner != "" {
			s.withOwner++
		}
		if c.CRS == nil && c.EOI == nil {
			s.withoutScore++
		}
		if len(c.NOCs) == 0 {
			s.withoutNOCs++
		}
	}
	return s
}

func cmdMatch(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlags("match", env)
	configPath := fs.configFlag()
	asJSON := fs.Bool("json", false, "print JSON")
	clientID := fs.String("client", "", "list every stored draw this client `ID` would have matched, newest first")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) > 1 || (len(pos) == 1) == (*clientID != "") {
		return usagef("usage: drawwatch match [--json] DRAW_ID  |  drawwatch match [--json] --client ID\n" +
			"  DRAW_ID is the ID column of `drawwatch draws` (the announcement id alerts show)")
	}
	return withStore(ctx, env, *configPath, false, func(a *app, st *store.Store) error {
		f, err := a.OpenRoster()
		if err != nil {
			return withCode(exitFailed, err)
		}
		draws, err := st.Draws(ctx, store.DrawFilter{Kind: drawwatch.KindDraw})
		if err != nil {
			return fmt.Errorf("query draws: %w", err)
		}
		if *clientID != "" {
			return output.MatchClient(env.Stdout, f.Current(), draws, *clientID, *asJSON)
		}
		return output.MatchDraw(env.Stdout, f.Current(), draws, pos[0], *asJSON, st.Path())
	})
}

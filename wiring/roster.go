package wiring

import (
	"errors"
	"fmt"
	"time"

	"github.com/drawwatch/drawwatch/match"
	"github.com/drawwatch/drawwatch/notify"
	"github.com/drawwatch/drawwatch/roster"
)

// ErrNoRoster says how to configure what a roster command needs.
var ErrNoRoster = errors.New("no client roster configured: set [clients] roster = \"clients.csv\" in the config (see config.example.toml)")

// RosterReloadEvery is how often the daemon looks for roster edits.
const RosterReloadEvery = 30 * time.Second

// OpenRoster reads the configured roster; owners must name configured targets.
func (a *App) OpenRoster() (*roster.File, error) {
	if a.Config.Clients.Roster == "" {
		return nil, ErrNoRoster
	}
	return roster.Open(a.Config.Clients.Roster, roster.Options{Targets: a.Config.Targets()})
}

// UseRoster opens the configured roster for alerting, refusing a
// malformed one before anything is fetched. Without [clients] roster,
// alerts are as they were.
func (a *App) UseRoster() error {
	if a.Config.Clients.Roster == "" {
		return nil
	}
	f, err := a.OpenRoster()
	if err != nil {
		return fmt.Errorf("%w (fix the file and start again; `drawwatch clients check` lists every problem)", err)
	}
	a.Roster = f
	return nil
}

// RosterIndex is the roster in use for the HTTP feeds; nil without one.
func (a *App) RosterIndex() func() *match.Index {
	if a.Roster == nil {
		return nil
	}
	return a.Roster.Current
}

// ClientRouting joins the roster in use (if any) to router.
func (a *App) ClientRouting(router *notify.Router) notify.ClientRouting {
	cr := notify.ClientRouting{Router: router}
	if a.Roster != nil {
		cr.Roster = a.Roster.Current
	}
	return cr
}

package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/drawwatch/drawwatch/store"
)

// cmdStoreMigrate copies a SQLite store into an empty PostgreSQL database.
func cmdStoreMigrate(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlags("store migrate", env)
	from := fs.String("from", "", "the SQLite store file to copy (drawwatch.db)")
	to := fs.String("to", "", "the PostgreSQL URL to copy into (postgres://user@host:5432/db); its password from $PGPASSWORD when the URL has none")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) > 0 || *from == "" || !store.IsPostgresURL(*to) {
		return usagef("usage: drawwatch store migrate --from drawwatch.db --to postgres://user@host:5432/drawwatch")
	}
	src, err := store.OpenReadOnly(ctx, *from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := store.OpenPostgres(ctx, *to, "") // pgx reads $PGPASSWORD when the URL has none
	if err != nil {
		return err
	}
	defer dst.Close()
	counts, err := src.CopyTo(ctx, dst)
	if err != nil {
		return err
	}
	var parts []string
	for _, t := range []string{"announcements", "announcement_versions", "draws", "outbox", "fetches", "source_health", "robots"} {
		parts = append(parts, fmt.Sprintf("%s %d", t, counts[t]))
	}
	fmt.Fprintf(env.Stdout, "copied %s into %s, counts verified: %s\nPoint [store] url at it and remove [store] path.\n",
		src.Path(), dst.Path(), strings.Join(parts, ", "))
	return nil
}

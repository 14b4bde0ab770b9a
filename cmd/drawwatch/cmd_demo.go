package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/drawwatch/drawwatch/demo"
)

func cmdDemo(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlags("demo", env)
	dbPath := fs.String("store", "drawwatch-demo.db", "SQLite `FILE` the demo creates (a file it did not create is refused)")
	if _, err := fs.parse(args); err != nil {
		return err
	}
	err := demo.Run(ctx, demo.Options{Store: *dbPath, Out: env.Stdout, Log: env.Stderr, Invoke: invocation()})
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	return nil
}

// invocation is how the user started drawwatch, for hints they can paste:
// `go run` builds into a temporary directory and installs nothing.
func invocation() string {
	exe := os.Args[0]
	if strings.Contains(exe, string(os.PathSeparator)+"go-build") {
		return "go run ./cmd/drawwatch"
	}
	return exe // as typed: "drawwatch" from $PATH, or "./drawwatch"
}

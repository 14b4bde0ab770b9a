package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

//go:embed pgmigrations/*.sql
var pgMigrationFS embed.FS

// pgState is what a PostgreSQL store keeps beside the code it shares with
// SQLite: the same SQL runs on both, with "?" placeholders rewritten for
// PostgreSQL by the driver wrapper below.
type pgState struct {
	replica string // this handle's id in alert claims
}

// IsPostgresURL reports whether a store URL names PostgreSQL.
func IsPostgresURL(u string) bool {
	return strings.HasPrefix(u, "postgres://") || strings.HasPrefix(u, "postgresql://")
}

// OpenPostgres opens the PostgreSQL store at rawURL and applies pending
// migrations. password, when set, replaces the URL's (it comes from
// store.password_file or the environment, so the URL in the config can
// stay free of secrets). Messages name the server by its URL without the
// password.
func OpenPostgres(ctx context.Context, rawURL, password string, opts ...Option) (*Store, error) {
	cfg, err := pgx.ParseConfig(rawURL)
	if err != nil {
		return nil, fmt.Errorf("open store: store.url is not a PostgreSQL URL (postgres://user@host:5432/db?sslmode=...): %v", redactErr(err, rawURL, password))
	}
	if password != "" {
		cfg.Password = password
	}
	display := displayURL(cfg)
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = 10 * time.Second
	}
	db := sql.OpenDB(rebindConnector{stdlib.GetConnector(*cfg)})
	db.SetMaxOpenConns(8)
	db.SetConnMaxIdleTime(time.Minute)
	replica, err := newToken()
	if err != nil {
		return nil, err
	}
	s := &Store{db: db, path: display, now: time.Now, pg: &pgState{replica: replica[:12]}}
	for _, o := range opts {
		o(s)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, pgOpenErr(display, cfg, err)
	}
	if err := s.migratePG(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// displayURL is the server's URL without the password, for messages.
func displayURL(cfg *pgx.ConnConfig) string {
	u := url.URL{Scheme: "postgres", Host: fmt.Sprintf("%s:%d", cfg.Host, cfg.Port), Path: "/" + cfg.Database}
	if cfg.User != "" {
		u.User = url.User(cfg.User)
	}
	return u.String()
}

func redactErr(err error, secrets ...string) string {
	msg := err.Error()
	for _, s := range secrets {
		if s != "" {
			msg = strings.ReplaceAll(msg, s, "[redacted]")
		}
	}
	return msg
}

// pgOpenErr explains the failures a user can act on.
func pgOpenErr(display string, cfg *pgx.ConnConfig, err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "28P01", "28000":
			return fmt.Errorf("open store %s: PostgreSQL refused user %q (%s): check the password in store.password_file (or the variable the URL names) and pg_hba.conf", display, cfg.User, pe.Message)
		case "3D000":
			return fmt.Errorf("open store %s: database %q does not exist: create it (createdb -O %s %s) or fix store.url", display, cfg.Database, cfg.User, cfg.Database)
		}
		return fmt.Errorf("open store %s: %s (SQLSTATE %s)", display, pe.Message, pe.Code)
	}
	msg := redactErr(err, cfg.Password)
	if strings.Contains(msg, "password authentication failed") {
		return fmt.Errorf("open store %s: PostgreSQL refused user %q: wrong password: check store.password_file (or the variable the URL names): %s", display, cfg.User, msg)
	}
	return fmt.Errorf("open store %s: cannot reach the PostgreSQL server: check store.url and that the server is up and accepts connections from here: %s", display, msg)
}

// migrateLockKey serialises migrations of replicas starting at once.
const migrateLockKey = 0x64726177 // "draw"

func (s *Store) migratePG(ctx context.Context) error {
	all, err := migrationsIn(pgMigrationFS, "pgmigrations")
	if err != nil {
		return fmt.Errorf("open store %s: read embedded migrations: %w", s.path, err)
	}
	latest := all[len(all)-1].version
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("open store %s: %w", s.path, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?)`, int64(migrateLockKey)); err != nil {
		return fmt.Errorf("open store %s: take the migration lock: %w", s.path, err)
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("open store %s: %w", s.path, err)
	}
	var current int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_version`).Scan(&current); err != nil {
		return fmt.Errorf("open store %s: %w", s.path, err)
	}
	if current > latest {
		return fmt.Errorf("open store %s: schema version %d is newer than this drawwatch knows (%d): upgrade drawwatch, or point it at another database", s.path, current, latest)
	}
	for _, m := range all {
		if m.version <= current {
			continue
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("open store %s: apply migration %03d_%s: %w", s.path, m.version, m.name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)`,
			m.version, m.name, s.now().UnixNano()); err != nil {
			return fmt.Errorf("open store %s: record migration %03d: %w", s.path, m.version, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("open store %s: %w", s.path, err)
	}
	return nil
}

// rebind rewrites "?" placeholders as $1, $2, ... outside quoted strings,
// identifiers and comments, so that one SQL text serves both backends.
func rebind(q string) string {
	if !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'' || c == '"':
			j := strings.IndexByte(q[i+1:], c)
			if j < 0 {
				b.WriteString(q[i:])
				return b.String()
			}
			b.WriteString(q[i : i+j+2])
			i += j + 1
		case c == '-' && i+1 < len(q) && q[i+1] == '-':
			j := strings.IndexByte(q[i:], '\n')
			if j < 0 {
				b.WriteString(q[i:])
				return b.String()
			}
			b.WriteString(q[i : i+j+1])
			i += j
		case c == '?':
			n++
			fmt.Fprintf(&b, "$%d", n)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// rebindConnector wraps pgx's database/sql connector, rewriting
// placeholders in every statement.
type rebindConnector struct{ driver.Connector }

func (c rebindConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return rebindConn{conn.(*stdlib.Conn)}, nil
}

type rebindConn struct{ c *stdlib.Conn }

func (r rebindConn) Prepare(q string) (driver.Stmt, error) { return r.c.Prepare(rebind(q)) }
func (r rebindConn) Close() error                          { return r.c.Close() }
func (r rebindConn) Begin() (driver.Tx, error)             { return r.c.Begin() } //nolint:staticcheck // required by driver.Conn
func (r rebindConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	return r.c.PrepareContext(ctx, rebind(q))
}
func (r rebindConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return r.c.BeginTx(ctx, opts)
}
func (r rebindConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	return r.c.ExecContext(ctx, rebind(q), args)
}
func (r rebindConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	return r.c.QueryContext(ctx, rebind(q), args)
}
func (r rebindConn) Ping(ctx context.Context) error             { return r.c.Ping(ctx) }
func (r rebindConn) ResetSession(ctx context.Context) error     { return r.c.ResetSession(ctx) }
func (r rebindConn) CheckNamedValue(v *driver.NamedValue) error { return r.c.CheckNamedValue(v) }

-- Several replicas on one PostgreSQL database: each alert claim names the
-- replica that holds it until claim_until (another replica may take an
-- expired claim over), and every replica records itself for the status
-- page. SQLite has one writer and leaves claimed_by empty; the columns
-- keep both schemas alike.
ALTER TABLE outbox ADD COLUMN claimed_by  TEXT    NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN claim_until INTEGER NOT NULL DEFAULT 0;

CREATE TABLE replicas (
    id         TEXT PRIMARY KEY,
    host       TEXT    NOT NULL,
    pid        INTEGER NOT NULL,
    role       TEXT    NOT NULL,   -- leader | standby
    generation INTEGER NOT NULL DEFAULT 0,
    started_at INTEGER NOT NULL,
    seen_at    INTEGER NOT NULL
);

-- PostgreSQL twin of migrations/004: the fencing lease's generation and the
-- holder's process identity, and which lease claimed each alert.
ALTER TABLE run_lock ADD COLUMN generation BIGINT NOT NULL DEFAULT 0;
ALTER TABLE run_lock ADD COLUMN process TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN claimed_gen BIGINT NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN claimed_at BIGINT NOT NULL DEFAULT 0;

-- The writer lock becomes a fencing lease. The row is kept on release (owner
-- and token cleared) so that generation only ever grows: every takeover or
-- new acquisition gets a higher one, and writes check theirs is current.
ALTER TABLE run_lock ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;
-- Which process instance holds it (boot id and start time on Linux), so a
-- holder on this host whose process is gone is taken over at once.
ALTER TABLE run_lock ADD COLUMN process TEXT NOT NULL DEFAULT '';

-- The lease generation that last claimed the alert for a send. Only that
-- generation may record the outcome.
ALTER TABLE outbox ADD COLUMN claimed_gen INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN claimed_at INTEGER NOT NULL DEFAULT 0;

-- PostgreSQL twin of migrations/007.
-- Alerts queued during a watch pass are held (held_pass = the pass's start,
-- Unix nanoseconds) until the pass ends, so that a page read later in the
-- same pass can fold into them; 0 once released.
ALTER TABLE outbox ADD COLUMN held_pass BIGINT NOT NULL DEFAULT 0;
CREATE INDEX outbox_held ON outbox (held_pass) WHERE held_pass != 0;

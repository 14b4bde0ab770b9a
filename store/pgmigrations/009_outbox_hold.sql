-- PostgreSQL twin of migrations/009.
-- A route's digest or quiet hours hold an alert until held_until (Unix
-- nanoseconds; next_try is set to it too); hold says why ('digest',
-- 'quiet'); 0 and '' when not held. Folded digest parts get status
-- 'digested'.
ALTER TABLE outbox ADD COLUMN held_until BIGINT NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN hold TEXT NOT NULL DEFAULT '';

-- Times are Unix nanoseconds (UTC); 0 or NULL means "not set".

CREATE TABLE announcements (
    id          INTEGER PRIMARY KEY,
    page_url    TEXT    NOT NULL,           -- page URL without fragment
    page_kind   TEXT    NOT NULL,           -- updates | noi | ita
    ann_id      TEXT    NOT NULL,           -- drawwatch.Announcement.ID
    kind        TEXT    NOT NULL,
    posted      TEXT    NOT NULL DEFAULT '',
    title       TEXT    NOT NULL DEFAULT '',
    anchor      TEXT    NOT NULL DEFAULT '',
    source_url  TEXT    NOT NULL DEFAULT '',
    hash        TEXT    NOT NULL,
    first_seen  INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL,
    removed_at  INTEGER,
    UNIQUE (page_url, ann_id)
);
CREATE INDEX announcements_anchor ON announcements (anchor);
CREATE INDEX announcements_ann_id ON announcements (ann_id);

-- One row per distinct content version; never updated.
CREATE TABLE announcement_versions (
    id              INTEGER PRIMARY KEY,
    announcement_id INTEGER NOT NULL REFERENCES announcements (id),
    hash            TEXT    NOT NULL,
    text            TEXT    NOT NULL,
    json            TEXT    NOT NULL,   -- drawwatch.Announcement with draws
    fields          TEXT    NOT NULL DEFAULT '[]', -- []drawwatch.FieldChange vs the previous version
    seen_at         INTEGER NOT NULL
);
CREATE INDEX announcement_versions_announcement ON announcement_versions (announcement_id, id);

-- Draws of the current version of each announcement. A table-page row
-- (page_kind noi/ita) that reports the same draw as an updates-page draw
-- points at it through merged_into; queries show the pair as one draw.
CREATE TABLE draws (
    id              INTEGER PRIMARY KEY AUTOINCREMENT, -- ids never reused: Apply tells old draws from new by id
    announcement_id INTEGER NOT NULL REFERENCES announcements (id),
    page_kind       TEXT    NOT NULL,
    draw_key        TEXT    NOT NULL,
    program         TEXT    NOT NULL DEFAULT '',
    stream          TEXT    NOT NULL DEFAULT '',
    stream_name     TEXT    NOT NULL DEFAULT '',
    category        TEXT    NOT NULL DEFAULT '',
    category_slug   TEXT    NOT NULL DEFAULT '',
    date            TEXT    NOT NULL DEFAULT '',
    invitation      TEXT    NOT NULL DEFAULT '',
    score_kind      TEXT    NOT NULL DEFAULT '',
    score_min       INTEGER,
    score_max       INTEGER,
    invitations     INTEGER,
    profiles_from   TEXT    NOT NULL DEFAULT '',
    profiles_to     TEXT    NOT NULL DEFAULT '',
    nocs            TEXT    NOT NULL DEFAULT '[]',
    deadline        TEXT    NOT NULL DEFAULT '',
    notes           TEXT    NOT NULL DEFAULT '',
    source_url      TEXT    NOT NULL DEFAULT '',
    first_seen      INTEGER NOT NULL,
    merged_into     INTEGER REFERENCES draws (id) ON DELETE SET NULL,
    UNIQUE (announcement_id, draw_key)
);
CREATE INDEX draws_date_stream ON draws (date, stream);
CREATE INDEX draws_stream_category ON draws (stream, category_slug, date);
CREATE UNIQUE INDEX draws_merged_into ON draws (merged_into) WHERE merged_into IS NOT NULL;

CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    target      TEXT    NOT NULL,
    event_type  TEXT    NOT NULL,
    event       TEXT    NOT NULL,           -- drawwatch.Event JSON
    thread_key  TEXT    NOT NULL DEFAULT '', -- page URL | announcement ID
    dedupe_key  TEXT    NOT NULL UNIQUE,
    status      TEXT    NOT NULL DEFAULT 'pending',
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_try    INTEGER NOT NULL,
    last_error  TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    sent_at     INTEGER NOT NULL DEFAULT 0,
    ref         TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX outbox_due ON outbox (status, next_try);
CREATE INDEX outbox_thread ON outbox (thread_key, target, status);

CREATE TABLE fetches (
    id            INTEGER PRIMARY KEY,
    source        TEXT    NOT NULL,
    url           TEXT    NOT NULL,
    status        INTEGER NOT NULL DEFAULT 0,
    not_modified  INTEGER NOT NULL DEFAULT 0,
    etag          TEXT    NOT NULL DEFAULT '',
    last_modified TEXT    NOT NULL DEFAULT '',
    duration_ns   INTEGER NOT NULL DEFAULT 0,
    bytes         INTEGER NOT NULL DEFAULT 0,
    err           TEXT    NOT NULL DEFAULT '',
    at            INTEGER NOT NULL,
    announcements INTEGER NOT NULL DEFAULT 0,
    draws         INTEGER NOT NULL DEFAULT 0,
    outcome       TEXT    NOT NULL
);
CREATE INDEX fetches_url_at ON fetches (url, at, id);

CREATE TABLE source_health (
    source               TEXT PRIMARY KEY,
    healthy              INTEGER NOT NULL,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    last_error           TEXT    NOT NULL DEFAULT '',
    last_ok              INTEGER NOT NULL DEFAULT 0,
    last_checked         INTEGER NOT NULL DEFAULT 0,
    alerted_down         INTEGER NOT NULL DEFAULT 0
);

-- At most one row: the writer currently holding the store.
CREATE TABLE run_lock (
    name        TEXT PRIMARY KEY CHECK (name = 'writer'),
    owner       TEXT    NOT NULL,
    token       TEXT    NOT NULL,
    pid         INTEGER NOT NULL,
    host        TEXT    NOT NULL,
    acquired_at INTEGER NOT NULL,
    heartbeat   INTEGER NOT NULL
);

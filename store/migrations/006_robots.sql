-- robots.txt per origin ("https://www.ontario.ca"), kept between runs so a
-- run does not fetch it again: reused for up to 24 hours (RFC 9309 §2.4),
-- and beyond that only while robots.txt is unreachable.
CREATE TABLE robots (
    origin     TEXT PRIMARY KEY,
    status     INTEGER NOT NULL,
    body       BLOB    NOT NULL,
    fetched_at INTEGER NOT NULL -- unix nanoseconds
);

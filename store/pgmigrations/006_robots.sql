-- PostgreSQL twin of migrations/006.
-- robots.txt per origin ("https://www.ontario.ca"), kept between runs so a
-- run does not fetch it again: reused for up to 24 hours (RFC 9309 §2.4),
-- and beyond that only while robots.txt is unreachable.
CREATE TABLE robots (
    origin     TEXT PRIMARY KEY,
    status     BIGINT NOT NULL,
    body       BYTEA   NOT NULL,
    fetched_at BIGINT NOT NULL -- unix nanoseconds
);

-- Sources the reader subscribed to, with what the last fetch learnt.
CREATE TABLE sources (
    id                 INTEGER PRIMARY KEY,
    url                TEXT NOT NULL UNIQUE,
    site_url           TEXT,
    title              TEXT NOT NULL,
    folder             TEXT,
    etag               TEXT,
    last_modified      TEXT,
    body_hash          TEXT,
    created_at         INTEGER NOT NULL,
    last_ok_at         INTEGER,
    last_error_code    TEXT,
    last_error_message TEXT,
    last_error_at      INTEGER,
    error_count        INTEGER NOT NULL DEFAULT 0,
    next_check_at      INTEGER
);

-- One row per story. Times are Unix seconds, UTC. A row whose source was removed keeps the source's
-- title in removed_source_title and a NULL source_id (only bookmarked entries survive a removal).
CREATE TABLE entries (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    source_id            INTEGER REFERENCES sources(id) ON DELETE SET NULL,
    entry_key            TEXT NOT NULL,
    guid                 TEXT,
    url                  TEXT,
    title                TEXT NOT NULL,
    author               TEXT,
    published_at         INTEGER,
    updated_at           INTEGER,
    first_seen_at        INTEGER NOT NULL,
    sort_at              INTEGER NOT NULL,
    summary              TEXT NOT NULL,
    lang                 TEXT,
    dir                  TEXT NOT NULL DEFAULT 'ltr',
    fingerprint          TEXT NOT NULL,
    removed_source_title TEXT,
    UNIQUE (source_id, entry_key)
);
CREATE INDEX entries_by_time ON entries (sort_at DESC, id DESC);
CREATE INDEX entries_by_source_time ON entries (source_id, sort_at DESC, id DESC);

-- The heavy columns, kept out of list queries.
CREATE TABLE entry_contents (
    entry_id          INTEGER PRIMARY KEY REFERENCES entries(id) ON DELETE CASCADE,
    content_html      TEXT NOT NULL,
    plain_text        TEXT NOT NULL,
    sanitizer_version INTEGER NOT NULL
);

-- The reader's own state. Entry ids are never reused (AUTOINCREMENT), and no foreign key ties this
-- table to entries: deleting content never deletes what the reader did.
CREATE TABLE entry_state (
    entry_id      INTEGER PRIMARY KEY,
    read          INTEGER NOT NULL DEFAULT 0,
    read_at       INTEGER,
    bookmarked    INTEGER NOT NULL DEFAULT 0,
    bookmarked_at INTEGER
);
CREATE INDEX entry_state_bookmarked ON entry_state (bookmarked) WHERE bookmarked = 1;

-- Full-text search; rowid is the entry id.
CREATE VIRTUAL TABLE entry_search USING fts5 (
    title, author, plain_text,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);

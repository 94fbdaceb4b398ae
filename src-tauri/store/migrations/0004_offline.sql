-- Offline capture: full text from the article page, pictures in the cache, retention with tombstones.

-- How a source's summary-only entries get their full text: 'off', 'auto' (when the feed gives only a
-- summary) or 'always'. The site's icon, as a picture URL (see images).
ALTER TABLE sources ADD COLUMN full_text TEXT NOT NULL DEFAULT 'auto';
ALTER TABLE sources ADD COLUMN icon_url TEXT;

-- content_html is what the reader sees: the article page's text when extraction gave one, and then
-- feed_html keeps the feed's own version. extract_status: NULL (never tried), 'ok' (content_html is the
-- full text), 'short' (the page gave no more than the feed), or the error code of the last attempt.
ALTER TABLE entry_contents ADD COLUMN feed_html TEXT;
ALTER TABLE entry_contents ADD COLUMN extract_status TEXT;
ALTER TABLE entry_contents ADD COLUMN extract_error TEXT;
ALTER TABLE entry_contents ADD COLUMN extract_attempts INTEGER NOT NULL DEFAULT 0;

-- One row per picture URL. Its bytes live in the data directory's images/ folder under the SHA-256 of
-- their content, so two URLs with the same bytes share one file. status: 'pending' (not fetched yet),
-- 'cached', 'failed' (may be tried again) or 'skipped' (never will be: not an image, an SVG, too big).
CREATE TABLE images (
    id           INTEGER PRIMARY KEY,
    url          TEXT NOT NULL UNIQUE,
    key          TEXT NOT NULL UNIQUE,
    status       TEXT NOT NULL DEFAULT 'pending',
    content_hash TEXT,
    content_type TEXT,
    bytes        INTEGER,
    error        TEXT,
    attempts     INTEGER NOT NULL DEFAULT 0,
    fetched_at   INTEGER,
    -- A failed picture is not tried again before this time (Unix seconds).
    retry_at     INTEGER,
    -- When an entry showing it was last stored or opened: eviction takes the least recently used first.
    used_at      INTEGER NOT NULL
);
CREATE INDEX images_by_status ON images (status);
CREATE INDEX images_by_hash ON images (content_hash) WHERE content_hash IS NOT NULL;

-- Which pictures an entry shows, in order.
CREATE TABLE entry_images (
    entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    image_id INTEGER NOT NULL REFERENCES images(id),
    PRIMARY KEY (entry_id, position)
) WITHOUT ROWID;
CREATE INDEX entry_images_by_image ON entry_images (image_id);

-- Entries removed by retention while perhaps still in their feed: the next sync must not bring them
-- back as new.
CREATE TABLE tombstones (
    source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    entry_key TEXT NOT NULL,
    purged_at INTEGER NOT NULL,
    PRIMARY KEY (source_id, entry_key)
) WITHOUT ROWID;

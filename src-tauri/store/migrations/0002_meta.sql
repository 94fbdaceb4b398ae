-- Facts about the cache itself, such as the sanitizer policy its stored bodies were cleaned with.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

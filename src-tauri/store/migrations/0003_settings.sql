-- The reader's settings, shared by the window and the CLI: one value per key, validated by the app.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

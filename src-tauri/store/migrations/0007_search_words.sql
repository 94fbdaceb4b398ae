-- The index takes its words from `search_words`, which splits and folds them before they reach SQLite, so
-- FTS5 only splits at spaces. The table is made again, empty; `search_fold_version` 2 has every entry
-- indexed again on the same open.
DROP TABLE entry_search;
CREATE VIRTUAL TABLE entry_search USING fts5 (
    title, author, plain_text,
    content = '', contentless_delete = 1,
    tokenize = 'ascii'
);

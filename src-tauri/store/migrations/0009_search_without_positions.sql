-- The index records which stories hold a word, no longer where in them: FTS5's `detail = none`. A search
-- asks for every word typed, each anywhere in the story (`query::fts_query`), never for a phrase, so the
-- positions were never read; writing them was a good part of what a sync spent on the index. The table is
-- made again, empty, and forgetting `search_fold_version` has every entry indexed again on the same open.
DROP TABLE entry_search;
CREATE VIRTUAL TABLE entry_search USING fts5 (
    title, author, plain_text,
    content = '', contentless_delete = 1,
    tokenize = 'ascii', detail = none
);
DELETE FROM meta WHERE key = 'search_fold_version';

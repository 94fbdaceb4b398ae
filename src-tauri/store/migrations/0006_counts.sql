-- Each source keeps its own story and unread counts, kept right by triggers in the same transaction as
-- every change that moves them, so the sidebar reads 500 numbers instead of counting 100,000 rows.
--
-- A story counts as unread unless its state row says read. The triggers hold whatever order a
-- transaction deletes a story and its state in: deleting a read state while its story stays makes the
-- story unread again; deleting a story counts whatever state it still has; and a state deleted after its
-- story finds no story to count against.
ALTER TABLE sources ADD COLUMN entry_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sources ADD COLUMN unread_count INTEGER NOT NULL DEFAULT 0;

UPDATE sources SET
    entry_count = (SELECT count(*) FROM entries e WHERE e.source_id = sources.id),
    unread_count = (SELECT count(*) FROM entries e LEFT JOIN entry_state st ON st.entry_id = e.id
                     WHERE e.source_id = sources.id AND coalesce(st.read, 0) = 0);

CREATE TRIGGER entries_counted AFTER INSERT ON entries WHEN NEW.source_id IS NOT NULL BEGIN
    UPDATE sources SET
        entry_count = entry_count + 1,
        unread_count = unread_count + NOT EXISTS (SELECT 1 FROM entry_state WHERE entry_id = NEW.id AND read != 0)
     WHERE id = NEW.source_id;
END;

CREATE TRIGGER entries_uncounted AFTER DELETE ON entries WHEN OLD.source_id IS NOT NULL BEGIN
    UPDATE sources SET
        entry_count = entry_count - 1,
        unread_count = unread_count - NOT EXISTS (SELECT 1 FROM entry_state WHERE entry_id = OLD.id AND read != 0)
     WHERE id = OLD.source_id;
END;

CREATE TRIGGER entries_moved AFTER UPDATE OF source_id ON entries
WHEN OLD.source_id IS NOT NEW.source_id BEGIN
    UPDATE sources SET
        entry_count = entry_count - 1,
        unread_count = unread_count - NOT EXISTS (SELECT 1 FROM entry_state WHERE entry_id = OLD.id AND read != 0)
     WHERE id = OLD.source_id;
    UPDATE sources SET
        entry_count = entry_count + 1,
        unread_count = unread_count + NOT EXISTS (SELECT 1 FROM entry_state WHERE entry_id = NEW.id AND read != 0)
     WHERE id = NEW.source_id;
END;

CREATE TRIGGER state_read AFTER INSERT ON entry_state WHEN NEW.read != 0 BEGIN
    UPDATE sources SET unread_count = unread_count - 1
     WHERE id = (SELECT source_id FROM entries WHERE id = NEW.entry_id);
END;

CREATE TRIGGER state_read_changed AFTER UPDATE OF read ON entry_state
WHEN (OLD.read != 0) IS NOT (NEW.read != 0) BEGIN
    UPDATE sources SET unread_count = unread_count + CASE WHEN NEW.read != 0 THEN -1 ELSE 1 END
     WHERE id = (SELECT source_id FROM entries WHERE id = NEW.entry_id);
END;

CREATE TRIGGER state_forgotten AFTER DELETE ON entry_state WHEN OLD.read != 0 BEGIN
    UPDATE sources SET unread_count = unread_count + 1
     WHERE id = (SELECT source_id FROM entries WHERE id = OLD.entry_id);
END;

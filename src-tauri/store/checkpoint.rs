//! Copies the write-ahead log into the database on a thread of its own, so the writer goes on while the
//! disk catches up.
//!
//! SQLite's own checkpoint runs inside the commit that fills the log past its limit: it copies the log
//! into the database and waits for the disk twice (for the log, then for the database) before that
//! commit returns, holding the cache's only writer meanwhile. Through a sync that stores thousands of
//! stories, every refresh behind it waited too: on a 2-core machine whose disk took 20-40 ms to flush
//! 16 MB, the cores stood idle in each of those waits, a tenth of a cold sync. A checkpoint taken here
//! runs on another connection and needs no write lock (SQLite's `PASSIVE` kind): the writer appends to
//! the log while the checkpoint copies what was committed before it began.
//!
//! The log starts over from its beginning only when a write finds all of it copied, which a checkpoint
//! running beside a busy writer never leaves it: through a long sync it would grow by everything the sync
//! wrote. So past [`LOG_CAP_PAGES`] the writer checkpoints itself, as SQLite would, once its thread is
//! done: the thread has copied all but what came since, so that checkpoint is short, and the next write
//! starts the log over.
//!
//! Nothing changes for safety: the log and the database are flushed in the same order as before, and a
//! process killed in the middle leaves a log that the next open completes as after any crash. When the
//! thread or its connection cannot start, the writer checkpoints as SQLite does by default.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::thread::JoinHandle;

use rusqlite::hooks::Wal;
use rusqlite::wal::CheckpointMode;
use rusqlite::{Connection, OpenFlags};

use super::BUSY_TIMEOUT;

/// The log's length, in pages (4 KB each), past which its pages are copied into the database: SQLite's
/// default is 1,000, and a sync that stored thousands of stories spent a tenth of its writer's time in
/// checkpoints at that length.
pub(super) const CHECKPOINT_PAGES: i32 = 4000;

/// The log's length past which the writer checkpoints itself, so that the log starts over (see the
/// module's header). The file is cut back to 16 MB (`journal_size_limit`) when it starts over.
pub(super) const LOG_CAP_PAGES: i32 = 2 * CHECKPOINT_PAGES;

/// The thread that checkpoints the log of one connection's cache; it stops when dropped, after the
/// checkpoint under way, if any.
pub(super) struct Checkpointer {
    wake: SyncSender<()>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Starts checkpointing `writer`'s log in the background, or leaves it to `writer` itself (SQLite's
    /// automatic checkpoint at [`CHECKPOINT_PAGES`]) when no thread or connection can be had for it.
    pub(super) fn start(writer: &mut Connection, path: &Path) -> rusqlite::Result<Option<Checkpointer>> {
        in_commits(writer)?;
        let Ok(own) = checkpoint_connection(path) else { return Ok(None) };
        // At most one request waits: a checkpoint copies whatever was committed before it starts.
        let (wake, requests) = sync_channel::<()>(1);
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        let spawned = std::thread::Builder::new()
            .name("offprint-checkpoint".into())
            .spawn(move || serve(&own, &requests, &stopped));
        let Ok(thread) = spawned else { return Ok(None) };
        let checkpointer = Checkpointer { wake: wake.clone(), stop, thread: Some(thread) };
        // Replaces the automatic checkpoint, which is a hook of the same kind. It runs after each commit,
        // on the writer's thread, and must never fail it: the commit has happened.
        let hooked = writer.wal_hook(Some(move |wal: &mut Wal, pages: i32| {
            if pages >= LOG_CAP_PAGES {
                // Busy while the thread is at work; the thread is not woken again, and a later commit's
                // attempt finds it done.
                let _ = wal.checkpoint_v2(CheckpointMode::PASSIVE);
            } else if pages >= CHECKPOINT_PAGES {
                // Full: one is asked for already. Gone: the thread stopped, and the log is left for the
                // writer's own checkpoint at the cap, or for the cache's closing.
                let _: Result<(), TrySendError<()>> = wake.try_send(());
            }
            Ok(())
        }));
        if hooked.is_err() {
            drop(checkpointer);
            // Not a repeat of the first call: a hook that fails once set is taken off again, and with it
            // SQLite's own checkpoint (a hook of the same slot).
            in_commits(writer)?;
            return Ok(None);
        }
        Ok(Some(checkpointer))
    }
}

/// Leaves the checkpoints to `conn`'s own commits, SQLite's way, every [`CHECKPOINT_PAGES`]: for a
/// connection that writes little (the window's reader), or when no thread can be had.
pub(super) fn in_commits(conn: &Connection) -> rusqlite::Result<()> {
    conn.pragma_update(None, "wal_autocheckpoint", CHECKPOINT_PAGES)?;
    // When the log starts over, its file is cut back to this length rather than kept at its longest.
    conn.pragma_update(None, "journal_size_limit", i64::from(CHECKPOINT_PAGES) * 4096)
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        // The writer's hook keeps the channel open as long as its connection: the thread is told to stop
        // and woken to hear it.
        self.stop.store(true, Ordering::Release);
        let _ = self.wake.send(());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn checkpoint_connection(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // The checkpoint flushes the log and the database as the writer's own would.
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    Ok(conn)
}

/// Checkpoints on every request until told to stop.
fn serve(conn: &Connection, requests: &Receiver<()>, stop: &AtomicBool) {
    while requests.recv().is_ok() && !stop.load(Ordering::Acquire) {
        // A checkpoint that fails (the disk full, the cache removed) leaves the log as it is, whole: the
        // writer's commits are in it, and the next checkpoint, or the next open, tries again.
        let _ = conn.wal_checkpoint_v2(None::<&str>, CheckpointMode::PASSIVE);
    }
}

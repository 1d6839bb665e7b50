import Database from 'better-sqlite3';
import { migrate, type MigrationResult } from './migrate.js';

/** The index's file name in the storage folder. */
export const INDEX_FILE = 'camlet.db';

export interface OpenedDatabase {
  db: Database.Database;
  migration: MigrationResult;
}

/**
 * Opens (creating it if need be) the SQLite file of the recordings index and brings its schema
 * up to date.
 *
 * - WAL: readers (the API, to come) never wait for the writer and the writer never waits for
 *   them; a process killed mid-transaction leaves a WAL that the next open rolls back.
 * - synchronous=FULL, not NORMAL: in WAL mode NORMAL keeps the database consistent across a
 *   power cut but may lose the last commits, and the deletion order relies on the `deleting`
 *   mark being on disk before the file is unlinked (a lost mark would turn a deletion into a
 *   "missing" recording). FULL syncs the WAL at each commit; the index commits once per
 *   recording and per motion event, so the cost (one fsync each) is nothing next to the video.
 * - foreign_keys: SQLite leaves them off unless asked, per connection.
 * - cache_size: see below.
 */
export function openIndexDatabase(file: string, targetVersion?: number): OpenedDatabase {
  let db: Database.Database;
  try {
    // Another connection holding the write lock (a checkpoint, a reader of the API) is waited for, not failed on.
    db = new Database(file, { timeout: 5000 });
  } catch (error) {
    throw new Error(`${file}: cannot open the recordings index: ${(error as Error).message}`, { cause: error });
  }
  try {
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new Error(`journal_mode is ${String(mode)}, not wal (does the filesystem support shared memory?)`);
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // 16 MiB of pages rather than SQLite's 2: a month of a 32-camera site is ~150 MiB, and the
    // API's lists and timelines come back to the same recent pages (bench:index).
    db.pragma('cache_size = -16384');
    const migration = migrate(db, file, undefined, targetVersion);
    return { db, migration };
  } catch (error) {
    db.close();
    const message = (error as Error).message;
    throw new Error(message.startsWith(file) ? message : `${file}: ${message}`, { cause: error });
  }
}

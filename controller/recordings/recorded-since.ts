import type { Database, Statement } from 'better-sqlite3';
import type { CameraTotals } from './types.js';

/**
 * What the cameras recorded lately, from the recordings index: the complete recordings that
 * started at or after a time, per camera, and the oldest recording still indexed (the index's
 * memory starts there). The storage outlook's rate comes from these.
 */
export class RecordedSince {
  private readonly since: Statement<[number], CameraTotals>;
  private readonly oldest: Statement<[], { startMs: number }>;

  constructor(db: Database) {
    this.since = db.prepare(
      "SELECT camera, count(*) AS count, coalesce(sum(bytes), 0) AS bytes FROM recordings WHERE start_ms >= ? AND state = 'complete' GROUP BY camera ORDER BY camera",
    );
    // In the order of recordings_by_start, which holds the state too: the first complete row ends it.
    this.oldest = db.prepare("SELECT start_ms AS startMs FROM recordings WHERE state = 'complete' ORDER BY start_ms LIMIT 1");
  }

  perCamera(sinceMs: number): CameraTotals[] {
    return this.since.all(sinceMs);
  }

  /** Epoch ms of the oldest complete recording's start; undefined when there is none. */
  oldestStartMs(): number | undefined {
    return this.oldest.get()?.startMs;
  }
}

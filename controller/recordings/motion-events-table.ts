import type { Database, Statement } from 'better-sqlite3';
import { keysetPage } from './keyset-page.js';
import { motionListStatement, type MotionEventQuery } from './motion-events-list.js';
import type { MotionBoxRecord, MotionEvent } from './types.js';

export interface MotionEventPage {
  items: MotionEvent[];
  /** Present when more rows follow: pass it as `continue` for the next page. */
  continue?: string;
}

interface MotionEventRow {
  id: number;
  camera: string;
  start_ms: number;
  end_ms: number | null;
  peak_score: number;
  boxes: string;
  recording_id: string | null;
}

function fromRow(row: MotionEventRow): MotionEvent {
  return {
    id: row.id,
    camera: row.camera,
    startMs: row.start_ms,
    ...(row.end_ms !== null ? { endMs: row.end_ms } : {}),
    peakScore: row.peak_score,
    boxes: JSON.parse(row.boxes) as MotionBoxRecord[],
    ...(row.recording_id !== null ? { recordingId: row.recording_id } : {}),
  };
}

export interface MotionStart {
  camera: string;
  startMs: number;
  score: number;
  boxes: readonly MotionBoxRecord[];
}

export interface MotionEnd {
  camera: string;
  /** The start the worker reports with the end: it names the event. */
  startMs: number;
  endMs: number;
  peakScore: number;
}

/**
 * A closed motion event that began this long before a recording and ended inside it is still
 * linked to it (the analysis and main streams' clocks differ a little; a motion whose own
 * recording failed may run into the next). Bounds the link query to an index range.
 */
const LINK_LOOKBACK_MS = 10 * 60_000;

/** The motion_events table: typed statements, nothing else. */
export class MotionEventsTable {
  private readonly insertRow: Statement<[Record<string, unknown>]>;
  private readonly closeRow: Statement<[Record<string, unknown>]>;
  private readonly findRow: Statement<[string, number], MotionEventRow>;
  private readonly closeAllRows: Statement<[Record<string, unknown>]>;
  private readonly linkInRange: Statement<[Record<string, unknown>]>;
  private readonly linkOpen: Statement<[Record<string, unknown>]>;
  private readonly byId: Statement<[number], MotionEventRow>;
  private readonly byRecording: Statement<[string], MotionEventRow>;
  private readonly byCamera: Statement<[string, number, number], MotionEventRow>;
  private readonly listStatements = new Map<string, Statement<[Record<string, unknown>], MotionEventRow>>();

  constructor(private readonly db: Database) {
    this.insertRow = db.prepare('INSERT INTO motion_events (camera, start_ms, end_ms, peak_score, boxes) VALUES (@camera, @startMs, @endMs, @peakScore, @boxes)');
    this.closeRow = db.prepare(
      'UPDATE motion_events SET end_ms = max(start_ms, @endMs), peak_score = max(peak_score, @peakScore) WHERE camera = @camera AND start_ms = @startMs AND end_ms IS NULL',
    );
    this.findRow = db.prepare('SELECT * FROM motion_events WHERE camera = ? AND start_ms = ? ORDER BY id DESC LIMIT 1');
    this.closeAllRows = db.prepare('UPDATE motion_events SET end_ms = max(start_ms, @atMs) WHERE camera = @camera AND end_ms IS NULL');
    this.linkInRange = db.prepare(
      `UPDATE motion_events SET recording_id = @id
       WHERE camera = @camera AND start_ms BETWEEN @startMs - ${LINK_LOOKBACK_MS} AND @endMs AND recording_id IS NULL AND coalesce(end_ms, @endMs) >= @startMs`,
    );
    // Motion still going on that began long before: found through the small index of open events.
    // `+start_ms` keeps SQLite from choosing the (camera, start) index for the range instead,
    // which reads every event the camera ever had: measured by bench:index, it made each insert
    // cost milliseconds on a month of events.
    this.linkOpen = db.prepare('UPDATE motion_events SET recording_id = @id WHERE camera = @camera AND end_ms IS NULL AND recording_id IS NULL AND +start_ms <= @endMs');
    this.byId = db.prepare('SELECT * FROM motion_events WHERE id = ?');
    this.byRecording = db.prepare('SELECT * FROM motion_events WHERE recording_id = ? ORDER BY start_ms, id');
    this.byCamera = db.prepare('SELECT * FROM motion_events WHERE camera = ? AND start_ms >= ? AND start_ms < ? ORDER BY start_ms, id');
  }

  /** A new open event; its id. */
  start(motion: MotionStart): number {
    const result = this.insertRow.run({ camera: motion.camera, startMs: motion.startMs, endMs: null, peakScore: motion.score, boxes: JSON.stringify(motion.boxes) });
    return Number(result.lastInsertRowid);
  }

  /**
   * Closes the open event that began at `startMs`. When there is none (its start was never
   * written: the index was failing, or the message was lost), the whole event is written now:
   * the end carries everything but the boxes. A repeated end changes nothing.
   */
  end(motion: MotionEnd): 'closed' | 'inserted' | 'already-closed' {
    const params = { camera: motion.camera, startMs: motion.startMs, endMs: motion.endMs, peakScore: motion.peakScore };
    if (this.closeRow.run(params).changes > 0) return 'closed';
    if (this.findRow.get(motion.camera, motion.startMs)) return 'already-closed';
    this.insertRow.run({ ...params, endMs: Math.max(motion.startMs, motion.endMs), boxes: '[]' });
    return 'inserted';
  }

  /** Ends every open event of the camera at `atMs` (its worker is gone: no end will come). */
  closeOpen(camera: string, atMs: number): number {
    return this.closeAllRows.run({ camera, atMs }).changes;
  }

  /** Links the camera's unlinked events that overlap [startMs, endMs] to the recording; how many. */
  linkToRecording(recording: { id: string; camera: string; startMs: number; endMs: number }): number {
    const params = { id: recording.id, camera: recording.camera, startMs: recording.startMs, endMs: recording.endMs };
    return this.linkInRange.run(params).changes + this.linkOpen.run(params).changes;
  }

  get(id: number): MotionEvent | undefined {
    const row = this.byId.get(id);
    return row && fromRow(row);
  }

  forRecording(recordingId: string): MotionEvent[] {
    return this.byRecording.all(recordingId).map(fromRow);
  }

  /** A page of events, newest (or oldest) first by start, by keyset as recordings are listed. */
  list(query: MotionEventQuery = {}): MotionEventPage {
    return keysetPage(this.db, this.listStatements, motionListStatement(query), fromRow, (event) => ({ startMs: event.startMs, id: String(event.id) }));
  }

  /** The camera's events that began in [fromMs, toMs), oldest first. */
  forCamera(camera: string, fromMs = 0, toMs = Number.MAX_SAFE_INTEGER): MotionEvent[] {
    return this.byCamera.all(camera, fromMs, toMs).map(fromRow);
  }
}

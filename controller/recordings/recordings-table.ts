import type { Database, Statement } from 'better-sqlite3';
import { cameraConditions, cameraFingerprint, type CameraFilter } from './camera-filter.js';
import { decodeContinueToken, queryFingerprint } from './continue-token.js';
import { keysetPage, type PageStatement } from './keyset-page.js';
import { RECORDING_STATES, RECORDING_TRIGGERS, type CameraTotals, type NewRecording, type Recording, type RecordingState, type RecordingTrigger } from './types.js';
import { validateNewRecording } from './validate-recording.js';

/** The row as SQLite stores it. */
interface RecordingRow {
  id: string;
  camera: string;
  path: string;
  start_ms: number;
  end_ms: number;
  duration_seconds: number;
  bytes: number;
  codec: string;
  width: number;
  height: number;
  trigger: RecordingTrigger;
  state: RecordingState;
  created_ms: number;
}

function fromRow(row: RecordingRow): Recording {
  return {
    id: row.id,
    camera: row.camera,
    path: row.path,
    startMs: row.start_ms,
    endMs: row.end_ms,
    durationSeconds: row.duration_seconds,
    bytes: row.bytes,
    codec: row.codec,
    width: row.width,
    height: row.height,
    trigger: row.trigger,
    state: row.state,
    createdMs: row.created_ms,
  };
}

/**
 * - `inserted`: a new row.
 * - `exists`: a row with this id is there already (a report repeated): nothing changed.
 * - `adopted`: the start-up reconciliation had indexed this file under an id of its own; the
 *   row now carries the reported id and figures (its motion events follow it).
 * - `conflict`: the path belongs to a row being deleted; nothing changed.
 */
export type InsertOutcome = 'inserted' | 'exists' | 'adopted' | 'conflict';

export interface RecordingQuery extends CameraFilter {
  trigger?: RecordingTrigger;
  state?: RecordingState;
  /** Recordings overlapping [from, to) (epoch ms): ending after `from`, starting before `to`. */
  from?: number;
  to?: number;
  /** Page size, 1 to MAX_PAGE; DEFAULT_PAGE when absent. */
  limit?: number;
  /** `newest` (default) or `oldest` first, by start time. */
  order?: 'newest' | 'oldest';
  /** The token of the previous page. */
  continue?: string;
}

export interface RecordingPage {
  items: Recording[];
  /** Present when more rows follow: pass it as `continue` for the next page. */
  continue?: string;
}

export const DEFAULT_PAGE = 100;
export const MAX_PAGE = 1000;

const COLUMNS = 'id, camera, path, start_ms, end_ms, duration_seconds, bytes, codec, width, height, trigger, state, created_ms';

/** The recordings table: typed statements, nothing else. */
export class RecordingsTable {
  private readonly insertRow: Statement<[Record<string, unknown>]>;
  private readonly adoptRow: Statement<[Record<string, unknown>]>;
  private readonly byId: Statement<[string], RecordingRow>;
  private readonly byPath: Statement<[string], RecordingRow>;
  private readonly setStateRow: Statement<[RecordingState, string]>;
  private readonly deleteRow: Statement<[string]>;
  private readonly inStateRows: Statement<[Exclude<RecordingState, 'complete'>], RecordingRow>;
  private readonly pathRows: Statement<[], Pick<RecordingRow, 'id' | 'path' | 'state'>>;
  private readonly totalRows: Statement<[], { camera: string; count: number; bytes: number }>;
  private readonly cameraTotalRow: Statement<[string], { count: number; bytes: number }>;
  /** List statements by the shape of their WHERE clause (which filters are present). */
  private readonly listStatements = new Map<string, Statement<[Record<string, unknown>], RecordingRow>>();

  constructor(
    private readonly db: Database,
    private readonly now: () => number,
  ) {
    this.insertRow = db.prepare(
      `INSERT INTO recordings (${COLUMNS}) VALUES (@id, @camera, @path, @startMs, @endMs, @durationSeconds, @bytes, @codec, @width, @height, @trigger, 'complete', @createdMs)`,
    );
    this.adoptRow = db.prepare(
      `UPDATE recordings SET id = @id, camera = @camera, start_ms = @startMs, end_ms = @endMs, duration_seconds = @durationSeconds, bytes = @bytes,
         codec = @codec, width = @width, height = @height, trigger = @trigger, state = 'complete' WHERE path = @path`,
    );
    this.byId = db.prepare(`SELECT ${COLUMNS} FROM recordings WHERE id = ?`);
    this.byPath = db.prepare(`SELECT ${COLUMNS} FROM recordings WHERE path = ?`);
    this.setStateRow = db.prepare('UPDATE recordings SET state = ? WHERE id = ?');
    this.deleteRow = db.prepare('DELETE FROM recordings WHERE id = ?');
    // `state <> 'complete'` lets SQLite use the small partial index of such rows (a bound state
    // alone does not prove it); `+start_ms` keeps it from walking the whole time index instead.
    this.inStateRows = db.prepare(`SELECT ${COLUMNS} FROM recordings WHERE state = ? AND state <> 'complete' ORDER BY +start_ms, id`);
    this.pathRows = db.prepare('SELECT id, path, state FROM recordings');
    this.totalRows = db.prepare("SELECT camera, count(*) AS count, coalesce(sum(bytes), 0) AS bytes FROM recordings WHERE state = 'complete' GROUP BY camera ORDER BY camera");
    this.cameraTotalRow = db.prepare("SELECT count(*) AS count, coalesce(sum(bytes), 0) AS bytes FROM recordings WHERE camera = ? AND state = 'complete'");
  }

  /**
   * Indexes a finished recording; the same id twice is one row. Call inside a transaction when
   * more must change with it (RecordingsIndex does).
   */
  insert(recording: NewRecording): InsertOutcome {
    validateNewRecording(recording);
    if (this.byId.get(recording.id)) return 'exists';
    const params = { ...recording, createdMs: this.now() };
    const taken = this.byPath.get(recording.path);
    if (!taken) {
      this.insertRow.run(params);
      return 'inserted';
    }
    if (taken.state === 'deleting') return 'conflict';
    this.adoptRow.run(params);
    return 'adopted';
  }

  get(id: string): Recording | undefined {
    const row = this.byId.get(id);
    return row && fromRow(row);
  }

  getByPath(path: string): Recording | undefined {
    const row = this.byPath.get(path);
    return row && fromRow(row);
  }

  /** False when there is no such row. */
  setState(id: string, state: RecordingState): boolean {
    if (!RECORDING_STATES.includes(state)) throw new Error(`recording ${JSON.stringify(id)}: state ${JSON.stringify(state)} is not one of ${RECORDING_STATES.join(', ')}`);
    return this.setStateRow.run(state, id).changes > 0;
  }

  /** False when there is no such row. */
  remove(id: string): boolean {
    return this.deleteRow.run(id).changes > 0;
  }

  /** The few rows that need attention (complete ones are listed with list()). */
  inState(state: Exclude<RecordingState, 'complete'>): Recording[] {
    return this.inStateRows.all(state).map(fromRow);
  }

  /** Every row's path, id and state (for the reconciliation with the storage folder). */
  paths(): IterableIterator<Pick<RecordingRow, 'id' | 'path' | 'state'>> {
    return this.pathRows.iterate();
  }

  totals(): CameraTotals[] {
    return this.totalRows.all().map((row) => ({ camera: row.camera, count: row.count, bytes: row.bytes }));
  }

  /** One camera's totals, from a range of the recordings_totals index (retention checks it after every recording). */
  totalsFor(camera: string): CameraTotals {
    const row = this.cameraTotalRow.get(camera);
    return { camera, count: row?.count ?? 0, bytes: row?.bytes ?? 0 };
  }

  /**
   * A page of recordings, newest (or oldest) first, by keyset: the next page starts after the
   * last row's (start_ms, id), so pages stay consistent while rows are added and each page
   * costs the same however deep it is (no OFFSET).
   */
  list(query: RecordingQuery = {}): RecordingPage {
    return keysetPage(this.db, this.listStatements, listStatement(query), fromRow, (recording) => ({ startMs: recording.startMs, id: recording.id }));
  }
}

/**
 * Checks what every paginated list of the index takes (limit, order, trigger, from, to), naming
 * the field and value that are wrong; the page size and order, defaults applied.
 */
export function checkPageQuery(query: { limit?: number; order?: 'newest' | 'oldest'; trigger?: RecordingTrigger; from?: number; to?: number }): { limit: number; order: 'newest' | 'oldest' } {
  const limit = query.limit ?? DEFAULT_PAGE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new RangeError(`limit ${JSON.stringify(query.limit)} must be an integer from 1 to ${MAX_PAGE}`);
  const order = query.order ?? 'newest';
  if (order !== 'newest' && order !== 'oldest') throw new RangeError(`order ${JSON.stringify(order)} must be newest or oldest`);
  if (query.trigger !== undefined && !RECORDING_TRIGGERS.includes(query.trigger)) throw new RangeError(`trigger ${JSON.stringify(query.trigger)} must be one of ${RECORDING_TRIGGERS.join(', ')}`);
  for (const field of ['from', 'to'] as const) {
    const value = query[field];
    if (value !== undefined && !Number.isSafeInteger(value)) throw new RangeError(`${field} ${JSON.stringify(value)} must be an integer (epoch ms)`);
  }
  return { limit, order };
}

/**
 * The SQL of one page of a recordings list and its parameters, built from the filters present
 * (a `:camera IS NULL OR camera = :camera` form would keep SQLite from using the indexes).
 * Exported for the test that checks its query plan.
 */
export function listStatement(query: RecordingQuery): PageStatement {
  const { limit, order } = checkPageQuery(query);
  if (query.state !== undefined && !RECORDING_STATES.includes(query.state)) throw new RangeError(`state ${JSON.stringify(query.state)} must be one of ${RECORDING_STATES.join(', ')}`);
  const fingerprint = queryFingerprint({ ...cameraFingerprint(query), trigger: query.trigger, state: query.state, from: query.from, to: query.to, order });
  const after = query.continue !== undefined ? decodeContinueToken(query.continue, fingerprint) : undefined;

  const params: Record<string, unknown> = { limit: limit + 1 };
  const where = cameraConditions(query, params);
  if (query.trigger !== undefined) {
    where.push('trigger = @trigger');
    params.trigger = query.trigger;
  }
  if (query.state !== undefined) {
    where.push('state = @state');
    params.state = query.state;
  }
  if (query.to !== undefined) {
    where.push('start_ms < @to');
    params.to = query.to;
  }
  if (query.from !== undefined) {
    // end_ms > from is the condition; the bound on start_ms (no recording is longer than the
    // longest, found in O(log n) through recordings_by_span) lets the index stop the scan there.
    where.push('end_ms > @from', 'start_ms > @from - (SELECT coalesce(max(end_ms - start_ms), 0) FROM recordings)');
    params.from = query.from;
  }
  if (after) {
    where.push(order === 'newest' ? '(start_ms, id) < (@afterStart, @afterId)' : '(start_ms, id) > (@afterStart, @afterId)');
    params.afterStart = after.startMs;
    params.afterId = after.id;
  }
  const direction = order === 'newest' ? 'DESC' : 'ASC';
  const sql = `SELECT ${COLUMNS} FROM recordings ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY start_ms ${direction}, id ${direction} LIMIT @limit`;
  return { sql, params, limit, fingerprint };
}

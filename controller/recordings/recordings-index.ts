import type { Database } from 'better-sqlite3';
import { join } from 'node:path';
import type { MigrationResult } from './migrate.js';
import type { MotionEventQuery } from './motion-events-list.js';
import { MotionEventsTable, type MotionEnd, type MotionEventPage, type MotionStart } from './motion-events-table.js';
import { INDEX_FILE, openIndexDatabase } from './open-database.js';
import { RecordingsTable, type InsertOutcome, type RecordingPage, type RecordingQuery } from './recordings-table.js';
import { Timeline, type CameraTimeline, type TimelineQuery } from './timeline.js';
import type { CameraTotals, MotionEvent, NewRecording, Recording, RecordingState } from './types.js';

export interface IndexOptions {
  /** Epoch ms, for created_ms. */
  now?: () => number;
  /** Stop the schema at this version (tests of the upgrade); the newest when absent. */
  targetVersion?: number;
}

export interface CommitResult {
  outcome: InsertOutcome;
  /** Motion events now linked to the recording. */
  linkedMotionEvents: number;
}

/**
 * The recordings index: `<storage>/camlet.db`, one per storage folder, written by the controller
 * alone. Every method is one transaction, committed (and, with synchronous=FULL, on disk) when it
 * returns: callers order their file operations around these calls (see delete-recording.ts).
 */
export class RecordingsIndex {
  private readonly recordings: RecordingsTable;
  private readonly motion: MotionEventsTable;
  private readonly timelines: Timeline;
  private readonly commit: (recording: NewRecording) => CommitResult;

  private constructor(
    readonly file: string,
    readonly db: Database,
    readonly migration: MigrationResult,
    now: () => number,
  ) {
    this.recordings = new RecordingsTable(db, now);
    this.motion = new MotionEventsTable(db);
    this.timelines = new Timeline(db);
    this.commit = db.transaction((recording: NewRecording): CommitResult => {
      const outcome = this.recordings.insert(recording);
      const linked = outcome === 'inserted' || outcome === 'adopted' ? this.motion.linkToRecording(recording) : 0;
      return { outcome, linkedMotionEvents: linked };
    });
  }

  /** Opens `<storage>/camlet.db`, creating and upgrading it as needed. */
  static open(storage: string, options: IndexOptions = {}): RecordingsIndex {
    return RecordingsIndex.openFile(join(storage, INDEX_FILE), options);
  }

  static openFile(file: string, options: IndexOptions = {}): RecordingsIndex {
    const { db, migration } = openIndexDatabase(file, options.targetVersion);
    return new RecordingsIndex(file, db, migration, options.now ?? Date.now);
  }

  get isOpen(): boolean {
    return this.db.open;
  }

  /**
   * Indexes a finished recording whose file is already in place and on disk (the worker fsyncs
   * it and its folder before reporting it), and links the motion events it holds. The same id
   * twice is one row.
   */
  insertRecording(recording: NewRecording): CommitResult {
    return this.commit(recording);
  }

  getRecording(id: string): Recording | undefined {
    return this.recordings.get(id);
  }

  getRecordingByPath(path: string): Recording | undefined {
    return this.recordings.getByPath(path);
  }

  listRecordings(query: RecordingQuery = {}): RecordingPage {
    return this.recordings.list(query);
  }

  /** Rows being deleted or missing, oldest first, from their small partial index. */
  recordingsInState(state: Exclude<RecordingState, 'complete'>): Recording[] {
    return this.recordings.inState(state);
  }

  /** Every row's id, path and state, streamed (for the reconciliation with the storage folder). */
  recordingPaths(): IterableIterator<{ id: string; path: string; state: RecordingState }> {
    return this.recordings.paths();
  }

  /** First step of a deletion; false when there is no such row. */
  markDeleting(id: string): boolean {
    return this.recordings.setState(id, 'deleting');
  }

  markMissing(id: string): boolean {
    return this.recordings.setState(id, 'missing');
  }

  /** A missing file that is back (storage remounted). */
  markComplete(id: string): boolean {
    return this.recordings.setState(id, 'complete');
  }

  /** Last step of a deletion; its motion events stay, unlinked. False when there is no such row. */
  removeRecording(id: string): boolean {
    return this.recordings.remove(id);
  }

  totalsByCamera(): CameraTotals[] {
    return this.recordings.totals();
  }

  totalsForCamera(camera: string): CameraTotals {
    return this.recordings.totalsFor(camera);
  }

  /** An open motion event; its id. */
  startMotion(motion: MotionStart): number {
    return this.motion.start(motion);
  }

  endMotion(motion: MotionEnd): ReturnType<MotionEventsTable['end']> {
    return this.motion.end(motion);
  }

  closeOpenMotion(camera: string, atMs: number): number {
    return this.motion.closeOpen(camera, atMs);
  }

  getMotionEvent(id: number): MotionEvent | undefined {
    return this.motion.get(id);
  }

  motionEventsOf(recordingId: string): MotionEvent[] {
    return this.motion.forRecording(recordingId);
  }

  motionEventsForCamera(camera: string, fromMs?: number, toMs?: number): MotionEvent[] {
    return this.motion.forCamera(camera, fromMs, toMs);
  }

  listMotionEvents(query: MotionEventQuery = {}): MotionEventPage {
    return this.motion.list(query);
  }

  /** Recorded intervals and motion markers per camera, for a timeline bar (see timeline.ts). */
  timeline(query: TimelineQuery): CameraTimeline[] {
    return this.timelines.query(query);
  }

  /** Checkpoints the WAL into the database file and closes; safe to call twice. */
  close(): void {
    if (this.db.open) this.db.close();
  }
}

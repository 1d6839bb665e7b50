import type { Logger } from '../../lib/logger.js';
import { isNoSpace } from '../../lib/no-space.js';
import type { MotionMessage, RecordingMessage } from '../../worker/protocol.js';
import type { RecordingSink } from './recording-sink.js';
import type { RecordingsIndex } from './recordings-index.js';
import type { Recording } from './types.js';

/**
 * Writes what workers report into the recordings index: a row per finished recording (the
 * worker has already put its file in place and synced it, so the row never points at a file
 * that is not whole), a motion event opened at motionStarted and closed at motionEnded.
 *
 * A write that fails (disk full, I/O error) is logged and counted, never thrown into the
 * supervisor: the recording's file is in storage all the same. Its row is tried again before
 * each later report (retention will have freed room on a full disk), and the next start's
 * reconciliation indexes it if the controller stops first.
 */
/** A failure that may pass: a full disk (retention frees it), a busy or failing disk. */
function mayPass(error: unknown): boolean {
  return isNoSpace(error) || /^SQLITE_(BUSY|IOERR)/.test(String((error as { code?: unknown }).code));
}

/** Rows kept for another try, at most: past that, the next start's reconciliation indexes the files. */
const UNWRITTEN_KEPT = 1000;

export class IndexSink implements RecordingSink {
  /** Finished recordings whose row could not be written yet, by id. */
  private readonly unwritten = new Map<string, { camera: string; message: Extract<RecordingMessage, { type: 'recordingFinished' }> }>();

  constructor(
    private readonly index: RecordingsIndex,
    private readonly logger: Logger,
    private readonly failed: () => void,
    /** After a recording's row is committed (the API's watchers hear of it). */
    private readonly indexed?: (recording: Recording) => void,
  ) {}

  recording(camera: string, message: RecordingMessage): void {
    this.retryUnwritten();
    if (message.type !== 'recordingFinished') return;
    this.writeRow(camera, message);
  }

  private retryUnwritten(): void {
    for (const [id, { camera, message }] of this.unwritten) {
      this.unwritten.delete(id);
      if (!this.writeRow(camera, message)) break;
    }
  }

  /** Writes a finished recording's row; false (and kept for later) when the write failed. */
  private writeRow(camera: string, message: Extract<RecordingMessage, { type: 'recordingFinished' }>): boolean {
    const { id, trigger, path, startMs, endMs, bytes, durationSeconds, codec, width, height } = message;
    const written = this.write(camera, id, () => {
      const { outcome, linkedMotionEvents } = this.index.insertRecording({ id, camera, path, startMs, endMs, durationSeconds, bytes, codec, width, height, trigger });
      if (outcome === 'inserted' || outcome === 'adopted') {
        this.logger.debug({ camera, recordingID: id, path, outcome, linkedMotionEvents }, 'recording indexed');
        const row = this.indexed && this.index.getRecording(id);
        if (row) this.indexed?.(row);
        return;
      }
      const existing = outcome === 'exists' ? this.index.getRecording(id) : this.index.getRecordingByPath(path);
      if (outcome === 'exists' && existing?.path === path) return; // the same report twice
      this.logger.warn({ camera, recordingID: id, path, outcome, indexedPath: existing?.path, indexedId: existing?.id }, 'recording not indexed: its id or path is taken by another row');
    });
    // Tried again only when the failure may pass (a full disk, retention freeing it); a row the
    // index refuses for what it says would be refused again.
    if (typeof written === 'object' && mayPass(written.failed) && this.unwritten.size < UNWRITTEN_KEPT) this.unwritten.set(id, { camera, message });
    return written === 'written';
  }

  motion(camera: string, message: MotionMessage): void {
    this.retryUnwritten();
    this.write(camera, undefined, () => {
      if (message.type === 'motionStarted') this.index.startMotion({ camera, startMs: message.at, score: message.score, boxes: message.boxes });
      else this.index.endMotion({ camera, startMs: message.startedAt, endMs: message.at, peakScore: message.peakScore });
    });
  }

  workerExited(camera: string, atMs: number): void {
    this.write(camera, undefined, () => this.index.closeOpenMotion(camera, atMs));
  }

  /** Runs a write of the index: written, or the error it failed with (logged and counted), or closed. */
  private write(camera: string, recording: string | undefined, action: () => void): 'written' | 'closed' | { failed: unknown } {
    if (!this.index.isOpen) {
      // A worker's last report after the controller closed the index on its way out.
      this.logger.warn({ camera, recordingID: recording }, 'recordings index already closed: report not indexed (the next start reconciles the files)');
      return 'closed';
    }
    try {
      action();
      return 'written';
    } catch (error) {
      this.failed();
      this.logger.error({ camera, recordingID: recording, err: (error as Error).message }, 'cannot write to the recordings index');
      return { failed: error };
    }
  }
}

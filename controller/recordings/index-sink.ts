import type { Logger } from '../../lib/logger.js';
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
 * supervisor: the recording's file is in storage all the same, and the next start's
 * reconciliation indexes it.
 */
export class IndexSink implements RecordingSink {
  constructor(
    private readonly index: RecordingsIndex,
    private readonly logger: Logger,
    private readonly failed: () => void,
    /** After a recording's row is committed (the API's watchers hear of it). */
    private readonly indexed?: (recording: Recording) => void,
  ) {}

  recording(camera: string, message: RecordingMessage): void {
    if (message.type !== 'recordingFinished') return;
    const { id, trigger, path, startMs, endMs, bytes, durationSeconds, codec, width, height } = message;
    this.write(camera, id, () => {
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
  }

  motion(camera: string, message: MotionMessage): void {
    this.write(camera, undefined, () => {
      if (message.type === 'motionStarted') this.index.startMotion({ camera, startMs: message.at, score: message.score, boxes: message.boxes });
      else this.index.endMotion({ camera, startMs: message.startedAt, endMs: message.at, peakScore: message.peakScore });
    });
  }

  workerExited(camera: string, atMs: number): void {
    this.write(camera, undefined, () => this.index.closeOpenMotion(camera, atMs));
  }

  private write(camera: string, recording: string | undefined, action: () => void): void {
    if (!this.index.isOpen) {
      // A worker's last report after the controller closed the index on its way out.
      this.logger.warn({ camera, recording }, 'recordings index already closed: report not indexed (the next start reconciles the files)');
      return;
    }
    try {
      action();
    } catch (error) {
      this.failed();
      this.logger.error({ camera, recording, err: (error as Error).message }, 'cannot write to the recordings index');
    }
  }
}

/** What started a recording. `manual`: asked for by a person (the API to come). */
export type RecordingTrigger = 'motion' | 'continuous' | 'manual';
export const RECORDING_TRIGGERS: readonly RecordingTrigger[] = ['motion', 'continuous', 'manual'];

/**
 * `complete`: the file is in storage. `deleting`: its deletion has begun, the file may already be
 * gone (finished at the next start if interrupted). `missing`: the file was not found.
 */
export type RecordingState = 'complete' | 'deleting' | 'missing';
export const RECORDING_STATES: readonly RecordingState[] = ['complete', 'deleting', 'missing'];

/** A finished recording as the worker reports it (or as the start-up reconciliation finds it). */
export interface NewRecording {
  id: string;
  camera: string;
  /** Relative to the storage folder. */
  path: string;
  /** UTC epoch ms. */
  startMs: number;
  endMs: number;
  durationSeconds: number;
  bytes: number;
  codec: string;
  width: number;
  height: number;
  trigger: RecordingTrigger;
}

export interface Recording extends NewRecording {
  state: RecordingState;
  /** When the row was written, epoch ms. */
  createdMs: number;
}

export interface MotionBoxRecord {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface MotionEvent {
  id: number;
  camera: string;
  startMs: number;
  /** Undefined while the motion goes on. */
  endMs?: number;
  peakScore: number;
  boxes: MotionBoxRecord[];
  recordingId?: string;
}

export interface CameraTotals {
  camera: string;
  /** Complete recordings only: files being deleted or missing are not on the disk (for long). */
  count: number;
  bytes: number;
}

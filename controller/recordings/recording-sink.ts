import type { MotionMessage, RecordingMessage } from '../../worker/protocol.js';

/**
 * Where a camera supervisor sends what its worker reports about recordings and motion, besides
 * its own status, Events and metrics. The supervisor knows only this; the recordings index
 * (index-sink.ts) is one. Calls must not throw: a failing sink must not disturb the camera.
 */
export interface RecordingSink {
  recording(camera: string, message: RecordingMessage): void;
  motion(camera: string, message: MotionMessage): void;
  /** The camera's worker is gone: motion it reported as going on has ended with it. */
  workerExited(camera: string, atMs: number): void;
}

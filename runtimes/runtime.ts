import type { WorkerExit } from '../controller/lifecycle/camera-machine.js';
import type { Heartbeat, LiveSettings, ManualRecordingRequest, MotionMessage, RecordingMessage, WorkerConfig, WorkerEvent } from '../worker/protocol.js';

/**
 * How a camera's worker is run. The controller knows only this interface, so that the process
 * runtime (an OS child process per camera) can be joined by another (a Kubernetes Pod per
 * camera) without touching the reconciler.
 */
export interface Runtime {
  /** Shown in the camera's status (status.worker.runtime). */
  readonly name: string;
  start(config: WorkerConfig, callbacks: WorkerCallbacks): WorkerHandle;
}

/** A structured log line from a worker (pino's JSON object), or a line of its stderr. */
export type WorkerLogRecord = Record<string, unknown> & { level: string; msg: string };

export interface WorkerCallbacks {
  onHeartbeat(heartbeat: Heartbeat): void;
  onEvent(event: WorkerEvent): void;
  /** A recording started, finished or failed. */
  onRecording(message: RecordingMessage): void;
  /** Motion started or ended. */
  onMotion(message: MotionMessage): void;
  onLog(record: WorkerLogRecord): void;
  /** Called once, when the worker is gone (or could not be started). */
  onExit(exit: WorkerExit): void;
}

export interface ResourceUsage {
  /** CPU time of the worker and its ffmpeg processes, in seconds, since the worker started. */
  cpuSeconds: number;
  /** Resident memory of the worker and its ffmpeg processes. */
  residentBytes: number;
}

export interface WorkerHandle {
  /** The worker's process id, where the runtime has one. */
  readonly pid: number | undefined;
  readonly startedAt: number;
  /** Live settings for the running worker; no restart. */
  update(settings: LiveSettings): void;
  /** An operator's manual recording, started, extended or stopped by the running worker. */
  record(request: ManualRecordingRequest): void;
  /** Asks the worker to stop, then kills it after the grace period; resolves once it is gone. */
  stop(graceMs: number): Promise<void>;
  /** Current usage, or undefined when the runtime cannot tell. */
  usage(ffmpegPids: readonly number[]): ResourceUsage | undefined;
}

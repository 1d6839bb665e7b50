import { createActor, type Actor } from 'xstate';
import type { CameraStatus } from '../../crds-like-schemas/generated/camera.js';
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import type { Runtime, WorkerHandle, WorkerLogRecord } from '../../runtimes/runtime.js';
import type { Heartbeat, LiveSettings, ManualRecordingRequest, MotionMessage, RecordingMessage, StreamRole, WorkerConfig } from '../../worker/protocol.js';
import type { EventRecorder } from '../events/event-recorder.js';
import type { CameraManifest } from '../manifests/camera-document.js';
import type { CameraFigures, Metrics } from '../metrics/metrics.js';
import type { RecordingSink } from '../recordings/recording-sink.js';
import { formatBytes } from '../retention/quantity.js';
import type { CameraStore } from '../store/camera-store.js';
import { setCondition } from '../store/conditions.js';
import { cameraMachine, type CameraMachineEmitted, type LifecyclePolicy, type MachinePhase } from './camera-machine.js';

export interface SupervisorSettings {
  /** Root of recordings; each camera gets a folder of its own. */
  storage: string;
  logLevel: WorkerConfig['logLevel'];
  /** SIGTERM to SIGKILL, for the worker. */
  workerStopGraceMs: number;
}

export interface SupervisorDependencies {
  runtime: Runtime;
  store: CameraStore;
  events: EventRecorder;
  metrics: Metrics;
  clock: Clock;
  logger: Logger;
  /** Where the worker's own log lines go (the controller's stdout, with the camera on each). */
  relayLog(record: WorkerLogRecord): void;
  settings: SupervisorSettings;
  /** Where finished recordings and motion events are kept (the recordings index); none in tests that need none. */
  recordings?: RecordingSink;
}

export function lifecyclePolicy(manifest: CameraManifest): LifecyclePolicy {
  const { restart, health } = manifest.spec;
  return {
    initialBackoffMs: restart.initialBackoffSeconds * 1000,
    maxBackoffMs: restart.maxBackoffSeconds * 1000,
    maxRestarts: restart.maxRestarts,
    resetAfterMs: restart.resetAfterSeconds * 1000,
    heartbeatTimeoutMs: health.timeoutSeconds * 1000,
    unhealthyRestartMs: health.unhealthyRestartSeconds * 1000,
  };
}

export function liveSettings(manifest: CameraManifest): LiveSettings {
  const { motion, recording, health } = manifest.spec;
  return { motion, recording, heartbeatSeconds: health.heartbeatSeconds };
}

/**
 * A heartbeat that changes nothing but figures (heartbeat time, frame counts, fps) is written
 * into the status at most this often, as the kubelet paces node status: with thousands of
 * cameras, a status write per heartbeat would flood every watcher. Anything that matters (health,
 * a stream connecting or dropping, its rate first measured) is written at once. /workers/:name
 * and /metrics are always live.
 */
export const STATUS_FIGURES_INTERVAL_MS = 10_000;

/** What /workers/:name shows. */
export interface WorkerInfo {
  camera: string;
  phase: MachinePhase;
  runtime: string;
  pid?: number;
  ffmpegPids: number[];
  startTime?: string;
  uptimeSeconds?: number;
  lastHeartbeatTime?: string;
  heartbeat?: Omit<Heartbeat, 'v' | 'type'>;
  usage?: { cpuSeconds: number; residentBytes: number };
}

/**
 * Carries out one camera's lifecycle machine: starts and stops its worker through the runtime,
 * feeds the machine the worker's heartbeats and exit, and turns every transition into the
 * camera's status, an Event and metrics. The reconciler tells it what is wanted; it never
 * reads manifests itself.
 */
export class CameraSupervisor {
  private readonly actor: Actor<typeof cameraMachine>;
  private handle: WorkerHandle | undefined;
  private lastHeartbeat: Heartbeat | undefined;
  /**
   * The recordings a worker of this camera is writing, by id: a manual one may overlap a motion
   * one. status.recording shows the one started last.
   */
  private readonly recordingsNow = new Map<string, NonNullable<CameraStatus['recording']>>();
  private lastHeartbeatAt: number | undefined;
  private lastStatusWriteAt = -Infinity;
  private readonly logger: Logger;
  /** The manifest the worker runs (or will run) with. */
  applied: CameraManifest | undefined;

  constructor(
    readonly name: string,
    manifest: CameraManifest,
    private readonly deps: SupervisorDependencies,
  ) {
    this.logger = deps.logger.child({ camera: name });
    deps.metrics.cameraAdded(name);
    this.applied = manifest;
    this.actor = createActor(cameraMachine, { clock: deps.clock, input: { policy: lifecyclePolicy(manifest) } });
    this.actor.on('*', (emitted) => this.carryOut(emitted));
    this.actor.start();
  }

  get phase(): MachinePhase {
    return this.actor.getSnapshot().context.phase ?? 'Pending';
  }

  /** No worker process exists and none is about to (the camera may be deleted now). */
  get idle(): boolean {
    return this.handle === undefined && ['Pending', 'Stopped', 'Failed', 'Backoff'].includes(this.phase);
  }

  /** Run (or keep running) with this manifest. */
  run(manifest: CameraManifest): void {
    this.applied = manifest;
    this.actor.send({ type: 'POLICY', policy: lifecyclePolicy(manifest) });
    this.actor.send({ type: 'START' });
  }

  /** Run with a manifest the running worker cannot take live (new stream URLs): stop, then start. */
  restart(manifest: CameraManifest, reason: string): void {
    this.applied = manifest;
    this.actor.send({ type: 'POLICY', policy: lifecyclePolicy(manifest) });
    this.deps.events.record({ kind: 'Camera', name: this.name }, 'Normal', 'Restarting', `restarting the worker: ${reason}`);
    this.actor.send({ type: 'RESTART', reason });
  }

  /** Hands new live settings to the running worker and new timings to the machine. */
  update(manifest: CameraManifest, what: string): void {
    this.applied = manifest;
    this.actor.send({ type: 'POLICY', policy: lifecyclePolicy(manifest) });
    this.handle?.update(liveSettings(manifest));
    this.deps.events.record({ kind: 'Camera', name: this.name }, 'Normal', 'Updated', `applied without restart: ${what}`);
    // Conditions that follow the spec (Recording with recording.mode) change now, not at the next paced write.
    this.writeStatus();
  }

  stop(): void {
    this.actor.send({ type: 'STOP' });
  }

  /**
   * Hands an operator's manual recording request to the worker. Returns why it cannot when no
   * worker runs (Running, or Unhealthy: that worker records as soon as its stream delivers).
   */
  record(request: ManualRecordingRequest): string | undefined {
    const phase = this.phase;
    if (!this.handle || (phase !== 'Running' && phase !== 'Unhealthy')) return `camera "${this.name}" is ${phase}: no worker runs to record`;
    this.handle.record(request);
    this.logger.info({ request }, 'stop' in request ? 'manual recording stop requested' : 'manual recording requested');
    return undefined;
  }

  /** Ends the machine once the camera is gone; its metrics go with it. */
  dispose(): void {
    this.actor.stop();
    this.deps.metrics.forgetCamera(this.name);
  }

  figures(now: number): CameraFigures {
    const streams = Object.entries(this.handle ? (this.lastHeartbeat?.streams ?? {}) : {}).map(([stream, f]) => ({
      stream,
      fps: f.fps,
      connected: f.connected,
      reconnects: f.reconnects,
    }));
    const usage = this.handle?.usage(this.lastHeartbeat?.ffmpegPids ?? []);
    return {
      camera: this.name,
      phase: this.phase,
      ...(this.handle && this.lastHeartbeatAt !== undefined ? { heartbeatAgeSeconds: (now - this.lastHeartbeatAt) / 1000 } : {}),
      streams,
      ...(usage ? { usage } : {}),
      ...(this.handle && this.lastHeartbeat?.motion ? { motion: this.lastHeartbeat.motion } : {}),
      ...(this.handle && this.applied?.spec.motion.enabled ? { motionTargetFps: this.applied.spec.motion.fps } : {}),
    };
  }

  info(now: number): WorkerInfo {
    const handle = this.handle;
    const heartbeat = handle ? this.lastHeartbeat : undefined;
    const usage = handle?.usage(heartbeat?.ffmpegPids ?? []);
    return {
      camera: this.name,
      phase: this.phase,
      runtime: this.deps.runtime.name,
      ...(handle?.pid !== undefined ? { pid: handle.pid } : {}),
      ffmpegPids: heartbeat?.ffmpegPids ?? [],
      ...(handle ? { startTime: new Date(handle.startedAt).toISOString(), uptimeSeconds: Math.round((now - handle.startedAt) / 100) / 10 } : {}),
      ...(this.lastHeartbeatAt !== undefined ? { lastHeartbeatTime: new Date(this.lastHeartbeatAt).toISOString() } : {}),
      ...(heartbeat ? { heartbeat: { time: heartbeat.time, healthy: heartbeat.healthy, detail: heartbeat.detail, streams: heartbeat.streams, ffmpegPids: heartbeat.ffmpegPids } } : {}),
      ...(usage ? { usage } : {}),
      ...(this.handle && this.lastHeartbeat?.motion ? { motion: this.lastHeartbeat.motion } : {}),
    };
  }

  private carryOut(emitted: CameraMachineEmitted): void {
    switch (emitted.type) {
      case 'spawn':
        this.spawn();
        return;
      case 'stop':
        this.stopWorker();
        return;
      case 'transition':
        this.announce(emitted);
        return;
    }
  }

  private spawn(): void {
    const manifest = this.applied;
    if (!manifest) return;
    const { settings, runtime } = this.deps;
    const config: WorkerConfig = {
      camera: this.name,
      streams: manifest.streams,
      ...liveSettings(manifest),
      secrets: manifest.secrets,
      // The storage root: recordings go to <storage>/<camera>/<day>/, the spool to <storage>/.spool/<camera>/.
      storage: settings.storage,
      logLevel: settings.logLevel,
      // ffmpeg must be done before the controller's SIGKILL reaches the worker.
      ffmpegStopGraceMs: Math.round(settings.workerStopGraceMs * 0.6),
    };
    this.lastHeartbeat = undefined;
    this.lastHeartbeatAt = undefined;
    // Callbacks of a worker that is no longer the current one are ignored.
    const handle: WorkerHandle = runtime.start(config, {
      onHeartbeat: (heartbeat) => {
        if (this.handle === handle) this.heartbeat(heartbeat);
      },
      onEvent: (event) => {
        if (this.handle === handle) this.deps.events.record({ kind: 'Camera', name: this.name }, event.eventType, event.reason, event.message);
      },
      onRecording: (message) => this.recording(message),
      onMotion: (message) => this.motion(message),
      onLog: (record) => this.deps.relayLog({ ...record, camera: this.name }),
      onExit: (exit) => {
        if (this.handle !== handle) return;
        this.handle = undefined;
        // Nothing is being written once it is gone; what it left, the next worker finishes and reports.
        this.recordingsNow.clear();
        this.logger.info({ exit }, 'worker exited');
        this.deps.recordings?.workerExited(this.name, this.deps.clock.now());
        this.actor.send({ type: 'WORKER_EXITED', exit });
      },
    });
    this.handle = handle;
    this.writeStatus();
  }

  private stopWorker(): void {
    const handle = this.handle;
    if (!handle) {
      // Nothing runs (it never started, or is already gone): the machine still waits for an exit.
      queueMicrotask(() => this.actor.send({ type: 'WORKER_EXITED', exit: { code: 0, signal: null } }));
      return;
    }
    handle.stop(this.deps.settings.workerStopGraceMs).catch((error: unknown) => this.logger.error({ err: String(error) }, 'stopping the worker failed'));
  }

  private heartbeat(heartbeat: Heartbeat): void {
    const previous = this.lastHeartbeat;
    const now = this.deps.clock.now();
    this.lastHeartbeat = heartbeat;
    this.lastHeartbeatAt = now;
    this.actor.send({ type: 'HEARTBEAT', healthy: heartbeat.healthy, detail: heartbeat.detail });
    if (!previous || changesMoreThanFigures(previous, heartbeat) || now - this.lastStatusWriteAt >= STATUS_FIGURES_INTERVAL_MS) this.writeStatus();
  }

  /** Motion on the camera: an Event (and a count) when it starts, a log line when it ends. */
  private motion(message: MotionMessage): void {
    this.deps.recordings?.motion(this.name, message);
    if (message.type === 'motionStarted') {
      this.deps.metrics.motionStarted(this.name);
      const percent = (message.score * 100).toFixed(1);
      this.deps.events.record({ kind: 'Camera', name: this.name }, 'Normal', 'MotionDetected', `motion over ${percent}% of the picture`);
    }
    this.logger.info({ event: message.type, at: new Date(message.at).toISOString() }, 'motion');
  }

  /**
   * A recording started, finished or failed: an Event, its metrics, and the Recording condition.
   * Taken from any worker of the camera, even one that is stopping: it finishes its recordings
   * on its way out.
   */
  private recording(message: RecordingMessage): void {
    const { events, metrics, clock } = this.deps;
    const involved = { kind: 'Camera', name: this.name };
    // Indexed first: by the time the Event says a recording finished, it can be found.
    this.deps.recordings?.recording(this.name, message);
    if (message.type === 'storageFull') {
      // The sink (the storage service) has retention free the room; the Event says why recordings wait.
      const waiting = message.id ? `recording ${message.id} waits for room` : 'the segments stopped';
      events.record(involved, 'Warning', 'StorageFull', `storage is full (${message.error}): ${waiting}; retention deletes the oldest recordings to free ${formatBytes(message.needBytes)}`);
      this.logger.warn({ recordingID: message.id, needBytes: message.needBytes, err: message.error }, 'storage full');
      return;
    }
    if (message.type === 'recordingStarted') {
      this.recordingsNow.set(message.id, { id: message.id, trigger: message.trigger, startTime: new Date(clock.now()).toISOString() });
      events.record(involved, 'Normal', 'RecordingStarted', `${message.trigger} recording started`);
    } else {
      this.recordingsNow.delete(message.id);
      if (message.type === 'recordingFinished') {
        metrics.recorded(this.name, message.trigger, message.bytes);
        const megabytes = (message.bytes / 1e6).toFixed(1);
        events.record(involved, 'Normal', 'RecordingFinished', `${message.path}: ${message.durationSeconds.toFixed(1)} s, ${megabytes} MB, ${message.codec} ${message.width}x${message.height}`);
      } else {
        metrics.recordingFailed(this.name, message.trigger);
        events.record(involved, 'Warning', 'RecordingFailed', `${message.trigger} recording failed: ${message.error}`);
      }
    }
    this.logger.info({ recordingID: message.id, event: message.type, trigger: message.trigger }, `recording ${message.type.replace(/^recording/, '').toLowerCase()}`);
    if (this.deps.store.desired(this.name)) this.writeStatus();
  }

  private announce(transition: Extract<CameraMachineEmitted, { type: 'transition' }>): void {
    const { from, phase, eventType, reason, message } = transition;
    const { events, metrics, store } = this.deps;
    events.record({ kind: 'Camera', name: this.name }, eventType, reason, message);
    if (from && from !== phase) metrics.transition(this.name, from, phase);
    if (reason === 'Restarting') metrics.restart(this.name);
    this.logger[eventType === 'Warning' ? 'warn' : 'info']({ phase, from, reason }, message);
    // A deleted camera is no longer in the store; its last moments are still logged and recorded.
    if (store.desired(this.name)) this.writeStatus();
  }

  private writeStatus(): void {
    const { context } = this.actor.getSnapshot();
    const now = new Date(this.deps.clock.now());
    this.lastStatusWriteAt = now.getTime();
    const handle = this.handle;
    const heartbeat = handle ? this.lastHeartbeat : undefined;
    const phase = context.phase ?? 'Pending';
    this.deps.store.updateStatus(this.name, (status): CameraStatus => {
      let conditions = setCondition(
        status.conditions ?? [],
        phase === 'Running'
          ? { type: 'Ready', status: 'True', reason: 'Running', message: 'the worker runs and every stream delivers frames' }
          : { type: 'Ready', status: 'False', reason: context.reason || phase, message: context.message },
        now,
      );
      conditions = setCondition(
        conditions,
        heartbeat
          ? { type: 'StreamConnected', status: heartbeat.healthy ? 'True' : 'False', reason: heartbeat.healthy ? 'Connected' : 'NotConnected', message: heartbeat.detail }
          : { type: 'StreamConnected', status: 'Unknown', reason: 'NoWorker', message: 'no worker reports on the streams' },
        now,
      );
      const recording = [...this.recordingsNow.values()].at(-1);
      conditions = setCondition(
        conditions,
        recording
          ? { type: 'Recording', status: 'True', reason: 'Recording', message: `${recording.trigger} recording since ${recording.startTime}` }
          : this.applied?.spec.recording.mode === 'off'
            ? { type: 'Recording', status: 'False', reason: 'RecordingOff', message: 'recording.mode is off' }
            : { type: 'Recording', status: 'False', reason: 'NotRecording', message: 'no recording in progress' },
        now,
      );
      // Figures of a previous worker go; the rest (ManifestValid, observedGeneration) stays.
      // Written out field by field, never spread: see lib/fixed-shape.ts.
      return {
        phase,
        observedGeneration: status.observedGeneration,
        restarts: context.restarts,
        lastHeartbeatTime: this.lastHeartbeatAt !== undefined ? new Date(this.lastHeartbeatAt).toISOString() : undefined,
        reason: context.reason,
        message: context.message,
        conditions,
        streams: heartbeat ? streamFigures(heartbeat) : undefined,
        worker: handle ? { runtime: this.deps.runtime.name, pid: handle.pid, startTime: new Date(handle.startedAt).toISOString() } : undefined,
        motion: heartbeat?.motion ? { analysedFps: heartbeat.motion.analysedFps, skippedFps: heartbeat.motion.skippedFps, active: heartbeat.motion.active } : undefined,
        recording,
      };
    });
  }
}

/** Health, a stream's connection, or a stream's rate going from unmeasured to measured (or back). */
function changesMoreThanFigures(before: Heartbeat, after: Heartbeat): boolean {
  if (before.healthy !== after.healthy || before.motion?.active !== after.motion?.active) return true;
  const roles = new Set([...Object.keys(before.streams), ...Object.keys(after.streams)] as StreamRole[]);
  for (const role of roles) {
    const was = before.streams[role];
    const is = after.streams[role];
    if (!was || !is || was.connected !== is.connected || was.error !== is.error || (was.fps > 0) !== (is.fps > 0)) return true;
  }
  return false;
}

function streamFigures(heartbeat: Heartbeat): CameraStatus['streams'] {
  const streams: NonNullable<CameraStatus['streams']> = {};
  for (const [role, f] of Object.entries(heartbeat.streams)) {
    streams[role] = {
      connected: f.connected,
      fps: f.fps,
      frames: f.frames,
      reconnects: f.reconnects,
      lastFrameTime: f.lastFrameAt !== undefined ? new Date(f.lastFrameAt).toISOString() : undefined,
    };
  }
  return streams;
}


import type { Registry } from 'prom-client';
import type { ControllerConfig } from '../../crds-like-schemas/generated/controller-config.js';
import type { Logger } from '../../lib/logger.js';
import type { MotionMessage, RecordingMessage } from '../../worker/protocol.js';
import type { EventRecorder } from '../events/event-recorder.js';
import { registerStorageMetrics, type RetentionCounters, type RetentionReason } from '../metrics/storage-metrics.js';
import type { RecordingSink } from '../recordings/recording-sink.js';
import type { RecordingsIndex } from '../recordings/recordings-index.js';
import type { Recording } from '../recordings/types.js';
import type { CameraStore } from '../store/camera-store.js';
import type { Condition } from '../store/conditions.js';
import type { DiskSpaceReader } from '../../lib/disk-space.js';
import { parseFreeSpaceFloor } from './free-space-floor.js';
import { RetentionLoop } from './retention-loop.js';
import { reserveBytes, SpaceReserve } from './space-reserve.js';
import { retentionPolicy, type RetentionPolicy } from './retention-policy.js';
import { StorageLowCondition } from './storage-low.js';
import { StorageMonitor } from './storage-monitor.js';
import type { SweepReport } from './sweep-retention.js';

export interface StorageServiceOptions {
  index: RecordingsIndex;
  storage: string;
  config: ControllerConfig['retention'];
  /** Each camera's retention (its last valid manifest) and its recording in progress (status.recording). */
  cameras: CameraStore;
  events: EventRecorder;
  /** Where the storage metrics go; none: no metrics (tools, tests that need none). */
  registry?: Registry;
  logger: Logger;
  now?: () => number;
  readDisk?: DiskSpaceReader;
  /** After retention deleted a recording. */
  onDeleted?: (recording: Recording, reason: RetentionReason) => void;
}

/** The storage part of the controller's /status. */
export interface StorageStatus {
  path: string;
  totalBytes?: number;
  freeBytes?: number;
  usedBytes?: number;
  freeSpaceFloor: string;
  freeSpaceFloorBytes?: number;
  error?: string;
  recordings: { count: number; bytes: number };
  cameras: { camera: string; count: number; bytes: number; declared: boolean }[];
  retention: { intervalSeconds: number; lastSweepTime?: string; lastSweep?: { seconds: number; deleted: SweepReport['deleted']; bytesFreed: number; failures: number } };
}

/**
 * The controller's storage: figures (StorageMonitor), the StorageLow condition, metrics, and
 * retention (a RetentionLoop fed with each camera's limits and the recordings in progress).
 */
export class StorageService {
  readonly monitor: StorageMonitor;
  private readonly loop: RetentionLoop;
  private readonly condition: StorageLowCondition;
  private readonly counters: RetentionCounters | undefined;
  private readonly now: () => number;
  /** Policies by spec object: parsed once per manifest version, a bad one reported once. */
  private readonly policies = new WeakMap<object, RetentionPolicy>();
  private lastSweep: { at: number; report: SweepReport; seconds: number } | undefined;
  private readonly reserve: SpaceReserve;
  /** The room each camera asked for (StorageFull) since the last sweep began, and what the running sweep frees for them all. */
  private readonly roomAsked = new Map<string, number>();
  private sweepRoomBytes = 0;

  constructor(private readonly options: StorageServiceOptions) {
    const floor = parseFreeSpaceFloor(options.config.freeSpaceFloor);
    this.now = options.now ?? Date.now;
    this.monitor = new StorageMonitor({ index: options.index, storage: options.storage, floor, readDisk: options.readDisk, now: this.now });
    this.condition = new StorageLowCondition(floor, options.events);
    this.counters = options.registry ? registerStorageMetrics(options.registry, { snapshot: () => this.monitor.snapshot(), declared: () => options.cameras.names() }) : undefined;
    this.reserve = new SpaceReserve(options.storage, options.logger);
    this.loop = new RetentionLoop({
      intervalMs: options.config.intervalSeconds * 1000,
      logger: options.logger,
      beforeSweep: () => this.beforeSweep(),
      context: () => ({
        index: options.index,
        storage: options.storage,
        monitor: this.monitor,
        policy: (camera) => this.policy(camera),
        inProgress: this.inProgress(),
        now: this.now(),
        logger: options.logger,
        events: options.events,
        counters: this.counters,
        onDeleted: options.onDeleted,
        roomNeededBytes: this.sweepRoomBytes,
      }),
      afterSweep: (report, seconds) => {
        this.lastSweep = { at: this.now(), report, seconds };
        this.monitor.invalidate();
        if (report.freeSpace) this.condition.retentionExhausted(report.freeSpace.exhausted);
        else this.condition.retentionExhausted(false);
        // The condition's Events come from here too, not only when someone reads /status.
        this.condition.update(this.monitor.snapshot(), new Date(this.now()));
        this.replenishReserve();
      },
    });
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One sweep now (and its effects on the figures), resolved when done. */
  sweepNow(): Promise<void> {
    return this.loop.sweepNow();
  }

  /**
   * A full filesystem (a camera asked for room, or less free than the reserve): the reserve goes
   * first, so that SQLite has room to mark the recordings the sweep deletes.
   */
  private beforeSweep(): void {
    const { disk } = this.monitor.disk();
    // The room the cameras asked for together, and twice the reserve's, so that it can be made
    // again after the sweep (see replenishReserve) and still leave the room asked for.
    const asked = [...this.roomAsked.values()].reduce((sum, bytes) => sum + bytes, 0);
    this.roomAsked.clear();
    this.sweepRoomBytes = asked > 0 && disk ? asked + 2 * reserveBytes(disk.totalBytes) : asked;
    if (this.sweepRoomBytes === 0 && (!disk || disk.freeBytes >= reserveBytes(disk.totalBytes))) return;
    try {
      if (this.reserve.release()) this.monitor.invalidate();
    } catch (error) {
      this.options.logger.error({ path: this.reserve.path, err: (error as Error).message }, 'cannot release the space reserve');
    }
  }

  /** The reserve is made again once that leaves the floor free, and as much again as the reserve. */
  private replenishReserve(): void {
    const { disk, floorBytes } = this.monitor.disk();
    if (!disk) return;
    const bytes = reserveBytes(disk.totalBytes);
    if (this.reserve.replenish(bytes, disk.freeBytes, (floorBytes ?? 0) + bytes)) this.monitor.invalidate();
  }

  /** A camera's limits, from its last valid manifest; undefined when none declares it. */
  policy(camera: string): RetentionPolicy | undefined {
    const retention = this.options.cameras.desired(camera)?.manifest?.spec.recording.retention;
    if (!retention) return undefined;
    let policy = this.policies.get(retention);
    if (!policy) {
      try {
        policy = retentionPolicy(camera, retention);
      } catch (error) {
        // Kept by age alone rather than not at all; said once per manifest version.
        policy = { maxAgeMs: retention.maxAgeDays * 86_400_000, maxBytes: Number.POSITIVE_INFINITY };
        this.options.logger.warn({ camera, err: (error as Error).message }, 'retention.maxBytes is not usable: the camera is kept by age only');
        this.options.events.record({ kind: 'Camera', name: camera }, 'Warning', 'InvalidRetention', `${(error as Error).message}; recordings are kept by age only`);
      }
      this.policies.set(retention, policy);
    }
    return policy;
  }

  /** Ids of the recordings being written now, from every camera's status.recording. */
  inProgress(): Set<string> {
    const ids = new Set<string>();
    for (const camera of this.options.cameras.objects.values()) {
      const id = camera.status.recording?.id;
      if (id) ids.add(id);
    }
    return ids;
  }

  /**
   * The sink that workers' reports go through, with a check after each recording is indexed:
   * when its camera is now over maxBytes, or the filesystem under the floor, a sweep comes at
   * once instead of at the next interval. Never throws, as a sink must not.
   */
  watch(inner: RecordingSink): RecordingSink {
    return {
      recording: (camera: string, message: RecordingMessage) => {
        inner.recording(camera, message);
        if (message.type === 'storageFull') {
          // A camera asking again asks for the same room, not more.
          this.roomAsked.set(camera, Math.max(this.roomAsked.get(camera) ?? 0, message.needBytes));
          this.loop.soon();
          return;
        }
        if (message.type !== 'recordingFinished') return;
        try {
          if (this.overLimit(camera)) this.loop.soon();
        } catch (error) {
          this.options.logger.error({ camera, err: (error as Error).message }, 'retention check after a recording failed');
        }
      },
      motion: (camera: string, message: MotionMessage) => inner.motion(camera, message),
      workerExited: (camera: string, atMs: number) => inner.workerExited(camera, atMs),
    };
  }

  private overLimit(camera: string): boolean {
    const policy = this.policy(camera);
    if (policy && this.options.index.isOpen && this.options.index.totalsForCamera(camera).bytes > policy.maxBytes) return true;
    const { disk, floorBytes } = this.monitor.disk();
    return disk !== undefined && floorBytes !== undefined && disk.freeBytes < floorBytes;
  }

  /** The StorageLow condition, for the controller's /status. */
  conditions(): Condition[] {
    return [this.condition.update(this.monitor.snapshot(), new Date(this.now()))];
  }

  status(): StorageStatus {
    const snapshot = this.monitor.snapshot();
    const declared = new Set(this.options.cameras.names());
    const last = this.lastSweep;
    return {
      path: this.options.storage,
      ...(snapshot.disk ? { totalBytes: snapshot.disk.totalBytes, freeBytes: snapshot.disk.freeBytes, usedBytes: snapshot.disk.usedBytes } : {}),
      freeSpaceFloor: String(this.options.config.freeSpaceFloor),
      ...(snapshot.floorBytes !== undefined ? { freeSpaceFloorBytes: snapshot.floorBytes } : {}),
      ...(snapshot.diskError ? { error: snapshot.diskError } : {}),
      recordings: snapshot.cameras.reduce((sum, t) => ({ count: sum.count + t.count, bytes: sum.bytes + t.bytes }), { count: 0, bytes: 0 }),
      cameras: snapshot.cameras.map((t) => ({ camera: t.camera, count: t.count, bytes: t.bytes, declared: declared.has(t.camera) })),
      retention: {
        intervalSeconds: this.options.config.intervalSeconds,
        ...(last
          ? {
              lastSweepTime: new Date(last.at).toISOString(),
              lastSweep: { seconds: Math.round(last.seconds * 1000) / 1000, deleted: last.report.deleted, bytesFreed: last.report.bytesFreed, failures: last.report.failures },
            }
          : {}),
      },
    };
  }
}

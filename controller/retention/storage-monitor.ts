import type { RecordingsIndex } from '../recordings/recordings-index.js';
import type { CameraTotals } from '../recordings/types.js';
import { readDiskSpace, type DiskSpace, type DiskSpaceReader } from '../../lib/disk-space.js';
import { floorBytes, type FreeSpaceFloor } from './free-space-floor.js';

export interface StorageSnapshot {
  /** When it was read, epoch ms. */
  atMs: number;
  /** Absent when statfs failed (the folder unmounted, say); `diskError` says why. */
  disk?: DiskSpace;
  diskError?: string;
  /** The free-space floor in bytes on this filesystem (a percent resolved against its size). */
  floorBytes?: number;
  /** Complete recordings per camera, for every camera with any in the index (declared or not). */
  cameras: CameraTotals[];
}

export interface StorageMonitorOptions {
  index: RecordingsIndex;
  storage: string;
  floor: FreeSpaceFloor;
  readDisk?: DiskSpaceReader;
  now?: () => number;
  /**
   * A snapshot younger than this is served again: one scrape reads the figures once, not once
   * per metric, and a large index is not summed at every request (a month of 32 cameras takes
   * tens of ms). Retention reads what it needs afresh.
   */
  maxAgeMs?: number;
}

/**
 * The storage folder's figures: the filesystem's size, free and used bytes (statfs), the floor,
 * and each camera's stored recordings (the index). Read on demand and kept for a moment, for
 * /metrics, /status and retention alike.
 */
export class StorageMonitor {
  private last: StorageSnapshot | undefined;
  private readonly readDisk: DiskSpaceReader;
  private readonly now: () => number;
  private readonly maxAgeMs: number;

  constructor(private readonly options: StorageMonitorOptions) {
    this.readDisk = options.readDisk ?? readDiskSpace;
    this.now = options.now ?? Date.now;
    this.maxAgeMs = options.maxAgeMs ?? 5000;
  }

  get floor(): FreeSpaceFloor {
    return this.options.floor;
  }

  snapshot(maxAgeMs = this.maxAgeMs): StorageSnapshot {
    const now = this.now();
    if (this.last && now - this.last.atMs < maxAgeMs) return this.last;
    const { disk, error } = this.disk();
    const cameras = this.options.index.isOpen ? this.options.index.totalsByCamera() : (this.last?.cameras ?? []);
    this.last = {
      atMs: now,
      ...(disk ? { disk, floorBytes: floorBytes(this.options.floor, disk.totalBytes) } : {}),
      ...(error ? { diskError: error } : {}),
      cameras,
    };
    return this.last;
  }

  /** The filesystem's figures now, uncached (retention reads them after each deletion). */
  disk(): { disk?: DiskSpace; floorBytes?: number; error?: string } {
    try {
      const disk = this.readDisk(this.options.storage);
      return { disk, floorBytes: floorBytes(this.options.floor, disk.totalBytes) };
    } catch (error) {
      return { error: `statfs ${this.options.storage}: ${(error as Error).message}` };
    }
  }

  /** The next snapshot is read afresh (recordings were deleted or added). */
  invalidate(): void {
    this.last = undefined;
  }
}

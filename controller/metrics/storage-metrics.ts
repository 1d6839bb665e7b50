import { Counter, Gauge, type MetricValue, type Registry } from 'prom-client';
import type { StorageSnapshot } from '../retention/storage-monitor.js';
import { readAtScrape } from './scrape-time.js';

export type RetentionReason = 'age' | 'bytes' | 'free_space';
export const RETENTION_REASONS: readonly RetentionReason[] = ['age', 'bytes', 'free_space'];

/** What retention tells the metrics. */
export interface RetentionCounters {
  deleted(camera: string, reason: RetentionReason, bytes: number): void;
  failed(camera: string): void;
}

export interface StorageMetricSources {
  snapshot(): StorageSnapshot;
  /** Cameras a manifest declares: they get per-camera series (0 when they have no recordings). */
  declared(): Iterable<string>;
}

/**
 * The storage folder's metrics, in the conventions of metrics.ts: the filesystem's figures and
 * each camera's stored recordings, read at scrape time from one snapshot; retention's deletions
 * as counters. Recordings of cameras no manifest declares any more are summed apart, without a
 * camera label, so that a deleted camera's series go as its other series do.
 */
export function registerStorageMetrics(registry: Registry, sources: StorageMetricSources): RetentionCounters {
  const registers = [registry];
  const disk = (read: (snapshot: StorageSnapshot) => number | undefined) => (): MetricValue<string>[] => {
    const value = read(sources.snapshot());
    return value === undefined ? [] : [{ labels: {}, value }];
  };
  readAtScrape(new Gauge({ name: 'camlet_storage_total_bytes', help: 'Size of the filesystem that holds the storage folder.', registers }), disk((s) => s.disk?.totalBytes));
  readAtScrape(new Gauge({ name: 'camlet_storage_free_bytes', help: 'Free space on the storage filesystem that camlet may use (df Avail).', registers }), disk((s) => s.disk?.freeBytes));
  readAtScrape(new Gauge({ name: 'camlet_storage_used_bytes', help: 'Space taken on the storage filesystem, by anything (df Used).', registers }), disk((s) => s.disk?.usedBytes));
  readAtScrape(
    new Gauge({ name: 'camlet_storage_free_floor_bytes', help: 'Free space retention keeps on the storage filesystem (config retention.freeSpaceFloor, in bytes).', registers }),
    disk((s) => s.floorBytes),
  );
  readAtScrape(
    new Gauge({ name: 'camlet_storage_low', help: 'Whether the storage filesystem has less free space than the floor (1) or not (0): the StorageLow condition.', registers }),
    disk((s) => (s.disk && s.floorBytes !== undefined ? (s.disk.freeBytes < s.floorBytes ? 1 : 0) : undefined)),
  );

  const perCamera = (read: (totals: { count: number; bytes: number }) => number) => (): MetricValue<'camera'>[] => {
    const byCamera = new Map(sources.snapshot().cameras.map((t) => [t.camera, t]));
    return [...sources.declared()].map((camera) => ({ labels: { camera }, value: read(byCamera.get(camera) ?? { count: 0, bytes: 0 }) }));
  };
  readAtScrape(
    new Gauge({ name: 'camlet_recordings_stored_bytes', help: 'Bytes of the recordings of each camera in storage now.', labelNames: ['camera'], registers }),
    perCamera((t) => t.bytes),
  );
  readAtScrape(new Gauge({ name: 'camlet_recordings_stored', help: 'Recordings of each camera in storage now.', labelNames: ['camera'], registers }), perCamera((t) => t.count));
  const undeclared = (read: (totals: { count: number; bytes: number }) => number) => (): MetricValue<string>[] => {
    const declared = new Set(sources.declared());
    const left = sources.snapshot().cameras.filter((t) => !declared.has(t.camera));
    return [{ labels: {}, value: left.reduce((sum, t) => sum + read(t), 0) }];
  };
  readAtScrape(
    new Gauge({ name: 'camlet_recordings_undeclared_bytes', help: 'Bytes of the recordings in storage of cameras no manifest declares (only the free-space floor deletes them).', registers }),
    undeclared((t) => t.bytes),
  );
  readAtScrape(new Gauge({ name: 'camlet_recordings_undeclared', help: 'Recordings in storage of cameras no manifest declares.', registers }), undeclared((t) => t.count));

  const deleted = new Counter({
    name: 'camlet_retention_deleted_total',
    help: 'Recordings deleted by retention, by camera and reason: age (maxAgeDays), bytes (maxBytes), free_space (the free-space floor).',
    labelNames: ['camera', 'reason'],
    registers,
  });
  const deletedBytes = new Counter({
    name: 'camlet_retention_deleted_bytes_total',
    help: 'Bytes of the recordings deleted by retention, by camera and reason.',
    labelNames: ['camera', 'reason'],
    registers,
  });
  const failures = new Counter({
    name: 'camlet_retention_failures_total',
    help: 'Recordings retention tried and failed to delete (the row stays marked deleting; the next start finishes it).',
    labelNames: ['camera'],
    registers,
  });
  return {
    deleted: (camera, reason, bytes) => {
      deleted.inc({ camera, reason });
      deletedBytes.inc({ camera, reason }, bytes);
    },
    failed: (camera) => failures.inc({ camera }),
  };
}

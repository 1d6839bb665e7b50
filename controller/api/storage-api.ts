// GET /apis/camlet.dev/v1/storage: what the dashboard's storage panel shows, in one read-only
// object: the filesystem's figures and the free-space floor (as in /status), every camera's
// recordings with its share, the rate they were recorded at lately, the days left at that rate,
// and the StorageLow condition.
import type Router from '@koa/router';
import { RecordedSince } from '../recordings/recorded-since.js';
import type { RecordingsIndex } from '../recordings/recordings-index.js';
import { bytesPerDay, daysLeft, rateWindow } from '../retention/storage-outlook.js';
import type { StorageService, StorageStatus } from '../retention/storage-service.js';
import type { Condition } from '../store/conditions.js';
import { replyStatus } from './status-error.js';

export interface StorageApiSources {
  service: StorageService;
  index: RecordingsIndex;
  now?: () => number;
}

export interface CameraStorage {
  camera: string;
  count: number;
  bytes: number;
  declared: boolean;
  /** Of every camera's recordings together, 0 to 100. */
  percent: number;
  /** Recorded per day over the rate's window. */
  bytesPerDay: number;
}

export interface StorageObject {
  apiVersion: 'camlet.dev/v1';
  kind: 'Storage';
  metadata: { name: 'storage' };
  status: Omit<StorageStatus, 'cameras'> & {
    cameras: CameraStorage[];
    /** What every camera recorded from windowStart to now, and that per day. */
    rate: { windowStart: string; windowSeconds: number; bytes: number; bytesPerDay: number };
    /** Until the free space reaches the floor at that rate; absent when nothing is recorded or the disk is unreadable. */
    daysLeft?: number;
    conditions: Condition[];
  };
}

export function addStorageRoute(router: Router, sources: StorageApiSources): void {
  const now = sources.now ?? Date.now;
  let recorded: RecordedSince | undefined;
  router.get('/apis/camlet.dev/v1/storage', (ctx) => {
    if (!sources.index.isOpen) return replyStatus(ctx, 'ServiceUnavailable', 'the recordings index is closed (the controller is stopping)');
    recorded ??= new RecordedSince(sources.index.db);
    const { cameras, ...figures } = sources.service.status();
    const nowMs = now();
    const window = rateWindow(nowMs, recorded.oldestStartMs());
    const recent = new Map(recorded.perCamera(window.startMs).map((totals) => [totals.camera, totals.bytes]));
    const recentBytes = [...recent.values()].reduce((sum, bytes) => sum + bytes, 0);
    const perDay = bytesPerDay(recentBytes, window);
    const left = figures.freeBytes !== undefined ? daysLeft(figures.freeBytes, figures.freeSpaceFloorBytes, perDay) : undefined;
    const total = figures.recordings.bytes;
    const body: StorageObject = {
      apiVersion: 'camlet.dev/v1',
      kind: 'Storage',
      metadata: { name: 'storage' },
      status: {
        ...figures,
        cameras: cameras.map((camera) => ({
          ...camera,
          percent: total > 0 ? Math.round((camera.bytes / total) * 1000) / 10 : 0,
          bytesPerDay: bytesPerDay(recent.get(camera.camera) ?? 0, window),
        })),
        rate: { windowStart: new Date(window.startMs).toISOString(), windowSeconds: Math.round(window.lengthMs / 1000), bytes: recentBytes, bytesPerDay: perDay },
        ...(left !== undefined ? { daysLeft: Math.round(left * 10) / 10 } : {}),
        conditions: sources.service.conditions(),
      },
    };
    ctx.body = body;
  });
}

// Retention on a real storage folder: real MP4s made by ffmpeg, a real SQLite index, real
// deletions through the crash-safe delete, and the filesystem's real free space (a floor set
// above it, since this machine may not allow a small tmpfs or loop mount).
import { existsSync, statfsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../lib/clock.js';
import { createLogger } from '../../lib/logger.js';
import { EventRecorder } from '../events/event-recorder.js';
import { registerStorageMetrics, type RetentionReason } from '../metrics/storage-metrics.js';
import { RecordingsIndex } from '../recordings/recordings-index.js';
import { makeClip } from '../recordings/test-media.js';
import { seedRecording } from '../recordings/test-seed.js';
import type { Recording } from '../recordings/types.js';
import { Revision } from '../store/object-store.js';
import type { DiskSpaceReader } from '../../lib/disk-space.js';
import type { FreeSpaceFloor } from './free-space-floor.js';
import type { RetentionPolicy } from './retention-policy.js';
import { StorageMonitor } from './storage-monitor.js';
import { sweepRetention, type SweepContext } from './sweep-retention.js';

const NOW = Date.UTC(2025, 6, 20, 12, 0, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const logger = createLogger('test', 'silent');

let media: string;
let clip: string;
let clipBytes: number;
let storage: string;
let index: RecordingsIndex;
let events: EventRecorder;
let registry: Registry;

beforeAll(async () => {
  media = await mkdtemp(join(tmpdir(), 'camlet-retention-media-'));
  clip = join(media, 'clip.mp4');
  await makeClip(clip, 2);
  clipBytes = (await stat(clip)).size;
});
afterAll(() => rm(media, { recursive: true, force: true }));
beforeEach(async () => {
  storage = await mkdtemp(join(tmpdir(), 'camlet-retention-'));
  index = RecordingsIndex.open(storage);
  events = new EventRecorder(new Revision(), systemClock, 'camlet-controller');
  registry = new Registry();
});
afterEach(async () => {
  index.close();
  await rm(storage, { recursive: true, force: true });
});

interface Run {
  deleted: { id: string; reason: RetentionReason }[];
  report: Awaited<ReturnType<typeof sweepRetention>>;
}

async function sweep(options: { policies?: Record<string, RetentionPolicy>; inProgress?: string[]; floor?: FreeSpaceFloor; readDisk?: DiskSpaceReader }): Promise<Run> {
  const deleted: Run['deleted'] = [];
  const counters = registerStorageMetrics(registry, { snapshot: () => ({ atMs: 0, cameras: [] }), declared: () => [] });
  const context: SweepContext = {
    index,
    storage,
    monitor: new StorageMonitor({ index, storage, floor: options.floor ?? { bytes: 0 }, readDisk: options.readDisk }),
    policy: (camera) => options.policies?.[camera],
    inProgress: new Set(options.inProgress ?? []),
    now: NOW,
    logger,
    events,
    counters,
    onDeleted: (recording, reason) => deleted.push({ id: recording.id, reason }),
    stopped: () => false,
  };
  return { deleted, report: await sweepRetention(context) };
}

const remaining = () => index.listRecordings({ order: 'oldest', limit: 1000 }).items.map((r) => r.id);
const fileOf = (recording: Recording) => join(storage, recording.path);
async function metric(series: string): Promise<number | undefined> {
  const text = await registry.metrics();
  const match = new RegExp(`^${series.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
}

describe('retention by age', () => {
  it("deletes each camera's recordings older than maxAgeDays, oldest first, never one in progress, and leaves undeclared cameras alone", async () => {
    const old1 = await seedRecording(index, storage, clip, 'porch', NOW - 3 * DAY);
    // A manual recording goes by age like any other.
    const old2 = await seedRecording(index, storage, clip, 'porch', NOW - 2 * DAY, { trigger: 'manual' });
    const busy = await seedRecording(index, storage, clip, 'porch', NOW - 2 * DAY + HOUR, { id: 'in-progress' });
    // Straddles the cutoff: its end is younger than a day, so it stays.
    const straddling = await seedRecording(index, storage, clip, 'porch', NOW - DAY - 1000, { durationMs: 2000 });
    const fresh = await seedRecording(index, storage, clip, 'porch', NOW - HOUR);
    const gone = await seedRecording(index, storage, clip, 'porch', NOW - 5 * DAY);
    index.markMissing(gone.id);
    const orphan = await seedRecording(index, storage, clip, 'attic', NOW - 30 * DAY);

    const { deleted, report } = await sweep({ policies: { porch: { maxAgeMs: DAY, maxBytes: Number.MAX_SAFE_INTEGER } }, inProgress: ['in-progress'] });

    expect(deleted).toEqual([
      { id: old1.id, reason: 'age' },
      { id: old2.id, reason: 'age' },
      { id: gone.id, reason: 'age' },
    ]);
    expect(report).toMatchObject({ deleted: { age: 3, bytes: 0, free_space: 0 }, failures: 0 });
    expect(existsSync(fileOf(old1))).toBe(false);
    expect(existsSync(fileOf(old2))).toBe(false);
    expect(remaining().sort()).toEqual([busy.id, straddling.id, fresh.id, orphan.id].sort());
    for (const kept of [busy, straddling, fresh, orphan]) expect(existsSync(fileOf(kept))).toBe(true);
    expect(await metric('camlet_retention_deleted_total{camera="porch",reason="age"}')).toBe(3);
    expect(await metric('camlet_retention_deleted_bytes_total{camera="porch",reason="age"}')).toBe(3 * clipBytes);
    // Routine deletions are logged and counted, not Events.
    expect(events.objects.list().items).toEqual([]);
  });
});

describe('retention by bytes', () => {
  it("deletes a camera's oldest recordings until its total fits maxBytes, skipping the one in progress", async () => {
    const seeded: Recording[] = [];
    for (let i = 0; i < 5; i++) seeded.push(await seedRecording(index, storage, clip, 'porch', NOW - (10 - i) * HOUR));
    const other = await seedRecording(index, storage, clip, 'gate', NOW - 20 * HOUR);
    const [first, second, third, fourth, fifth] = seeded as [Recording, Recording, Recording, Recording, Recording];

    const maxBytes = Math.floor(2.5 * clipBytes);
    const { deleted, report } = await sweep({ policies: { porch: { maxAgeMs: 30 * DAY, maxBytes }, gate: { maxAgeMs: 30 * DAY, maxBytes: 10 * clipBytes } }, inProgress: [first.id] });

    expect(deleted).toEqual([second, third, fourth].map((r) => ({ id: r.id, reason: 'bytes' })));
    expect(report.deleted).toEqual({ age: 0, bytes: 3, free_space: 0 });
    expect(index.totalsForCamera('porch')).toEqual({ camera: 'porch', count: 2, bytes: 2 * clipBytes });
    expect(remaining()).toEqual([other.id, first.id, fifth.id]);
    expect(await readdir(join(storage, 'porch', '2025-07-20'))).toEqual([first, fifth].map((r) => r.path.split('/').at(-1)));
    expect(await metric('camlet_retention_deleted_total{camera="porch",reason="bytes"}')).toBe(3);
    expect(await metric('camlet_retention_deleted_total{camera="gate",reason="bytes"}')).toBeUndefined();
  });

  it('counts a deletion that fails, keeps the row marked deleting for the next start, and deletes no newer one in its place', async () => {
    const stuck = await seedRecording(index, storage, clip, 'porch', NOW - 3 * HOUR);
    const next = await seedRecording(index, storage, clip, 'porch', NOW - 2 * HOUR);
    const last = await seedRecording(index, storage, clip, 'porch', NOW - HOUR);
    // A directory where the file was: unlink fails with EISDIR (root ignores permissions, not that).
    await rm(fileOf(stuck));
    await mkdir(join(fileOf(stuck), 'x'), { recursive: true });

    const { deleted, report } = await sweep({ policies: { porch: { maxAgeMs: 30 * DAY, maxBytes: clipBytes } } });

    expect(report.failures).toBe(1);
    expect(deleted).toEqual([{ id: next.id, reason: 'bytes' }]);
    expect(index.getRecording(stuck.id)?.state).toBe('deleting');
    expect(remaining()).toEqual([stuck.id, last.id]);
    expect(await metric('camlet_retention_failures_total{camera="porch"}')).toBe(1);
  });
});

describe('retention by free space', () => {
  it('with the floor above the free space, deletes the oldest of every camera in turn, keeps the one in progress, and warns per camera', async () => {
    const order: Recording[] = [];
    for (let i = 0; i < 6; i++) order.push(await seedRecording(index, storage, clip, i % 2 === 0 ? 'porch' : 'gate', NOW - (6 - i) * HOUR));
    const busy = order[2] as Recording;
    const { bavail, bsize } = statfsSync(storage);
    // Out of reach: 1 TiB more than is free now.
    const floor = { bytes: bavail * bsize + 2 ** 40 };

    // No per-camera limits: the floor alone deletes, across cameras.
    const { deleted, report } = await sweep({ floor, inProgress: [busy.id] });

    expect(deleted).toEqual(order.filter((r) => r !== busy).map((r) => ({ id: r.id, reason: 'free_space' })));
    expect(remaining()).toEqual([busy.id]);
    expect(existsSync(fileOf(busy))).toBe(true);
    expect(report.freeSpace).toEqual({ floorMet: false, exhausted: true });
    const warnings = events.objects.list().items.map((e) => [e.involvedObject.name, e.type, e.reason, e.message]);
    expect(warnings).toHaveLength(2);
    for (const [camera, type, reason, message] of warnings) {
      expect([type, reason]).toEqual(['Warning', 'RecordingsDeletedForSpace']);
      expect(message).toMatch(new RegExp(`^deleted ${camera === 'porch' ? 2 : 3} recording\\(s\\) .*, oldest first across cameras, to keep ${floor.bytes} bytes .* free on storage`));
    }
    expect(await metric('camlet_retention_deleted_total{camera="porch",reason="free_space"}')).toBe(2);
    expect(await metric('camlet_retention_deleted_total{camera="gate",reason="free_space"}')).toBe(3);
  });

  it('stops as soon as the floor is met, on a filesystem whose free space follows the files really in storage', async () => {
    const order: Recording[] = [];
    for (let i = 0; i < 5; i++) order.push(await seedRecording(index, storage, clip, i % 2 === 0 ? 'porch' : 'gate', NOW - (5 - i) * HOUR));
    // A 100-clip filesystem: its free space is what the recording files really in storage leave.
    const capacity = 100 * clipBytes;
    const readDisk: DiskSpaceReader = () => {
      const used = order.reduce((sum, r) => sum + (existsSync(fileOf(r)) ? statSync(fileOf(r)).size : 0), 0);
      return { totalBytes: capacity, freeBytes: capacity - used, usedBytes: used };
    };
    // Free is 95 clips; the floor wants 97 and a half: three of the five must go.
    const run = await sweep({ floor: { percent: 97.5 }, readDisk, policies: {} });
    expect(run.deleted.map((d) => d.id)).toEqual(order.slice(0, 3).map((r) => r.id));
    expect(remaining()).toEqual(order.slice(3).map((r) => r.id));
    expect(run.report.freeSpace).toEqual({ floorMet: true, exhausted: false });
  });

  it('does nothing while free space is above the floor', async () => {
    await seedRecording(index, storage, clip, 'porch', NOW - HOUR);
    const { deleted, report } = await sweep({ floor: { percent: 0 } });
    expect(deleted).toEqual([]);
    expect(report.freeSpace).toBeUndefined();
  });
});

// GET storage on a real SQLite index over a real storage folder in /tmp: the filesystem's figures
// as statfs gives them, each camera's share of the recordings (declared or not), the rate of the
// last days from the index, the days left at that rate, and the StorageLow condition.
import { statfsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordingRelativePath } from '../../worker/recording/recording-path.js';
import { RecordingsIndex } from '../recordings/recordings-index.js';
import type { RunningApi } from './server.js';
import type { StorageObject } from './storage-api.js';
import { serveRecordingsApi } from './test-recordings-api.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 23, 12);
const MANIFESTS = ['porch', 'gate']
  .map((name) => `apiVersion: camlet.dev/v1\nkind: Camera\nmetadata:\n  name: ${name}\nspec:\n  streams:\n    main: { url: "rtsp://10.0.0.1/${name}" }\n`)
  .join('---\n');

let storage: string;
let index: RecordingsIndex;
let api: RunningApi;
let base: string;

beforeEach(async () => {
  storage = await mkdtemp(join(tmpdir(), 'camlet-storage-api-'));
  index = RecordingsIndex.open(storage);
  ({ api, base } = await serveRecordingsApi(index, storage, MANIFESTS, { now: NOW, freeSpaceFloor: '5%' }));
});

afterEach(async () => {
  await api.close();
  index.close();
  await rm(storage, { recursive: true, force: true });
});

/** A recording of `bytes` bytes: its file in storage, then its row, as the worker and the index do. */
async function record(camera: string, startMs: number, bytes: number): Promise<void> {
  const path = recordingRelativePath(camera, startMs);
  await mkdir(dirname(join(storage, path)), { recursive: true });
  await writeFile(join(storage, path), Buffer.alloc(bytes));
  index.insertRecording({ id: `${camera}-${startMs}`, camera, path, startMs, endMs: startMs + 10_000, durationSeconds: 10, bytes, codec: 'h264', width: 640, height: 360, trigger: 'motion' });
}

async function storageObject(): Promise<StorageObject> {
  const response = await fetch(`${base}/apis/camlet.dev/v1/storage`);
  expect(response.status).toBe(200);
  return (await response.json()) as StorageObject;
}

describe('GET storage', () => {
  it("gives the filesystem's figures, each camera's share, the week's rate and the days left", async () => {
    await record('porch', NOW - 30 * DAY, 400_000); // before the week: in the totals, not in the rate
    await record('porch', NOW - 3 * DAY, 300_000);
    await record('porch', NOW - DAY, 200_000);
    await record('gate', NOW - 2 * DAY, 100_000);
    await record('attic', NOW - 6 * DAY, 700_000); // no manifest declares it any more

    const { apiVersion, kind, status } = await storageObject();
    expect({ apiVersion, kind }).toEqual({ apiVersion: 'camlet.dev/v1', kind: 'Storage' });

    const disk = statfsSync(storage);
    expect(status.path).toBe(storage);
    expect(status.totalBytes).toBe(disk.blocks * disk.bsize);
    // Other programs write to /tmp meanwhile: the same within 64 MiB.
    expect(Math.abs((status.freeBytes ?? 0) - disk.bavail * disk.bsize)).toBeLessThan(64 * 2 ** 20);
    expect(status.freeSpaceFloorBytes).toBe(Math.ceil((disk.blocks * disk.bsize * 5) / 100));

    expect(status.recordings).toEqual({ count: 5, bytes: 1_700_000 });
    expect(status.cameras).toEqual([
      { camera: 'attic', count: 1, bytes: 700_000, declared: false, percent: 41.2, bytesPerDay: 100_000 },
      { camera: 'gate', count: 1, bytes: 100_000, declared: true, percent: 5.9, bytesPerDay: 14_286 },
      { camera: 'porch', count: 3, bytes: 900_000, declared: true, percent: 52.9, bytesPerDay: 71_429 },
    ]);
    expect(status.rate).toEqual({ windowStart: new Date(NOW - 7 * DAY).toISOString(), windowSeconds: 7 * 86_400, bytes: 1_300_000, bytesPerDay: 185_714 });
    const room = (status.freeBytes ?? 0) - (status.freeSpaceFloorBytes ?? 0);
    expect(status.daysLeft).toBeCloseTo(room / 185_714, 0);
    expect(status.conditions).toEqual([expect.objectContaining({ type: 'StorageLow', status: 'False', reason: 'EnoughFreeSpace' })]);
  });

  it('measures the rate from the oldest recording when the index is younger than a week', async () => {
    await record('gate', NOW - DAY / 2, 50_000);
    const { status } = await storageObject();
    expect(status.rate).toEqual({ windowStart: new Date(NOW - DAY / 2).toISOString(), windowSeconds: 43_200, bytes: 50_000, bytesPerDay: 100_000 });
  });

  it('gives no days left when nothing was recorded', async () => {
    const { status } = await storageObject();
    expect(status.recordings).toEqual({ count: 0, bytes: 0 });
    expect(status.cameras).toEqual([]);
    expect(status.rate.bytesPerDay).toBe(0);
    expect(status.daysLeft).toBeUndefined();
    expect(status.totalBytes).toBeGreaterThan(0);
  });

  it('is listed among the resources', async () => {
    const list = (await (await fetch(`${base}/apis/camlet.dev/v1`)).json()) as { resources: { name: string; verbs: string[] }[] };
    expect(list.resources).toContainEqual(expect.objectContaining({ name: 'storage', kind: 'Storage', verbs: ['get'] }));
  });
});

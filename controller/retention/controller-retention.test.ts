// Retention and storage monitoring in the whole controller (in this process): per-camera limits
// from a real manifest, a sweep at start and right after a worker's recording is indexed, the
// recording in progress kept, a thumbnail going with its recording, the storage figures in
// /status and /metrics, and StorageLow with its Warning when the floor cannot be met.
import { statfsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Runtime, WorkerCallbacks, WorkerHandle } from '../../runtimes/runtime.js';
import { waitUntil } from '../../test/support/processes.js';
import { PROTOCOL_VERSION, type WorkerConfig } from '../../worker/protocol.js';
import { recordingRelativePath } from '../../worker/recording/recording-path.js';
import { loadConfig } from '../config/load-config.js';
import { Controller } from '../controller.js';
import { idForPath } from '../recordings/derived-id.js';
import { makeClip } from '../recordings/test-media.js';
import type { StorageStatus } from './storage-service.js';

const HOUR = 3_600_000;
const NOW = Date.now();

let media: string;
let clip: string;
let clipBytes: number;
let root: string;
let storage: string;
let controller: Controller | undefined;

beforeAll(async () => {
  media = await mkdtemp(join(tmpdir(), 'camlet-controller-retention-media-'));
  clip = join(media, 'clip.mp4');
  await makeClip(clip, 1);
  clipBytes = (await stat(clip)).size;
});
afterAll(() => rm(media, { recursive: true, force: true }));
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'camlet-controller-retention-'));
  storage = join(root, 'data');
  await mkdir(join(root, 'manifests'));
});
afterEach(async () => {
  await controller?.stop();
  controller = undefined;
  await rm(root, { recursive: true, force: true });
});

function manifest(maxBytes: number): string {
  return `apiVersion: camlet.dev/v1
kind: Camera
metadata:
  name: porch
spec:
  streams:
    main: { url: "rtsp://127.0.0.1:9/main" }
  recording:
    retention: { maxAgeDays: 7, maxBytes: ${maxBytes} }
`;
}

/** Recordings a previous run left, whole files with no rows: indexed by the start-up reconciliation. */
async function leftBehind(startTimes: number[]): Promise<string[]> {
  const paths = startTimes.map((ms) => recordingRelativePath('porch', Math.floor(ms / 1000) * 1000));
  for (const path of paths) {
    await mkdir(dirname(join(storage, path)), { recursive: true });
    await copyFile(clip, join(storage, path));
  }
  return paths;
}

/** A worker that starts recording at once (status.recording), then, when told, finishes one recording and starts another. */
class RecordingRuntime implements Runtime {
  readonly name = 'scripted';
  private callbacks: WorkerCallbacks | undefined;
  private config: WorkerConfig | undefined;

  start(config: WorkerConfig, callbacks: WorkerCallbacks): WorkerHandle {
    this.callbacks = callbacks;
    this.config = config;
    setImmediate(() => {
      callbacks.onHeartbeat({ v: PROTOCOL_VERSION, type: 'heartbeat', time: Date.now(), healthy: true, detail: 'scripted', streams: {}, ffmpegPids: [] });
      callbacks.onRecording({ v: PROTOCOL_VERSION, type: 'recordingStarted', id: 'rec-live', trigger: 'motion' });
    });
    return { pid: undefined, startedAt: Date.now(), update: () => undefined, record: () => undefined, stop: () => Promise.resolve(setImmediate(() => callbacks.onExit({ code: 0, signal: null }))).then(() => undefined), usage: () => undefined };
  }

  get running(): boolean {
    return this.callbacks !== undefined;
  }

  /** The recording in progress is finished: its file put in storage, then reported. */
  async finish(startMs: number): Promise<void> {
    const { callbacks, config } = this;
    if (!callbacks || !config) throw new Error('no worker');
    const path = recordingRelativePath('porch', startMs);
    await mkdir(dirname(join(config.storage, path)), { recursive: true });
    await copyFile(clip, join(config.storage, path));
    callbacks.onRecording({ v: PROTOCOL_VERSION, type: 'recordingFinished', id: 'rec-live', trigger: 'motion', path, startMs, endMs: startMs + 1000, bytes: clipBytes, durationSeconds: 1, codec: 'h264', width: 320, height: 180 });
    callbacks.onRecording({ v: PROTOCOL_VERSION, type: 'recordingStarted', id: 'rec-next', trigger: 'motion' });
  }
}

async function start(runtime: Runtime, flags: Record<string, string> = {}): Promise<{ base: string }> {
  const config = loadConfig({
    flags: { manifests: join(root, 'manifests'), storage, listen: '127.0.0.1:0', logLevel: 'fatal', 'retention.intervalSeconds': '3600', ...flags },
    workingDirectory: root,
  });
  controller = await Controller.start({ config, runtime });
  return { base: `http://${controller.api.address}` };
}

const getJson = async <T>(url: string): Promise<T> => (await (await fetch(url)).json()) as T;
async function metric(base: string, series: string): Promise<number | undefined> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const match = new RegExp(`^${series.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
}
interface Status {
  storage: StorageStatus;
  conditions: { type: string; status: string; reason: string; message: string }[];
}
interface Names {
  items: { metadata: { name: string } }[];
}

describe('retention in the controller', () => {
  it("keeps a camera within its maxBytes at start and right after each recording is indexed, oldest first, its thumbnail going with it", async () => {
    const paths = await leftBehind([NOW - 5 * HOUR, NOW - 4 * HOUR, NOW - 3 * HOUR]);
    // Room for two and a half recordings: the oldest goes at start.
    await writeFile(join(root, 'manifests', 'porch.yaml'), manifest(Math.floor(2.5 * clipBytes)));
    const runtime = new RecordingRuntime();
    const { base } = await start(runtime);

    await waitUntil(async () => (await metric(base, 'camlet_retention_deleted_total{camera="porch",reason="bytes"}')) === 1, 10_000, 'the oldest recording deleted at start');
    const ids = paths.map(idForPath);
    const listed = async () => (await getJson<Names>(`${base}/apis/camlet.dev/v1/recordings?camera=porch&order=oldest`)).items.map((i) => i.metadata.name);
    expect(await listed()).toEqual(ids.slice(1));
    await expect(stat(join(storage, paths[0] as string))).rejects.toThrow('ENOENT');

    // The next oldest has a thumbnail; it goes with its recording.
    expect((await fetch(`${base}/apis/camlet.dev/v1/recordings/${ids[1]}/thumbnail`)).status).toBe(200);
    const thumbnail = join(storage, '.thumbnails', `${ids[1]}.jpg`);
    await expect(stat(thumbnail)).resolves.toBeDefined();

    await waitUntil(() => runtime.running, 10_000, 'the worker to start');
    await waitUntil(async () => (await getJson<{ status: { recording?: { id: string } } }>(`${base}/apis/camlet.dev/v1/cameras/porch`)).status.recording?.id === 'rec-live', 10_000, 'status.recording');
    await runtime.finish(NOW - HOUR);
    // Indexed, three recordings again, over the limit: a sweep at once, not in an hour.
    await waitUntil(async () => (await metric(base, 'camlet_retention_deleted_total{camera="porch",reason="bytes"}')) === 2, 10_000, 'a sweep right after the recording was indexed');
    expect(await listed()).toEqual([ids[2], 'rec-live']);
    await waitUntil(() => stat(thumbnail).then(() => false, () => true), 5000, 'the thumbnail removed');

    expect(await metric(base, 'camlet_recordings_stored{camera="porch"}')).toBe(2);
    expect(await metric(base, 'camlet_recordings_stored_bytes{camera="porch"}')).toBe(2 * clipBytes);
    expect(await metric(base, 'camlet_retention_deleted_bytes_total{camera="porch",reason="bytes"}')).toBe(2 * clipBytes);
    const { bsize, blocks } = statfsSync(storage);
    expect(await metric(base, 'camlet_storage_total_bytes')).toBe(bsize * blocks);
    expect(await metric(base, 'camlet_storage_free_bytes')).toBeGreaterThan(0);
    expect(await metric(base, 'camlet_storage_used_bytes')).toBeGreaterThan(0);
    expect(await metric(base, 'camlet_storage_low')).toBe(0);

    const status = await getJson<Status>(`${base}/status`);
    expect(status.storage).toMatchObject({ path: storage, totalBytes: bsize * blocks, freeSpaceFloor: '5%', recordings: { count: 2, bytes: 2 * clipBytes }, cameras: [{ camera: 'porch', count: 2, bytes: 2 * clipBytes, declared: true }] });
    expect(status.storage.retention.lastSweep?.deleted).toEqual({ age: 0, bytes: 1, free_space: 0 });
    expect(status.conditions).toEqual([expect.objectContaining({ type: 'StorageLow', status: 'False', reason: 'EnoughFreeSpace' })]);
  });

  it('deletes everything it may when the free-space floor is above the free space, and says StorageLow with a Warning', async () => {
    await leftBehind([NOW - 3 * HOUR, NOW - 2 * HOUR]);
    await mkdir(storage, { recursive: true });
    const { bavail, bsize } = statfsSync(storage);
    const floor = bavail * bsize + 2 ** 40;
    // No camera declared: the recordings are an undeclared camera's; only the floor applies to them.
    const { base } = await start(new RecordingRuntime(), { 'retention.freeSpaceFloor': String(floor) });

    await waitUntil(async () => (await metric(base, 'camlet_retention_deleted_total{camera="porch",reason="free_space"}')) === 2, 10_000, 'both deleted for space');
    const status = await getJson<Status>(`${base}/status`);
    expect(status.storage).toMatchObject({ freeSpaceFloor: String(floor), freeSpaceFloorBytes: floor, recordings: { count: 0, bytes: 0 } });
    expect(status.conditions).toEqual([expect.objectContaining({ type: 'StorageLow', status: 'True', reason: 'NothingLeftToDelete' })]);
    expect(await metric(base, 'camlet_storage_low')).toBe(1);
    expect(await metric(base, 'camlet_storage_free_floor_bytes')).toBe(floor);
    const events = (await getJson<{ items: { type: string; reason: string; involvedObject: { kind: string; name: string }; message: string }[] }>(`${base}/apis/camlet.dev/v1/events`)).items;
    expect(events.find((e) => e.reason === 'RecordingsDeletedForSpace')).toMatchObject({ type: 'Warning', involvedObject: { kind: 'Camera', name: 'porch' } });
    expect(events.find((e) => e.reason === 'StorageLow')).toMatchObject({ type: 'Warning', involvedObject: { kind: 'Controller', name: 'camlet-controller' } });
  });
});

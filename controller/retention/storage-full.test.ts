// A full storage filesystem, for real: a small tmpfs holding a real SQLite index and real MP4
// recordings, filled to its last byte by another program's file. A camera's StorageFull report
// has retention free the room it asks for, oldest first; the space reserve is what lets SQLite
// mark those recordings on a disk with no byte left (it answers SQLITE_FULL otherwise); nothing
// indexed is damaged, and the reserve is made again once there is room.
import Database from 'better-sqlite3';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../lib/clock.js';
import { createLogger } from '../../lib/logger.js';
import { mountTinyFilesystem } from '../../test/support/tiny-filesystem.js';
import { PROTOCOL_VERSION } from '../../worker/protocol.js';
import { recordingRelativePath } from '../../worker/recording/recording-path.js';
import { EventRecorder } from '../events/event-recorder.js';
import { readManifestFile } from '../manifests/camera-document.js';
import { IndexSink } from '../recordings/index-sink.js';
import { RecordingsIndex } from '../recordings/recordings-index.js';
import { makeClip } from '../recordings/test-media.js';
import { seedRecording } from '../recordings/test-seed.js';
import type { Recording } from '../recordings/types.js';
import { CameraStore } from '../store/camera-store.js';
import { Revision } from '../store/object-store.js';
import { StorageService } from './storage-service.js';

const HOUR = 3_600_000;
const MANIFEST = 'apiVersion: camlet.dev/v1\nkind: Camera\nmetadata:\n  name: porch\nspec:\n  streams:\n    main: { url: "rtsp://10.0.0.1/porch" }\n';
const logger = createLogger('test', 'silent');
const noSink = { recording: () => undefined, motion: () => undefined, workerExited: () => undefined };

describe('a full storage filesystem', () => {
  const filesystem = mountTinyFilesystem(32);
  let clip: string;
  let storage: string;
  let index: RecordingsIndex | undefined;
  let service: StorageService | undefined;

  beforeAll(async () => {
    clip = join(filesystem.path, 'clip.mp4');
    await makeClip(clip, 4, '640x360');
  });
  afterEach(async () => {
    await service?.stop();
    index?.close();
    filesystem.drain();
    await rm(storage, { recursive: true, force: true });
  });
  afterAll(() => filesystem.unmount());

  /**
   * The worst case: SQLite's write-ahead log emptied and truncated (as a checkpoint leaves it), so
   * that its next write needs new room on the disk.
   */
  function truncateWal(): void {
    const database = new Database(join(storage, 'camlet.db'));
    try {
      database.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      database.close();
    }
  }

  async function setUp(recordings: number): Promise<{ seeded: Recording[]; events: EventRecorder; service: StorageService }> {
    storage = await mkdtemp(join(filesystem.path, 'storage-'));
    index = RecordingsIndex.open(storage);
    const seeded: Recording[] = [];
    const now = Date.now();
    for (let i = 0; i < recordings; i++) seeded.push(await seedRecording(index, storage, clip, 'porch', now - (recordings - i) * HOUR));
    const revision = new Revision();
    const cameras = new CameraStore(revision, systemClock);
    for (const document of readManifestFile('manifests/porch.yaml', MANIFEST).documents) if (document.valid) cameras.applyValid(document.camera);
    const events = new EventRecorder(revision, systemClock, 'camlet-controller');
    // A floor of 0: only the camera's report makes room here.
    service = new StorageService({ index, storage, config: { freeSpaceFloor: '0', intervalSeconds: 3600 }, cameras, events, logger });
    return { seeded, events, service };
  }

  it('frees the room a camera asks for, oldest first, from a disk with no byte left', async () => {
    const { seeded, events, service } = await setUp(8);
    const reserve = join(storage, '.camlet-reserve');
    await service.sweepNow();
    expect(statSync(reserve).size).toBe(1 << 20);

    truncateWal();
    filesystem.fill();
    expect(filesystem.freeBytes()).toBeLessThan(4096);
    const clipBytes = statSync(clip).size;
    const needBytes = Math.round(2.5 * clipBytes);
    service.watch(noSink).recording('porch', { v: PROTOCOL_VERSION, type: 'storageFull', needBytes, error: 'No space left on device', id: 'waiting' });
    await service.sweepNow();

    // The reserve went first, then the oldest recordings until the room asked for was free, and
    // room for the reserve, which is back.
    expect(statSync(reserve).size).toBe(1 << 20);
    expect(filesystem.freeBytes()).toBeGreaterThanOrEqual(needBytes);
    const left = (index as RecordingsIndex).listRecordings({ order: 'oldest' }).items;
    const deleted = seeded.filter((recording) => !left.some((row) => row.id === recording.id));
    expect(deleted.length).toBeGreaterThan(0);
    expect(deleted.map((r) => r.id)).toEqual(seeded.slice(0, deleted.length).map((r) => r.id));
    for (const recording of deleted) expect(existsSync(join(storage, recording.path))).toBe(false);
    for (const row of left) expect(statSync(join(storage, row.path)).size).toBe(clipBytes);
    expect(service.status().retention.lastSweep?.failures).toBe(0);
    const warning = [...events.objects.values()].find((event) => event.reason === 'RecordingsDeletedForSpace');
    expect(warning?.message).toMatch(/room a camera needs on a full filesystem/);

    // Nothing indexed is damaged.
    (index as RecordingsIndex).close();
    index = undefined;
    const database = new Database(join(storage, 'camlet.db'), { readonly: true });
    try {
      expect(database.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      database.close();
    }
  });

  it('cannot free anything on a full disk without the reserve: SQLite cannot mark a recording', async () => {
    const { seeded, service } = await setUp(4);
    // No sweep ran: no reserve was made.
    expect(existsSync(join(storage, '.camlet-reserve'))).toBe(false);
    truncateWal();
    filesystem.fill();
    service.watch(noSink).recording('porch', { v: PROTOCOL_VERSION, type: 'storageFull', needBytes: statSync(clip).size, error: 'No space left on device' });
    await service.sweepNow();
    // Each deletion failed at its first step (SQLITE_FULL marking the row): every recording is
    // still indexed, whole, and the disk as full as before.
    const rows = (index as RecordingsIndex).listRecordings().items;
    expect(rows.map((row) => row.id).sort()).toEqual(seeded.map((r) => r.id).sort());
    for (const row of rows) expect(existsSync(join(storage, row.path))).toBe(true);
    expect(filesystem.freeBytes()).toBeLessThan(4096);
  });

  it('writes a recording row that met a full disk once there is room, before the next report', async () => {
    await setUp(0);
    const indexed: string[] = [];
    let failures = 0;
    const sink = new IndexSink(index as RecordingsIndex, logger, () => failures++, (recording) => indexed.push(recording.id));
    const finished = (id: string, startMs: number) =>
      ({ v: PROTOCOL_VERSION, type: 'recordingFinished', id, trigger: 'motion', path: recordingRelativePath('porch', startMs), startMs, endMs: startMs + 2000, bytes: 1000, durationSeconds: 2, codec: 'h264', width: 640, height: 360 }) as const;
    const start = Math.floor(Date.now() / 1000) * 1000;
    truncateWal();
    const ballast = filesystem.fill();
    sink.recording('porch', finished('first', start - 10_000));
    expect(failures).toBe(1);
    expect((index as RecordingsIndex).getRecording('first')).toBeUndefined();

    await rm(ballast);
    sink.recording('porch', finished('second', start));
    expect(indexed).toEqual(['first', 'second']);
  });

  it('makes the reserve again once the disk has room for it and the floor', async () => {
    const { service } = await setUp(2);
    const reserve = join(storage, '.camlet-reserve');
    const ballast = filesystem.fill(512 * 1024);
    await service.sweepNow();
    // Half a MiB free: a reserve of 1 MiB does not fit, and is not forced in.
    expect(existsSync(reserve)).toBe(false);
    await rm(ballast);
    await service.sweepNow();
    expect(statSync(reserve).size).toBe(1 << 20);
  });
});

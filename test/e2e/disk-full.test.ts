// The storage filesystem filling up while a camera records, for real: a small tmpfs as storage,
// the built controller with a real worker and a real RTSP camera of 1.5 Mbit/s recording
// continuously, recordings of yesterday on the disk, and a ballast file (another program) that
// takes every byte left. The recording in progress is closed cleanly, the oldest recordings are
// freed, recording resumes, and nothing indexed is damaged.
import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { recordingRelativePath } from '../../worker/recording/recording-path.js';
import { cameraManifest, startController, stopAllControllers, type ControllerUnderTest } from '../support/controller.js';
import { encodeH264Clip } from '../support/h264-clip.js';
import { waitUntil } from '../support/processes.js';
import { startRtspCamera, stopAllRtspCameras } from '../support/rtsp-camera.js';
import { mountTinyFilesystem } from '../support/tiny-filesystem.js';

const run = promisify(execFile);
const HOUR = 3_600_000;

interface RecordingRow {
  id: string;
  path: string;
  start_ms: number;
  end_ms: number;
  trigger: string;
  state: string;
}

/** ffprobe's duration and whatever a full decode complains about ('' when it plays). */
async function playable(path: string): Promise<{ duration: number; errors: string }> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', path]);
  const { stderr } = await run('ffmpeg', ['-v', 'error', '-i', path, '-f', 'null', '-']);
  return { duration: Number(stdout.trim()), errors: stderr.trim() };
}

describe('storage filling up while recording', () => {
  const filesystem = mountTinyFilesystem(40);
  let controller: ControllerUnderTest | undefined;
  afterAll(async () => {
    await stopAllControllers();
    await stopAllRtspCameras();
    filesystem.unmount();
  });

  it('closes the recording in progress cleanly, frees the oldest recordings, resumes, and damages nothing', async () => {
    const media = await mkdtemp(join(filesystem.path, 'media-'));
    const clip = join(media, 'busy.mp4');
    await encodeH264Clip(clip, { source: 'testsrc2=size=640x360:rate=15,noise=alls=40:allf=t+u', seconds: 4, fps: 15, bitrateKbps: 1500 });
    const camera = await startRtspCamera({ mainFile: clip, subFile: clip });

    // Yesterday's recordings, whole files the start-up reconciliation indexes.
    const storage = join(filesystem.path, 'storage');
    const yesterday = Date.now() - 24 * HOUR;
    const seeded = Array.from({ length: 8 }, (_, i) => recordingRelativePath('porch', Math.floor((yesterday + i * HOUR) / 1000) * 1000));
    for (const path of seeded) {
      await mkdir(dirname(join(storage, path)), { recursive: true });
      await copyFile(clip, join(storage, path));
    }
    const seedBytes = (await stat(clip)).size;
    await rm(media, { recursive: true });

    controller = await startController({
      storage,
      manifests: { 'porch.yaml': cameraManifest('porch', camera.url('main'), camera.url('sub'), '  recording: { mode: continuous, segmentMinutes: 1, preRollSeconds: 0, postRollSeconds: 0 }\n') },
    });
    const recordingNow = (c: { status: { recording?: { id?: string } } }) => c.status.recording?.id;
    const first = await controller.waitForCamera('porch', (c) => c.status.phase === 'Running' && recordingNow(c) !== undefined, 'Running and recording', 30_000);
    await new Promise((resolve) => setTimeout(resolve, 5000));

    const filledAt = Date.now();
    filesystem.fill();
    expect(filesystem.freeBytes()).toBeLessThan(4096);

    // The recording in progress is closed with what reached the disk, once room is made for it.
    const listed = async () =>
      (await controller?.get<{ items: { metadata: { name: string }; spec: { path: string; start: string; end: string } }[] }>('/apis/camlet.dev/v1/recordings?camera=porch&trigger=continuous'))?.body.items ?? [];
    const closed = await waitUntil(async () => (await listed()).find((r) => r.metadata.name === recordingNow(first)), 40_000, 'the recording in progress at the fill, indexed');
    expect(Date.parse(closed.spec.end)).toBeGreaterThan(filledAt - 3000);
    expect(Date.parse(closed.spec.end)).toBeLessThan(filledAt + 3000);
    expect((await playable(join(storage, closed.spec.path))).errors).toBe('');

    const events = await controller.events('porch');
    expect(events.find((e) => e.reason === 'StorageFull')?.message).toMatch(/No space left on device/);
    expect(events.find((e) => e.reason === 'RecordingsDeletedForSpace')?.type).toBe('Warning');

    // Recording resumes: a new continuous recording, and the segments behind it flowing.
    const resumed = await controller.waitForCamera('porch', (c) => c.status.phase === 'Running' && recordingNow(c) !== undefined && recordingNow(c) !== recordingNow(first), 'recording again', 30_000);
    await new Promise((resolve) => setTimeout(resolve, 4000));
    await controller.stop();
    controller = undefined;

    // After a graceful stop: the index, read as it is on disk.
    const database = new Database(join(storage, 'camlet.db'), { readonly: true });
    let rows: RecordingRow[];
    try {
      expect(database.pragma('integrity_check', { simple: true })).toBe('ok');
      rows = database.prepare('SELECT id, path, start_ms, end_ms, trigger, state FROM recordings ORDER BY start_ms').all() as RecordingRow[];
    } finally {
      database.close();
    }
    const after = rows.find((row) => row.id === recordingNow(resumed));
    expect(after, 'the resumed recording, finished on stop').toBeDefined();
    expect((after as RecordingRow).start_ms).toBeGreaterThan(filledAt);
    expect((await playable(join(storage, (after as RecordingRow).path))).errors).toBe('');

    // The oldest went first; every row left is a whole, playable file.
    const seedsLeft = seeded.filter((path) => rows.some((row) => row.path === path));
    expect(seedsLeft.length).toBeLessThan(seeded.length);
    expect(seedsLeft).toEqual(seeded.slice(seeded.length - seedsLeft.length));
    for (const row of rows) {
      expect(row.state).toBe('complete');
      const file = await stat(join(storage, row.path));
      if (seeded.includes(row.path)) expect(file.size).toBe(seedBytes);
      expect((await playable(join(storage, row.path))).errors).toBe('');
    }
  }, 150_000);
});

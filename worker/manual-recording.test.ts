// Manual recordings in a CameraWorker against a real RTSP camera (scripts/rtsp-server.py) and real
// ffmpeg: the files are checked with ffprobe and a full decode.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../lib/logger.js';
import { waitUntil } from '../test/support/processes.js';
import { startRtspCamera, stopAllRtspCameras, type RtspCamera } from '../test/support/rtsp-camera.js';
import { CameraWorker } from './camera-worker.js';
import { parseWorkerMessage, type LiveSettings, type RecordingMessage, type WorkerConfig, type WorkerMessage } from './protocol.js';
import { SEGMENT_SECONDS } from './recording/spool.js';

const run = promisify(execFile);
const PRE_ROLL_SECONDS = 1;
const SEGMENT_MS = SEGMENT_SECONDS * 1000;

type Finished = Extract<RecordingMessage, { type: 'recordingFinished' }>;

const storage = mkdtempSync(join(tmpdir(), 'camlet-manual-'));
afterAll(() => rmSync(storage, { recursive: true, force: true }));

let camera: RtspCamera;
beforeAll(async () => {
  camera = await startRtspCamera({ main: '320x240@10', sub: '160x120@5' });
});
afterAll(stopAllRtspCameras);

const workers: CameraWorker[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.stop(1000)));
});

function settings(mode: LiveSettings['recording']['mode'], motion: boolean): LiveSettings {
  return {
    motion: { enabled: motion, fps: 5, width: 160, threshold: 25, minArea: 0.005, zones: [], masks: [] },
    recording: { mode, preRollSeconds: PRE_ROLL_SECONDS, postRollSeconds: 1, segmentMinutes: 10, audio: 'keep', retention: { maxAgeDays: 14, maxBytes: '1Gi' } },
    heartbeatSeconds: 1,
  };
}

/** A started worker on its own camera folder, with every message it sent (each checked against the protocol). */
async function startWorker(name: string, live: LiveSettings) {
  const config: WorkerConfig = {
    camera: name,
    streams: { main: { url: camera.url('main'), transport: 'tcp' }, sub: { url: camera.url('sub'), transport: 'tcp' } },
    ...live,
    secrets: [],
    storage,
    logLevel: 'info',
    ffmpegStopGraceMs: 1000,
  };
  const messages: WorkerMessage[] = [];
  const send = (message: WorkerMessage) => {
    const parsed = parseWorkerMessage(JSON.parse(JSON.stringify(message)));
    if (!parsed.ok) throw new Error(parsed.error);
    messages.push(message);
  };
  const worker = new CameraWorker({ config, send, logger: createLogger('test', 'silent') });
  workers.push(worker);
  worker.start();
  await waitUntil(() => messages.some((m) => m.type === 'heartbeat' && m.healthy), 10_000, 'a healthy heartbeat');
  // Segments in the spool for the pre-roll to take.
  await sleep(PRE_ROLL_SECONDS * 1000 + SEGMENT_MS);
  const finished = (trigger?: string) => messages.filter((m): m is Finished => m.type === 'recordingFinished' && (trigger === undefined || m.trigger === trigger));
  return { worker, messages, finished };
}

/** What ffprobe says of a file, and what a full decode complains of. */
async function inspect(path: string) {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name:format=duration', '-of', 'json', path]);
  const probe = JSON.parse(stdout) as { streams: { codec_name: string }[]; format: { duration: string } };
  const decode = await run('ffmpeg', ['-v', 'error', '-i', path, '-f', 'null', '-']);
  return { codec: probe.streams[0]?.codec_name, duration: Number(probe.format.duration), decodeErrors: decode.stderr.trim() };
}

describe('a manual recording', () => {
  it('covers the pre-roll and the seconds asked for, within a segment, even in recording mode off', async () => {
    const { worker, messages, finished } = await startWorker('manual-off', settings('off', false));
    const askedAt = Date.now();
    worker.record({ seconds: 3 });
    const [recording] = await waitUntil(() => (finished().length > 0 ? finished() : undefined), 12_000, 'the manual recording');
    expect(recording).toMatchObject({ trigger: 'manual', codec: 'h264', width: 320, height: 240 });
    if (!recording) return;
    expect(messages.find((m) => m.type === 'recordingStarted')).toMatchObject({ trigger: 'manual', id: recording.id });
    // From the segment holding askedAt - preRoll (segments start on keyframes) to askedAt + 3 s.
    expect(recording.startMs).toBeLessThanOrEqual(askedAt - PRE_ROLL_SECONDS * 1000 + 500);
    expect(recording.startMs).toBeGreaterThanOrEqual(askedAt - PRE_ROLL_SECONDS * 1000 - SEGMENT_MS - 500);
    expect(Math.abs(recording.endMs - (askedAt + 3000))).toBeLessThanOrEqual(SEGMENT_MS);
    const file = await inspect(join(storage, recording.path));
    expect(file).toMatchObject({ codec: 'h264', decodeErrors: '' });
    expect(Math.abs(file.duration - recording.durationSeconds)).toBeLessThan(0.3);
    expect(file.duration).toBeGreaterThanOrEqual(3 + PRE_ROLL_SECONDS - SEGMENT_SECONDS);
    expect(file.duration).toBeLessThanOrEqual(3 + PRE_ROLL_SECONDS + SEGMENT_SECONDS);
    // Mode off: nothing else was recorded.
    expect(messages.filter((m) => m.type === 'recordingStarted')).toHaveLength(1);
  });

  it('ends early when stopped, and a second request extends a running one', async () => {
    const { worker, finished } = await startWorker('manual-stop', settings('off', false));
    worker.record({ seconds: 5 });
    await sleep(1000);
    worker.record({ seconds: 60 }); // extended: the 5 s end passes without a cut
    await sleep(5500);
    expect(finished()).toEqual([]);
    const stoppedAt = Date.now();
    worker.record({ stop: true });
    const [recording] = await waitUntil(() => (finished().length > 0 ? finished() : undefined), 8_000, 'the stopped recording');
    if (!recording) return;
    expect(recording.trigger).toBe('manual');
    expect(Math.abs(recording.endMs - stoppedAt)).toBeLessThanOrEqual(SEGMENT_MS);
    const file = await inspect(join(storage, recording.path));
    expect(file.decodeErrors).toBe('');
    expect(file.duration).toBeGreaterThanOrEqual(6.5 + PRE_ROLL_SECONDS - SEGMENT_SECONDS);
    expect(file.duration).toBeLessThanOrEqual(6.5 + PRE_ROLL_SECONDS + SEGMENT_SECONDS);
  });

  it('is a file of its own beside a motion recording it overlaps, and is finished when the worker stops', async () => {
    // The test pattern's ball moves all the time: a motion recording runs throughout.
    const { worker, messages, finished } = await startWorker('manual-motion', settings('motion', true));
    await waitUntil(() => messages.some((m) => m.type === 'recordingStarted' && m.trigger === 'motion'), 10_000, 'a motion recording');
    worker.record({ seconds: 60 });
    await waitUntil(() => messages.some((m) => m.type === 'recordingStarted' && m.trigger === 'manual'), 5_000, 'the manual recording');
    await sleep(2500);
    await worker.stop(1000);
    const manual = finished('manual');
    const motion = finished('motion');
    expect(manual).toHaveLength(1);
    expect(motion.length).toBeGreaterThanOrEqual(1);
    expect(motion.map((m) => m.path)).not.toContain(manual[0]?.path);
    for (const recording of [...manual, ...motion]) expect((await inspect(join(storage, recording.path))).decodeErrors).toBe('');
    // The manual one ends with the worker, long before its 60 s.
    expect(manual[0]?.durationSeconds).toBeLessThan(2.5 + PRE_ROLL_SECONDS + 2 * SEGMENT_SECONDS);
  });

  it('goes on with the next worker after a graceful stop, until its end or a stop', async () => {
    const first = await startWorker('manual-restart', settings('off', false));
    first.worker.record({ seconds: 120 });
    await waitUntil(() => first.messages.some((m) => m.type === 'recordingStarted' && m.trigger === 'manual'), 5_000, 'the manual recording');
    await sleep(1500);
    await first.worker.stop(1000);
    expect(first.finished('manual')).toHaveLength(1);

    // A new worker (a restart of the camera) records the rest of the 120 s without being asked again.
    const second = await startWorker('manual-restart', settings('off', false));
    await waitUntil(() => second.messages.some((m) => m.type === 'recordingStarted' && m.trigger === 'manual'), 5_000, 'the manual recording going on');
    second.worker.record({ stop: true });
    await waitUntil(() => second.finished('manual').length === 1, 10_000, 'the manual recording stopped');
    await second.worker.stop(1000);

    // Stopped: the next worker records nothing.
    const third = await startWorker('manual-restart', settings('off', false));
    await sleep(1000);
    expect(third.messages.filter((m) => m.type === 'recordingStarted')).toEqual([]);
  });
});

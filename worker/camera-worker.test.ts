// CameraWorker against real RTSP cameras (scripts/rtsp-server.py) and real ffmpeg processes.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../lib/logger.js';
import { freePort, isAlive, waitUntil } from '../test/support/processes.js';
import { startRtspCamera, stopAllRtspCameras, type RtspCamera } from '../test/support/rtsp-camera.js';
import { CameraWorker, type CameraWorkerOptions } from './camera-worker.js';
import { parseWorkerMessage, type Heartbeat, type LiveSettings, type WorkerConfig, type WorkerMessage } from './protocol.js';

const run = promisify(execFile);

const live: LiveSettings = {
  motion: { enabled: true, fps: 5, width: 160, threshold: 25, minArea: 0.005, zones: [], masks: [] },
  recording: { mode: 'motion', preRollSeconds: 5, postRollSeconds: 5, segmentMinutes: 10, audio: 'keep', retention: { maxAgeDays: 14, maxBytes: '1Gi' } },
  heartbeatSeconds: 1,
};

/** Where the workers' spools and recordings go; removed after the tests. */
const storage = mkdtempSync(join(tmpdir(), 'camlet-worker-'));
afterAll(() => rmSync(storage, { recursive: true, force: true }));

function config(camera: RtspCamera, overrides: Partial<WorkerConfig> = {}): WorkerConfig {
  return {
    camera: 'test-camera',
    streams: { main: { url: camera.url('main'), transport: 'tcp' }, sub: { url: camera.url('sub'), transport: 'tcp' } },
    ...live,
    secrets: [],
    storage,
    logLevel: 'debug',
    ffmpegStopGraceMs: 1000,
    ...overrides,
  };
}

interface Received {
  at: number;
  heartbeat: Heartbeat;
}

const workers: CameraWorker[] = [];

/** A started worker, stopped after the test, with every heartbeat it sent (each checked against the protocol). */
function startWorker(workerConfig: WorkerConfig, options: Partial<CameraWorkerOptions> = {}) {
  const heartbeats: Received[] = [];
  const messages: WorkerMessage[] = [];
  const send = (message: WorkerMessage) => {
    const parsed = parseWorkerMessage(JSON.parse(JSON.stringify(message)));
    if (!parsed.ok) throw new Error(parsed.error);
    if (message.type === 'heartbeat') heartbeats.push({ at: Date.now(), heartbeat: message });
    else messages.push(message);
  };
  const worker = new CameraWorker({ config: workerConfig, send, logger: createLogger('test', 'silent'), stallMs: 4000, reconnectInitialMs: 100, ...options });
  workers.push(worker);
  worker.start();
  const last = () => heartbeats[heartbeats.length - 1]?.heartbeat;
  return { worker, heartbeats, last, messages };
}

afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.stop(1000)));
});
afterAll(stopAllRtspCameras);

describe('a worker on a camera that works', () => {
  let camera: RtspCamera;
  beforeAll(async () => {
    camera = await startRtspCamera({ main: '320x240@10', sub: '160x120@5' });
  });

  it('reports healthy heartbeats with the fps of each stream, and stops its ffmpeg', async () => {
    const startedAt = Date.now();
    const { worker, heartbeats, last } = startWorker(config(camera));
    // The first heartbeat goes out at once, before anything connected (the main stream's ffmpeg
    // starts once the spool is checked for what an earlier worker left).
    expect(heartbeats[0]?.heartbeat).toMatchObject({ healthy: false, detail: 'main: connecting, sub: connecting' });
    const healthy = await waitUntil(() => heartbeats.find((h) => h.heartbeat.healthy), 10_000, 'a healthy heartbeat');
    expect(healthy.heartbeat.ffmpegPids).toHaveLength(2);
    console.info(`worker: healthy ${healthy.at - startedAt} ms after start`);
    // Let the fps meters see a few seconds of steady stream.
    await sleep(4500);
    const heartbeat = last();
    expect(heartbeat?.healthy).toBe(true);
    expect(heartbeat?.detail).toMatch(/^main \d+\.\d fps, sub \d+\.\d fps$/);
    const main = heartbeat?.streams.main;
    const sub = heartbeat?.streams.sub;
    expect(main?.fps).toBeGreaterThanOrEqual(8);
    expect(main?.fps).toBeLessThanOrEqual(12);
    expect(sub?.fps).toBeGreaterThanOrEqual(4);
    expect(sub?.fps).toBeLessThanOrEqual(6);
    // Every sub frame (5 fps) is analysed at motion.fps 5; the moving ball is motion.
    expect(heartbeat?.motion?.analysedFps).toBeGreaterThanOrEqual(4);
    expect(heartbeat?.motion?.analysedFps).toBeLessThanOrEqual(6);
    expect(heartbeat?.motion?.skippedFps).toBeLessThan(1);
    expect(heartbeat?.motion?.active).toBe(true);
    expect(main).toMatchObject({ connected: true, reconnects: 0 });
    expect(sub).toMatchObject({ connected: true, reconnects: 0 });
    expect(main?.error).toBeUndefined();
    // heartbeatSeconds 1: periodic beats keep coming.
    const beatsSinceHealthy = heartbeats.filter((h) => h.at >= healthy.at).length;
    expect(beatsSinceHealthy).toBeGreaterThanOrEqual(4);

    const pids = heartbeat?.ffmpegPids ?? [];
    expect(pids).toHaveLength(2);
    expect(pids.every(isAlive)).toBe(true);
    await worker.stop(2000);
    expect(pids.filter(isAlive)).toEqual([]);
    expect(worker.heartbeat().ffmpegPids).toEqual([]);
  });

  it('detects the moving ball on the sub stream, records the main stream around it, and finishes the recording when stopped', async () => {
    const { worker, messages } = startWorker(config(camera, { recording: { ...live.recording, preRollSeconds: 1 } }));
    const types = () => messages.map((m) => m.type);
    await waitUntil(() => types().includes('recordingStarted'), 15_000, 'motion and a recording');
    const motion = messages.find((m) => m.type === 'motionStarted');
    expect(motion).toMatchObject({ type: 'motionStarted' });
    expect(types().indexOf('motionStarted')).toBeLessThan(types().indexOf('recordingStarted'));
    await sleep(2000);
    await worker.stop(2000);
    const finished = messages.find((m) => m.type === 'recordingFinished');
    expect(finished).toMatchObject({ type: 'recordingFinished', trigger: 'motion', codec: 'h264', width: 320, height: 240 });
    if (finished?.type !== 'recordingFinished') return;
    expect(existsSync(join(storage, finished.path))).toBe(true);
    expect(finished.durationSeconds).toBeGreaterThan(1.5);
  });

  it('analyses the main stream, with a Warning, when no sub stream is declared', async () => {
    const { heartbeats, messages } = startWorker(config(camera, { streams: { main: { url: camera.url('main'), transport: 'tcp' } } }));
    expect(messages[0]).toMatchObject({ type: 'event', eventType: 'Warning', reason: 'NoSubStream' });
    const healthy = await waitUntil(() => heartbeats.find((h) => h.heartbeat.healthy), 10_000, 'a healthy heartbeat');
    expect(Object.keys(healthy.heartbeat.streams).sort()).toEqual(['analysis', 'main']);
    // The moving ball, found on the main stream's pictures, is recorded.
    await waitUntil(() => messages.some((m) => m.type === 'recordingStarted'), 10_000, 'motion and a recording');
    expect(messages.some((m) => m.type === 'motionStarted')).toBe(true);
  });

  it('analyses the main stream while the sub stream delivers nothing, with a Warning', async () => {
    const broken = { main: { url: camera.url('main'), transport: 'tcp' as const }, sub: { url: camera.url('main').replace(/main$/, 'nosuch'), transport: 'tcp' as const } };
    const { heartbeats, messages } = startWorker(config(camera, { streams: broken }), { subFallbackMs: 1500 });
    await waitUntil(() => messages.some((m) => m.type === 'event' && m.reason === 'SubStreamDown'), 10_000, 'the fallback');
    await waitUntil(() => heartbeats.at(-1)?.heartbeat.streams.analysis?.connected, 10_000, 'the main stream decoded for motion');
    expect(heartbeats.at(-1)?.heartbeat.streams.sub?.connected).toBe(false);
    await waitUntil(() => messages.some((m) => m.type === 'recordingStarted'), 10_000, 'motion and a recording');
  });

  it('restarts only the sub ffmpeg when motion.width changes, and never reports the deliberate restart as unhealthy', async () => {
    const { worker, heartbeats } = startWorker(config(camera));
    await waitUntil(() => worker.heartbeat().healthy, 10_000, 'a healthy worker');
    const updatedAt = Date.now();
    const before = worker.heartbeat().ffmpegPids;
    expect(before).toHaveLength(2);
    const [mainPid, subPid] = before;

    await worker.update({ ...live, motion: { ...live.motion, width: 80 } });
    const after = worker.heartbeat().ffmpegPids;
    expect(after[0]).toBe(mainPid);
    expect(after[1]).toBeDefined();
    expect(after[1]).not.toBe(subPid);
    expect(isAlive(subPid ?? 0)).toBe(false);
    expect(isAlive(mainPid ?? 0)).toBe(true);
    const subFrames = worker.heartbeat().streams.sub?.frames ?? 0;
    await waitUntil(() => (worker.heartbeat().streams.sub?.frames ?? 0) > subFrames, 10_000, 'frames from the new sub ffmpeg');
    expect(worker.heartbeat().healthy).toBe(true);
    expect(heartbeats.filter((h) => h.at >= updatedAt && !h.heartbeat.healthy)).toEqual([]);
    expect(worker.heartbeat().streams.main?.reconnects).toBe(0);

    // The same width again: nothing restarts.
    await worker.update({ ...live, motion: { ...live.motion, width: 80, threshold: 40 } });
    expect(worker.heartbeat().ffmpegPids).toEqual(after);
  });
});

describe('a worker whose camera goes away and comes back', () => {
  it('reports unhealthy at once with the error, reconnects by itself and reports healthy again', async () => {
    let camera = await startRtspCamera({ main: '160x120@5', sub: '160x120@5' });
    const port = camera.port;
    // No periodic beat during the test: whatever arrives is a report of a health change.
    const { worker, heartbeats } = startWorker(config(camera, { heartbeatSeconds: 60 }), { reconnectInitialMs: 200 });
    await waitUntil(() => heartbeats.some((h) => h.heartbeat.healthy), 10_000, 'a healthy heartbeat');

    const stoppedAt = Date.now();
    await camera.stop();
    const unhealthy = await waitUntil(() => heartbeats.find((h) => h.at >= stoppedAt && !h.heartbeat.healthy), 5000, 'an unhealthy heartbeat');
    console.info(`worker: unhealthy reported ${unhealthy.at - stoppedAt} ms after the camera stopped: ${unhealthy.heartbeat.detail}`);
    const down = Object.values(unhealthy.heartbeat.streams).filter((figures) => !figures.connected);
    expect(down.length).toBeGreaterThan(0);
    for (const figures of down) expect(figures.error).toEqual(expect.any(String));
    expect(unhealthy.heartbeat.detail).not.toMatch(/connecting/);
    await waitUntil(() => !worker.heartbeat().streams.main?.connected && !worker.heartbeat().streams.sub?.connected, 5000, 'both streams down');
    expect(worker.heartbeat().healthy).toBe(false);

    const restartedAt = Date.now();
    camera = await startRtspCamera({ port, main: '160x120@5', sub: '160x120@5' });
    const healthy = await waitUntil(() => heartbeats.find((h) => h.at >= restartedAt && h.heartbeat.healthy), 15_000, 'a healthy heartbeat again');
    console.info(`worker: healthy again ${healthy.at - restartedAt} ms after the camera restarted`);
    expect(healthy.heartbeat.streams.main?.reconnects).toBeGreaterThan(0);
    expect(healthy.heartbeat.streams.sub?.reconnects).toBeGreaterThan(0);
    expect(healthy.heartbeat.detail).toMatch(/^main (connected|\d+\.\d fps), sub (connected|\d+\.\d fps)$/);
  });
});

describe('a worker whose main stream goes down while its sub stream goes on', () => {
  it('records the sub stream, with a Warning, and the main stream again once it is back; no recording mixes the two', async () => {
    // Two servers, so that the main stream can go away alone.
    let mainCamera = await startRtspCamera({ main: '320x240@10', sub: '160x120@5' });
    const subCamera = await startRtspCamera({ main: '160x120@5', sub: '160x120@5' });
    const port = mainCamera.port;
    const streams = { main: { url: mainCamera.url('main'), transport: 'tcp' as const }, sub: { url: subCamera.url('sub'), transport: 'tcp' as const } };
    const { heartbeats, messages } = startWorker(config(mainCamera, { streams }), { mainFallbackMs: 1000, mainProbeEveryMs: 500 });
    const finished = () => messages.flatMap((m) => (m.type === 'recordingFinished' ? [m] : []));
    // The moving ball keeps motion going: a recording is open from the start.
    await waitUntil(() => messages.some((m) => m.type === 'recordingStarted') && worker().healthy, 15_000, 'a healthy worker recording');

    await mainCamera.stop();
    const down = await waitUntil(() => messages.find((m) => m.type === 'event' && m.reason === 'MainStreamDown'), 10_000, 'the MainStreamDown Warning');
    expect(down).toMatchObject({ eventType: 'Warning' });
    // The main stream's recording ended with the stream; the next one is of the sub stream.
    await waitUntil(() => finished().length >= 1, 10_000, 'the main stream\'s recording finished');
    expect(finished()[0]).toMatchObject({ width: 320, height: 240 });
    const recordingSub = await waitUntil(() => heartbeats.find((h) => (h.heartbeat.streams.main?.error ?? '').includes('sub stream is recorded') && h.heartbeat.streams.main?.fps), 10_000, 'frames of the sub stream recorded');
    expect(recordingSub.heartbeat.healthy).toBe(false);
    expect(recordingSub.heartbeat.streams.main?.connected).toBe(false);

    mainCamera = await startRtspCamera({ port, main: '320x240@10', sub: '160x120@5' });
    const back = await waitUntil(() => messages.findIndex((m) => m.type === 'event' && m.reason === 'MainStreamBack') + 1, 10_000, 'the MainStreamBack event');
    await waitUntil(() => finished().length >= 2, 10_000, 'the sub stream\'s recording finished');
    expect(finished()[1]).toMatchObject({ trigger: 'motion', codec: 'h264', width: 160, height: 120 });
    expect(finished()[1]?.durationSeconds).toBeGreaterThan(1);
    // A recording opens once the main stream delivers again.
    await waitUntil(() => messages.slice(back).some((m) => m.type === 'recordingStarted'), 10_000, 'a recording of the main stream');
    expect(worker()).toMatchObject({ healthy: true, streams: { main: { connected: true } } });
    await sleep(2500);
    await workers.at(-1)?.stop(2000);
    expect(finished().at(-1)).toMatchObject({ width: 320, height: 240 });
    for (const recording of finished()) expect(existsSync(join(storage, recording.path))).toBe(true);
    // The attempts to reach the main stream while it was down opened no recording, so none failed.
    expect(messages.filter((m) => m.type === 'recordingFailed')).toEqual([]);

    function worker() {
      return (workers.at(-1) as CameraWorker).heartbeat();
    }
  });
});

describe('a worker on a camera that sends G.711 sound', () => {
  let camera: RtspCamera;
  beforeAll(async () => {
    camera = await startRtspCamera({ main: '320x240@10', sub: '160x120@5', mainAudio: 'pcmu' });
  });

  /**
   * The streams of the recording a worker with recording.audio `audio` makes once it knows the
   * sound (its first run, which learns it, ends at once), and the worker's events.
   */
  async function recordingOnceKnown(audio: LiveSettings['recording']['audio']) {
    const { worker, messages } = startWorker(config(camera, { recording: { ...live.recording, preRollSeconds: 1, audio } }));
    const started = () => messages.filter((m) => m.type === 'recordingStarted').length;
    // Two connections, the second perhaps after a failed fast probe (the first packet sound): slow on a busy machine.
    await waitUntil(() => started() >= 2, 40_000, 'motion and a recording of the second run');
    await sleep(2500);
    await worker.stop(2000);
    const finished = messages.filter((m) => m.type === 'recordingFinished').at(-1);
    if (finished?.type !== 'recordingFinished') throw new Error(`no recording: ${JSON.stringify(messages)}`);
    const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', join(storage, finished.path)]);
    return { codecs: stdout.trim().split('\n'), events: messages.flatMap((m) => (m.type === 'event' ? [m.reason] : [])) };
  }

  it('drops it, with one Warning, when recording.audio is keep', async () => {
    expect(await recordingOnceKnown('keep')).toEqual({ codecs: ['h264'], events: ['AudioDropped'] });
  }, 60_000);

  it('converts it to AAC when recording.audio is aac', async () => {
    expect(await recordingOnceKnown('aac')).toEqual({ codecs: ['h264', 'aac'], events: [] });
  }, 60_000);
});

describe('a worker whose camera does not answer', () => {
  it('keeps reconnecting, ever more slowly, and stays unhealthy with the error', async () => {
    const port = await freePort();
    const nowhere = { url: (mount: string) => `rtsp://127.0.0.1:${port}/${mount}` } as RtspCamera;
    const { worker, heartbeats } = startWorker(config(nowhere), { reconnectInitialMs: 100 });
    await sleep(2500);
    // 100 + 200 + 400 + 800 ms of waiting, plus the failed attempts: 4 or 5 reconnects, not 25.
    const { streams, detail, healthy } = worker.heartbeat();
    for (const figures of [streams.main, streams.sub]) {
      expect(figures?.reconnects).toBeGreaterThanOrEqual(3);
      expect(figures?.reconnects).toBeLessThanOrEqual(6);
      expect(figures?.error).toMatch(/refused/i);
      expect(figures?.connected).toBe(false);
    }
    expect(healthy).toBe(false);
    expect(detail).toMatch(/^main: .*refused.*\(reconnect \d\), sub: .*refused.*\(reconnect \d\)$/i);
    expect(heartbeats.length).toBeGreaterThanOrEqual(2);
    expect(heartbeats.every((h) => !h.heartbeat.healthy)).toBe(true);
  });
});

describe('a worker with the wrong password', () => {
  it('reports the error and never shows the password', async () => {
    const password = 'right-Pa55';
    const wrong = 'wr0ng p@ss:wd';
    const camera = await startRtspCamera({ main: '160x120@5', sub: '160x120@5', user: 'viewer', password });
    const withWrongPassword = (url: string) => url.replace(encodeURIComponent(password), encodeURIComponent(wrong));
    const lines: string[] = [];
    const logger = createLogger('test', 'debug', { write: (line: string) => void lines.push(line) }).child({ camera: 'test-camera' });
    const { worker, heartbeats } = startWorker(
      config(camera, {
        streams: {
          main: { url: withWrongPassword(camera.url('main')), transport: 'tcp' },
          sub: { url: withWrongPassword(camera.url('sub')), transport: 'tcp' },
        },
        // What the controller gives: the password as written in the URL, and decoded.
        secrets: [encodeURIComponent(wrong), wrong],
      }),
      { logger },
    );
    await waitUntil(() => (worker.heartbeat().streams.sub?.reconnects ?? 0) >= 2, 10_000, 'a few failed connections');
    const heartbeat = worker.heartbeat();
    expect(heartbeat.healthy).toBe(false);
    expect(heartbeat.streams.main?.error).toMatch(/401|unauthorized/i);
    expect(heartbeat.streams.sub?.error).toMatch(/401|unauthorized/i);
    expect(heartbeat.detail).toMatch(/unauthorized/i);

    const shown = [JSON.stringify(heartbeats), JSON.stringify(heartbeat), lines.join('')].join('\n');
    expect(lines.length).toBeGreaterThan(0);
    expect(shown).toMatch(/unauthorized/i);
    for (const form of [wrong, encodeURIComponent(wrong), 'wr0ng', password]) expect(shown).not.toContain(form);
  });
});

// StreamPipeline against a real RTSP camera (scripts/rtsp-server.py) and a real ffmpeg.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../lib/logger.js';
import { freePort, isAlive, waitUntil } from '../test/support/processes.js';
import { startRtspCamera, stopAllRtspCameras, type RtspCamera } from '../test/support/rtsp-camera.js';
import { grayFramesArgs, recordSegmentsArgs, type Probe } from './ffmpeg-commands.js';
import { StreamPipeline, type PipelineOptions } from './stream-pipeline.js';

/** Every pino line written, parsed; for tests that look at what was logged. */
function memoryLogger() {
  const lines: string[] = [];
  const logger = createLogger('test', 'debug', { write: (line: string) => void lines.push(line) });
  const records = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines, records };
}

const started: StreamPipeline[] = [];

/** The main stream recorded into segments in a folder of its own, removed after the tests. */
const spool = mkdtempSync(join(tmpdir(), 'camlet-pipeline-'));
let spoolRuns = 0;
function mainArgs(stream: { url: string; transport: 'tcp' }, probe?: Probe): string[] {
  const run = join(spool, String(spoolRuns++));
  mkdirSync(run);
  return recordSegmentsArgs(stream, { segmentPattern: join(run, 'seg-%06d.ts'), segmentList: join(run, 'segments.csv') }, probe);
}

/** A pipeline stopped after the test, with a count of its health changes. */
function pipeline(options: Partial<PipelineOptions> & Pick<PipelineOptions, 'args' | 'output'>) {
  const counts = { healthChanges: 0 };
  const created = new StreamPipeline({
    name: 'main',
    secrets: [],
    logger: createLogger('test', 'silent'),
    stallMs: 4000,
    reconnectInitialMs: 100,
    ...options,
    onHealthChange: () => void counts.healthChanges++,
  });
  started.push(created);
  return Object.assign(created, { counts });
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.stop(1000)));
});
afterAll(async () => {
  await stopAllRtspCameras();
  rmSync(spool, { recursive: true, force: true });
});

describe('a pipeline on a camera that works', () => {
  let camera: RtspCamera;
  // A camera of its own for each test: each starts from a server with no client, whatever the
  // test before left (a client that has just torn its session down, a media being unprepared).
  beforeEach(async () => {
    camera = await startRtspCamera({ main: '320x240@10', sub: '160x120@5' });
  });
  afterEach(async () => {
    await camera.stop();
  });

  it('copies the main stream, counts its frames and measures about 10 fps', async () => {
    const main = pipeline({ args: () => mainArgs({ url: camera.url('main'), transport: 'tcp' }), output: { kind: 'progress' } });
    const startedAt = Date.now();
    main.start();
    expect(main.pid).toBeGreaterThan(0);
    await waitUntil(() => main.isConnected, 10_000, 'the main stream to connect');
    const firstFrameMs = Date.now() - startedAt;
    console.info(`main (copy): first frames after ${firstFrameMs} ms`);
    expect(main.counts.healthChanges).toBe(1);
    // The meter's window is 3 s, and the first half second comes as a burst (what ffmpeg read
    // while it analysed the stream): let the window move past it.
    await sleep(4500);
    const figures = main.figures();
    expect(figures).toMatchObject({ connected: true, reconnects: 0 });
    expect(figures.error).toBeUndefined();
    expect(figures.fps).toBeGreaterThanOrEqual(8);
    expect(figures.fps).toBeLessThanOrEqual(12);
    expect(figures.frames).toBeGreaterThanOrEqual(25);
    expect(figures.lastFrameAt).toBeGreaterThan(Date.now() - 2000);
    expect(main.describe()).toMatch(/^main (9|10|11)\.\d fps$/);
  });

  it('decodes the sub stream to gray frames whose height keeps the aspect ratio', async () => {
    const frames = new Map<number, { width: number; height: number; bytes: number; count: number }>();
    const decode = (width: number) =>
      pipeline({
        name: `sub${width}`,
        args: () => grayFramesArgs({ url: camera.url('sub'), transport: 'tcp' }, width),
        output: {
          kind: 'grayFrames',
          onFrame: (frame, w, h) => {
            const seen = frames.get(width);
            frames.set(width, { width: w, height: h, bytes: frame.length, count: (seen?.count ?? 0) + 1 });
          },
        },
      });
    const full = decode(160);
    const half = decode(80);
    const startedAt = Date.now();
    full.start();
    half.start();
    await waitUntil(() => frames.has(160) && frames.has(80), 10_000, 'decoded frames');
    console.info(`sub (decode): first frames after ${Date.now() - startedAt} ms`);
    expect(frames.get(160)).toMatchObject({ width: 160, height: 120, bytes: 160 * 120 });
    expect(frames.get(80)).toMatchObject({ width: 80, height: 60, bytes: 80 * 60 });
    await sleep(3500);
    for (const p of [full, half]) {
      const { fps, connected } = p.figures();
      expect(connected).toBe(true);
      expect(fps).toBeGreaterThanOrEqual(4);
      expect(fps).toBeLessThanOrEqual(6);
    }
    expect(frames.get(160)?.count).toBe(full.figures().frames);
  });

  it('stops ffmpeg on stop() and does not restart it', async () => {
    const main = pipeline({ args: () => mainArgs({ url: camera.url('main'), transport: 'tcp' }), output: { kind: 'progress' } });
    main.start();
    await waitUntil(() => main.isConnected, 10_000, 'the main stream to connect');
    const pid = main.pid;
    expect(pid).toBeDefined();
    const stopAt = Date.now();
    await main.stop(2000);
    console.info(`main (copy): stopped by SIGINT in ${Date.now() - stopAt} ms`);
    expect(isAlive(pid ?? 0)).toBe(false);
    expect(main.isConnected).toBe(false);
    expect(main.pid).toBeUndefined();
    await sleep(500); // more than the reconnect delay
    expect(main.pid).toBeUndefined();
    expect(main.figures().reconnects).toBe(0);
  });

  it('runs overlapping restarts one after the other, leaving one ffmpeg, and none when stop() comes in between', async () => {
    const launched: number[] = [];
    const main = pipeline({
      args: () => {
        launched.push(Date.now());
        return mainArgs({ url: camera.url('main'), transport: 'tcp' });
      },
      output: { kind: 'progress' },
    });
    main.start();
    await waitUntil(() => main.isConnected, 10_000, 'the main stream to connect');
    const first = main.pid;
    await Promise.all([main.restart(2000), main.restart(2000)]);
    expect(launched).toHaveLength(3);
    expect(isAlive(first ?? 0)).toBe(false);
    expect(main.counts.healthChanges).toBe(1); // connected once; the restarts are no loss
    const current = main.pid;
    expect(current !== undefined && isAlive(current)).toBe(true);

    const restarting = main.restart(2000);
    await main.stop(2000);
    await restarting;
    expect(main.pid).toBeUndefined();
    expect(isAlive(current ?? 0)).toBe(false);
    expect(main.isConnected).toBe(false);
    expect(launched).toHaveLength(3); // the restart that stop() overtook started nothing
  });

  it('restarts a stalled ffmpeg: a camera that stops sending without closing', async () => {
    const frozen = await startRtspCamera({ main: '160x120@5', sub: '160x120@5' });
    const main = pipeline({
      args: () => mainArgs({ url: frozen.url('main'), transport: 'tcp' }),
      output: { kind: 'progress' },
      // More than ffmpeg needs to connect (about 1 to 2 s): the stall timer runs from the start.
      stallMs: 2500,
    });
    main.start();
    await waitUntil(() => main.isConnected, 10_000, 'the main stream to connect');
    const firstPid = main.pid;
    process.kill(frozen.pid, 'SIGSTOP');
    try {
      const frozenAt = Date.now();
      await waitUntil(() => !main.isConnected, 5000, 'the stall to be noticed');
      console.info(`stall noticed ${Date.now() - frozenAt} ms after the camera froze (stallMs 2500)`);
      expect(main.figures().error).toBe('no frame for 2.5s');
      await waitUntil(() => main.pid !== undefined && main.pid !== firstPid, 5000, 'a new ffmpeg');
      expect(isAlive(firstPid ?? 0)).toBe(false);
    } finally {
      process.kill(frozen.pid, 'SIGCONT');
    }
    await waitUntil(() => main.isConnected, 10_000, 'the stream to come back');
    expect(main.figures().reconnects).toBeGreaterThan(0);
  });
});

describe('a pipeline on a port where nothing listens', () => {
  it('reconnects with a growing backoff and stays disconnected, with the error', async () => {
    const port = await freePort();
    const { logger, records } = memoryLogger();
    const main = pipeline({
      args: () => mainArgs({ url: `rtsp://127.0.0.1:${port}/main`, transport: 'tcp' }),
      output: { kind: 'progress' },
      logger,
      reconnectInitialMs: 50,
    });
    main.start();
    await waitUntil(() => main.figures().reconnects >= 4, 10_000, 'four reconnects');
    const delays = records()
      .filter((r) => typeof r.msg === 'string' && r.msg.startsWith('stream lost'))
      .map((r) => Number(r.retryInMs));
    expect(delays.slice(0, 4)).toEqual([50, 100, 200, 400]);
    const figures = main.figures();
    expect(figures.connected).toBe(false);
    expect(figures.frames).toBe(0);
    expect(figures.fps).toBe(0);
    expect(figures.error).toMatch(/refused/i);
    expect(main.describe()).toMatch(/^main: .*refused.* \(reconnect \d+\)$/i);
    // Never connected: no health change to report.
    expect(main.counts.healthChanges).toBe(0);
  });
});

describe('probing', () => {
  it('alternates fast and thorough probing while nothing is delivered, and keeps the probing that delivered', async () => {
    const port = await freePort();
    const probes: Probe[] = [];
    const main = pipeline({
      args: (probe) => {
        probes.push(probe);
        return mainArgs({ url: `rtsp://127.0.0.1:${port}/main`, transport: 'tcp' }, probe);
      },
      output: { kind: 'progress' },
      reconnectInitialMs: 50,
      reconnectMaxMs: 200,
    });
    main.start();
    await waitUntil(() => probes.length >= 4, 10_000, 'four attempts');
    expect(probes.slice(0, 4)).toEqual(['fast', 'thorough', 'fast', 'thorough']);

    const camera = await startRtspCamera({ port });
    await waitUntil(() => main.isConnected, 15_000, 'the camera to come up');
    await camera.stop();
    const attemptsBeforeDrop = probes.length;
    await waitUntil(() => probes.length > attemptsBeforeDrop, 15_000, 'a reconnection attempt');
    expect(probes[attemptsBeforeDrop]).toBe(probes[attemptsBeforeDrop - 1]);
  });
});


// ProcessRuntime running the built worker (dist/worker/main.js: `npm run build` first) against a
// real RTSP camera that requires a password.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { projectPath } from '../../lib/project-root.js';
import type { WorkerExit } from '../../controller/lifecycle/camera-machine.js';
import { isAlive, waitUntil } from '../../test/support/processes.js';
import { startRtspCamera, stopAllRtspCameras, type RtspCamera } from '../../test/support/rtsp-camera.js';
import { parseWorkerMessage, type Heartbeat, type WorkerConfig } from '../../worker/protocol.js';
import type { WorkerHandle, WorkerLogRecord } from '../runtime.js';
import { ProcessRuntime } from './process-runtime.js';

const USER = 'viewer';
const PASSWORD = 'camera-Pa55:w0rd';
const PLANTED = { name: 'CAMLET_TEST_PLANTED_SECRET', value: 'planted-controller-secret-4711' };

/** Where the workers' spools and recordings go; removed after the tests. */
const storage = mkdtempSync(join(tmpdir(), 'camlet-runtime-'));
afterAll(() => rmSync(storage, { recursive: true, force: true }));

function config(camera: RtspCamera): WorkerConfig {
  return {
    camera: 'proc-camera',
    streams: { main: { url: camera.url('main'), transport: 'tcp' }, sub: { url: camera.url('sub'), transport: 'tcp' } },
    motion: { enabled: true, fps: 5, width: 160, threshold: 25, minArea: 0.005, zones: [], masks: [] },
    recording: { mode: 'motion', preRollSeconds: 5, postRollSeconds: 5, segmentMinutes: 10, audio: 'keep', retention: { maxAgeDays: 14, maxBytes: '1Gi' } },
    heartbeatSeconds: 1,
    secrets: [encodeURIComponent(PASSWORD), PASSWORD],
    storage,
    logLevel: 'info',
    ffmpegStopGraceMs: 1000,
  };
}

const handles: WorkerHandle[] = [];

/** Starts a worker, stopped after the test, and records all that it reports. */
function start(runtime: ProcessRuntime, workerConfig: WorkerConfig) {
  const heartbeats: Heartbeat[] = [];
  const logs: WorkerLogRecord[] = [];
  const exits: { at: number; exit: WorkerExit }[] = [];
  const handle = runtime.start(workerConfig, {
    onHeartbeat: (heartbeat) => heartbeats.push(heartbeat),
    onEvent: () => undefined,
    onRecording: () => undefined,
    onMotion: () => undefined,
    onLog: (record) => logs.push(record),
    onExit: (exit) => exits.push({ at: Date.now(), exit }),
  });
  handles.push(handle);
  return { handle, heartbeats, logs, exits };
}

function environmentOf(pid: number): string[] {
  return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
}

afterEach(async () => {
  await Promise.all(handles.splice(0).map((handle) => handle.stop(1000)));
});

describe('the process runtime with a real camera', () => {
  let camera: RtspCamera;
  beforeAll(async () => {
    if (!existsSync(projectPath('dist', 'worker', 'main.js'))) throw new Error('dist/worker/main.js is missing: run `npm run build` first');
    process.env[PLANTED.name] = PLANTED.value;
    camera = await startRtspCamera({ main: '160x120@5', sub: '160x120@5', user: USER, password: PASSWORD });
  });
  afterAll(async () => {
    delete process.env[PLANTED.name];
    await stopAllRtspCameras();
  });

  it('runs a worker that reports, logs, is measured, keeps the environment clean, and stops', async () => {
    const runtime = new ProcessRuntime();
    const startedAt = Date.now();
    const { handle, heartbeats, logs, exits } = start(runtime, config(camera));
    const pid = handle.pid;
    expect(pid).toBeGreaterThan(0);
    expect(handle.startedAt).toBeGreaterThanOrEqual(startedAt);

    const healthy = await waitUntil(() => heartbeats.find((h) => h.healthy), 15_000, 'a healthy heartbeat');
    console.info(`process runtime: healthy heartbeat ${Date.now() - startedAt} ms after start`);
    for (const heartbeat of heartbeats) expect(parseWorkerMessage(heartbeat)).toEqual({ ok: true, message: heartbeat });
    expect(healthy.detail).toMatch(/^main (connected|\d+\.\d fps), sub (connected|\d+\.\d fps)$/);
    const ffmpegPids = healthy.ffmpegPids;
    expect(ffmpegPids).toHaveLength(2);
    expect(ffmpegPids.every(isAlive)).toBe(true);

    // Logs come back as structured records about this camera, without the password.
    const started = logs.find((record) => record.msg === 'worker started');
    expect(started).toMatchObject({ level: 'info', camera: 'proc-camera', pid });
    expect(logs.filter((record) => record.camera === 'proc-camera').length).toBeGreaterThan(0);
    expect(JSON.stringify(logs)).not.toContain(PASSWORD);
    expect(JSON.stringify(heartbeats)).not.toContain(encodeURIComponent(PASSWORD));

    // The controller's environment stays behind: the password reached the worker over IPC.
    for (const process of [pid ?? 0, ...ffmpegPids]) {
      const environment = environmentOf(process);
      expect(environment.some((entry) => entry.startsWith('PATH='))).toBe(true);
      expect(environment.join('\n')).not.toContain(PLANTED.name);
      expect(environment.join('\n')).not.toContain(PLANTED.value);
    }

    const usage = handle.usage(ffmpegPids);
    expect(usage?.cpuSeconds).toBeGreaterThan(0);
    expect(usage?.residentBytes).toBeGreaterThan(10 * 1024 * 1024);
    const workerOnly = handle.usage([]);
    expect(workerOnly?.residentBytes).toBeLessThan(usage?.residentBytes ?? 0);

    const stopAt = Date.now();
    await handle.stop(3000);
    console.info(`process runtime: worker stopped in ${Date.now() - stopAt} ms`);
    expect(exits).toHaveLength(1);
    expect(exits[0]?.exit).toEqual({ code: 0, signal: null });
    expect(isAlive(pid ?? 0)).toBe(false);
    expect(ffmpegPids.filter(isAlive)).toEqual([]);
    expect(handle.usage(ffmpegPids)).toBeUndefined();
    await handle.stop(1000); // again: resolves at once
    await sleep(200);
    expect(exits).toHaveLength(1);
    expect(logs.some((record) => record.msg === 'stopped' && record.camera === 'proc-camera')).toBe(true);
  });

  it('takes the worker\'s ffmpeg down with it when the worker is killed with SIGKILL', async () => {
    const runtime = new ProcessRuntime();
    const { handle, heartbeats, exits } = start(runtime, config(camera));
    const healthy = await waitUntil(() => heartbeats.find((h) => h.healthy), 15_000, 'a healthy heartbeat');
    const pid = handle.pid ?? 0;
    const ffmpegPids = healthy.ffmpegPids;
    expect(ffmpegPids).toHaveLength(2);

    const killedAt = Date.now();
    process.kill(pid, 'SIGKILL');
    await waitUntil(() => ffmpegPids.every((ffmpeg) => !isAlive(ffmpeg)), 2000, 'the ffmpeg processes to die with their worker', 10);
    console.info(`process runtime: ffmpeg gone ${Date.now() - killedAt} ms after the worker's SIGKILL`);
    await waitUntil(() => exits.length > 0, 2000, 'onExit');
    expect(exits).toHaveLength(1);
    expect(exits[0]?.exit).toEqual({ code: null, signal: 'SIGKILL' });
    expect(isAlive(pid)).toBe(false);
  });
});

describe('the process runtime with a worker that cannot start', () => {
  it('reports a non-zero exit when the worker entry does not exist', async () => {
    const runtime = new ProcessRuntime(projectPath('dist', 'worker', 'no-such-worker.js'));
    const camera = { url: (mount: string) => `rtsp://127.0.0.1:9/${mount}` } as RtspCamera;
    const { exits, logs } = start(runtime, config(camera));
    await waitUntil(() => exits.length > 0, 10_000, 'onExit');
    await sleep(200);
    expect(exits).toHaveLength(1);
    expect(exits[0]?.exit.code).toEqual(expect.any(Number));
    expect(exits[0]?.exit.code).not.toBe(0);
    expect(logs.some((record) => record.level === 'error' && /Cannot find module/.test(record.msg))).toBe(true);
  });
});

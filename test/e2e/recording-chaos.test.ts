// Chaos: a real worker (dist/worker/main.js through the process runtime) records the test
// camera's moving ball, which is motion all the time, so a recording is always in progress. Its
// main ffmpeg or the worker itself is killed with SIGKILL at 50 random moments; a killed worker
// is started again at once, as the controller would after its backoff. Afterwards every MP4
// must play, the recordings must cover the run with no gap longer than a segment plus the time
// nothing ran, and no process may be left behind.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectPath } from '../../lib/project-root.js';
import { ProcessRuntime } from '../../runtimes/process/process-runtime.js';
import type { WorkerHandle } from '../../runtimes/runtime.js';
import type { Heartbeat, RecordingMessage, WorkerConfig } from '../../worker/protocol.js';
import { SEGMENT_SECONDS } from '../../worker/recording/spool.js';
import { isAlive, processesMatching, waitUntil } from '../support/processes.js';
import { startRtspCamera, stopAllRtspCameras, type RtspCamera } from '../support/rtsp-camera.js';

const run = promisify(execFile);
const KILLS = 50;

type Finished = Extract<RecordingMessage, { type: 'recordingFinished' }>;

let camera: RtspCamera;
const storage = mkdtempSync(join(tmpdir(), 'camlet-chaos-'));

beforeAll(async () => {
  if (!existsSync(projectPath('dist', 'worker', 'main.js'))) throw new Error('dist/worker/main.js is missing: run `npm run build` first');
  camera = await startRtspCamera({ main: '320x240@10', sub: '160x120@5' });
});
afterAll(async () => {
  await stopAllRtspCameras();
  rmSync(storage, { recursive: true, force: true });
});

function config(): WorkerConfig {
  return {
    camera: 'chaos',
    streams: { main: { url: camera.url('main'), transport: 'tcp' }, sub: { url: camera.url('sub'), transport: 'tcp' } },
    motion: { enabled: true, fps: 5, width: 160, threshold: 25, minArea: 0.005, zones: [], masks: [] },
    recording: { mode: 'motion', preRollSeconds: 1, postRollSeconds: 1, segmentMinutes: 10, audio: 'keep', retention: { maxAgeDays: 14, maxBytes: '1Gi' } },
    heartbeatSeconds: 1,
    secrets: [],
    storage,
    logLevel: 'warn',
    ffmpegStopGraceMs: 1000,
  };
}

/** Every MP4 under the folder, relative to it. */
function mp4Files(folder: string): string[] {
  return readdirSync(folder, { recursive: true })
    .map(String)
    .filter((name) => name.endsWith('.mp4') && !name.startsWith('.spool'));
}

describe('recording through kills of ffmpeg and of the worker', () => {
  it(`leaves only playable files, loses at most a segment per kill, and no process behind (${KILLS} kills)`, async () => {
    const runtime = new ProcessRuntime();
    const finished: Finished[] = [];
    let heartbeat: Heartbeat | undefined;
    let handle: WorkerHandle | undefined;
    let exited = false;
    const start = () => {
      heartbeat = undefined;
      exited = false;
      handle = runtime.start(config(), {
        onHeartbeat: (beat) => (heartbeat = beat),
        onEvent: () => undefined,
        onRecording: (message) => {
          if (message.type === 'recordingFinished') finished.push(message);
        },
        onMotion: () => undefined,
        onLog: () => undefined,
        onExit: () => (exited = true),
      });
    };
    /** The main ffmpeg of the running worker, once it runs and has delivered frames. */
    const mainPid = () => (heartbeat?.streams.main?.connected ? heartbeat.ffmpegPids[0] : undefined);

    start();
    /** Each kill: when, of what, and when the main stream ran again. */
    const kills: { at: number; what: 'worker' | 'ffmpeg'; upAt: number }[] = [];
    for (let i = 0; i < KILLS; i++) {
      await waitUntil(mainPid, 15_000, 'the main stream to run');
      // At a random moment of the recording: any point of a segment, or of an assembly.
      await sleep(300 + Math.random() * 2500);
      const what = Math.random() < 0.5 ? 'worker' : 'ffmpeg';
      const killedAt = Date.now();
      if (what === 'ffmpeg') {
        process.kill(mainPid() as number, 'SIGKILL');
        // The worker notices and starts another ffmpeg; the old one's recording is finished.
        await waitUntil(() => heartbeat?.streams.main?.connected === false || undefined, 5000, 'the worker to notice');
      } else {
        const workerPid = handle?.pid as number;
        const ffmpegPids = heartbeat?.ffmpegPids ?? [];
        process.kill(workerPid, 'SIGKILL');
        await waitUntil(() => exited, 5000, 'the worker to exit');
        // Its ffmpeg die with it (parent-death signal).
        await waitUntil(() => ffmpegPids.every((pid) => !isAlive(pid)), 5000, 'its ffmpeg to die with it');
        start();
      }
      await waitUntil(mainPid, 15_000, 'the main stream to run again');
      kills.push({ at: killedAt, what, upAt: Date.now() });
    }
    const endedAt = Date.now();
    await handle?.stop(5000);

    // Every file plays, to the last frame.
    const files = mp4Files(storage);
    let unplayable = 0;
    for (const file of files) {
      const { stderr } = await run('ffmpeg', ['-v', 'error', '-i', join(storage, file), '-f', 'null', '-']).catch((error: { stderr?: string }) => ({ stderr: error.stderr ?? 'failed' }));
      if (stderr.trim() !== '') unplayable++;
    }
    // Every recording reported is on disk, and nothing else is.
    expect(files.sort()).toEqual(finished.map((r) => r.path).sort());
    expect(unplayable).toBe(0);

    // What each kill may cost: the segment being written when it struck (a half-written segment
    // is dropped), and the time until the stream ran again. So a gap between recordings is at
    // most that, summed over the kills that struck in it or within a segment before it.
    const segmentMs = SEGMENT_SECONDS * 1000;
    const spans = finished.map((r) => [r.startMs, r.endMs] as const).sort((a, b) => a[0] - b[0]);
    const gaps: { from: number; to: number; allowedMs: number }[] = [];
    let coveredTo = spans[0]?.[0] ?? endedAt;
    for (const [start, end] of spans) {
      if (start > coveredTo) {
        const struck = kills.filter((k) => k.at >= coveredTo - segmentMs && k.at <= start);
        gaps.push({ from: coveredTo, to: start, allowedMs: struck.reduce((sum, k) => sum + segmentMs + (k.upAt - k.at), 0) + 500 });
      }
      coveredTo = Math.max(coveredTo, end);
    }
    const downMs = kills.reduce((sum, k) => sum + (k.upAt - k.at), 0);
    const lostMs = gaps.reduce((sum, gap) => sum + (gap.to - gap.from), 0);
    const worst = gaps.reduce((a, b) => (b.to - b.from - b.allowedMs > a.to - a.from - a.allowedMs ? b : a), { from: 0, to: 0, allowedMs: 0 });
    console.info(
      `chaos: ${KILLS} kills (${kills.filter((k) => k.what === 'worker').length} of the worker), ${files.length} files, ${unplayable} unplayable; ` +
        `stream down ${(downMs / 1000).toFixed(1)} s in all; gaps between recordings ${(lostMs / 1000).toFixed(1)} s in all, ` +
        `${((lostMs - downMs) / KILLS / 1000).toFixed(2)} s per kill beyond the downtime (a segment is ${SEGMENT_SECONDS} s)`,
    );
    expect(worst.to - worst.from).toBeLessThanOrEqual(worst.allowedMs);
    expect(lostMs - downMs).toBeLessThanOrEqual(KILLS * segmentMs);

    // No ffmpeg of this test's camera outlives its worker.
    await waitUntil(() => processesMatching(new RegExp(storage.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).length === 0, 5000, 'no ffmpeg left');
  }, 300_000);
});

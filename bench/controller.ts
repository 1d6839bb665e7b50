// `npm run bench:controller`: what the controller costs, with the machine it ran on, and each
// figure beside its floor (what ffmpeg alone costs for the same stream) as a ratio.
//
// 1. 10,000 manifests to steady state with the FAKE no-op runtime (time, peak RSS).
// 2. A manifest dropped into the folder → its real worker Running on a real RTSP camera.
// 3. A worker killed with SIGKILL → Running again after the first backoff (p95 of 20 kills).
// 4. CPU and memory of one camera's worker (node + its two ffmpeg) against the two ffmpeg alone.
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnTiedToParent, stopGracefully } from '../lib/child-process.js';
import { projectPath } from '../lib/project-root.js';
import { processUsage } from '../runtimes/process/proc-usage.js';
import { cameraManifest, startController, type ControllerUnderTest } from '../test/support/controller.js';
import { startRtspCamera } from '../test/support/rtsp-camera.js';
import { grayFramesArgs, recordSegmentsArgs, rtspInputArgs } from '../worker/ffmpeg-commands.js';
import type { WorkerStream } from '../worker/protocol.js';
import { describeMachine } from './machine.js';
import { percentile } from './percentile.js';

const FLEET = Number(process.env.BENCH_FLEET ?? 10_000);
const DROPS = 10;
const KILLS = 20;
const USAGE_SECONDS = 20;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number) => `${(ms / 1000).toFixed(3)} s`;
const line = (text: string) => process.stdout.write(`${text}\n`);

/** The fleet's manifest files, one camera each, written here so that the measured process only runs the controller. */
async function writeFleetManifests(folder: string): Promise<void> {
  await mkdir(folder);
  for (let i = 0; i < FLEET; i++) {
    const name = `cam-${String(i).padStart(5, '0')}`;
    const host = `10.1.${(i >> 8) & 255}.${i & 255}`;
    await writeFile(
      join(folder, `${name}.yaml`),
      `apiVersion: camlet.dev/v1\nkind: Camera\nmetadata:\n  name: ${name}\n  labels: { site: s${i % 50} }\nspec:\n  streams:\n    main: { url: "rtsp://${host}:554/main" }\n    sub: { url: "rtsp://${host}:554/sub" }\n`,
    );
  }
}

async function fleetSteadyState(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'camlet-bench-fleet-'));
  try {
    await writeFleetManifests(join(root, 'manifests'));
    const child = spawnSync(process.execPath, [projectPath('dist', 'bench', 'fleet-steady-state.js'), join(root, 'manifests'), join(root, 'data')], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    const result = child.stdout.trim().split('\n').pop();
    if (child.status !== 0 || !result) throw new Error(`fleet benchmark failed:\n${child.stderr}`);
    const figures = JSON.parse(result) as { cameras: number; running: number; loadSeconds: number; steadySeconds: number; peakRssBytes: number };
    line(`1. ${figures.cameras} manifests to steady state (FAKE no-op runtime, no processes)`);
    line(`   all ${figures.running} Running after ${figures.steadySeconds.toFixed(2)} s (manifests loaded at ${figures.loadSeconds.toFixed(2)} s); goal <= 10 s`);
    line(`   peak RSS ${(figures.peakRssBytes / 1e6).toFixed(0)} MB (${(figures.peakRssBytes / 2 ** 20).toFixed(0)} MiB); goal <= 300 MB`);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** The floor for starting a worker: ffmpeg alone, opened as the worker opens it, until its first frame. */
async function ffmpegFirstFrameMs(stream: WorkerStream): Promise<number> {
  const started = performance.now();
  const child = spawn('ffmpeg', [...rtspInputArgs(stream), '-map', '0:v:0', '-c', 'copy', '-frames:v', '1', '-f', 'null', '-'], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  return performance.now() - started;
}

const WAIT_LIMIT_MS = 60_000;

async function waitForCamera(controller: ControllerUnderTest, name: string, test: (phase: string | undefined, pid: number | undefined) => boolean): Promise<number> {
  const since = performance.now();
  for (;;) {
    const camera = await controller.camera(name);
    if (camera && test(camera.status.phase, camera.status.worker?.pid)) return performance.now();
    if (performance.now() - since > WAIT_LIMIT_MS) {
      throw new Error(`camera ${name} did not get there within ${WAIT_LIMIT_MS / 1000} s; it is ${camera ? JSON.stringify(camera.status) : 'not listed (see /status for manifest errors)'}`);
    }
    await sleep(10);
  }
}

async function dropToRunning(controller: ControllerUnderTest, main: string, sub: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < DROPS; i++) {
    const name = `drop-${i}`;
    const started = performance.now();
    await controller.writeManifest(`${name}.yaml`, cameraManifest(name, main, sub));
    times.push((await waitForCamera(controller, name, (phase) => phase === 'Running')) - started);
    await unlink(join(controller.manifests, `${name}.yaml`));
    while ((await controller.camera(name)) !== undefined) await sleep(20);
  }
  return times;
}

async function killToRunning(controller: ControllerUnderTest): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < KILLS; i++) {
    await waitForCamera(controller, 'victim', (phase) => phase === 'Running');
    await sleep(1200); // past resetAfterSeconds (1): every kill meets the first backoff
    const pid = (await controller.camera('victim'))?.status.worker?.pid as number;
    const started = performance.now();
    process.kill(pid, 'SIGKILL');
    times.push((await waitForCamera(controller, 'victim', (phase, now) => phase === 'Running' && now !== pid)) - started);
  }
  return times;
}

async function usageOfWorker(controller: ControllerUnderTest, name: string): Promise<{ cpuPercent: number; residentBytes: number }> {
  type Info = { usage?: { cpuSeconds: number; residentBytes: number } };
  const before = (await controller.get<Info>(`/workers/${name}`)).body.usage;
  await sleep(USAGE_SECONDS * 1000);
  const after = (await controller.get<Info>(`/workers/${name}`)).body.usage;
  if (!before || !after) throw new Error(`no usage figures for ${name}`);
  return { cpuPercent: ((after.cpuSeconds - before.cpuSeconds) / USAGE_SECONDS) * 100, residentBytes: after.residentBytes };
}

/** The floor for running a camera: the worker's two ffmpeg commands alone (segments into a scratch folder, frames discarded). */
async function usageOfFfmpegAlone(main: WorkerStream, sub: WorkerStream): Promise<{ cpuPercent: number; residentBytes: number }> {
  const scratch = await mkdtemp(join(tmpdir(), 'camlet-bench-floor-'));
  const segments = { segmentPattern: join(scratch, 'seg-%06d.ts'), segmentList: join(scratch, 'segments.csv') };
  const children = [recordSegmentsArgs(main, segments), grayFramesArgs(sub, 320)].map((args) => spawnTiedToParent('ffmpeg', args, { stdio: ['ignore', 'pipe', 'ignore'] }));
  for (const child of children) child.stdout?.resume();
  await sleep(3000); // connected and past start-up, as the worker's figures are
  const pids = children.map((child) => child.pid as number);
  const before = processUsage(pids);
  await sleep(USAGE_SECONDS * 1000);
  const after = processUsage(pids);
  await Promise.all(children.map((child) => stopGracefully(child, 2000, 'SIGINT')));
  await rm(scratch, { recursive: true, force: true });
  if (!before || !after) throw new Error('no usage figures for ffmpeg alone');
  return { cpuPercent: ((after.cpuSeconds - before.cpuSeconds) / USAGE_SECONDS) * 100, residentBytes: after.residentBytes };
}

line(`camlet controller benchmark — ${new Date().toISOString()}`);
line(`machine: ${describeMachine()}`);
line('');
await fleetSteadyState();

const rtsp = await startRtspCamera({ main: '640x360@15', sub: '320x180@10' });
const main = { url: rtsp.url('main'), transport: 'tcp' as const };
const sub = { url: rtsp.url('sub'), transport: 'tcp' as const };
// A camera already running keeps the RTSP server's media warm, as a real camera always is.
const controller = await startController({
  manifests: {
    'warm.yaml': cameraManifest('warm', main.url, sub.url),
    // The first backoff at every kill: 1 s, reset after 1 s of stable run.
    'victim.yaml': cameraManifest('victim', main.url, sub.url).replace(/restart: \{[^}]*\}/, 'restart: { initialBackoffSeconds: 1, maxBackoffSeconds: 60, resetAfterSeconds: 1 }'),
  },
});
await waitForCamera(controller, 'warm', (phase) => phase === 'Running');

const floor: number[] = [];
for (let i = 0; i < DROPS; i++) floor.push(await ffmpegFirstFrameMs(main));
const floorMedian = percentile(floor, 50);
const drops = await dropToRunning(controller, main.url, sub.url);
line('');
line(`2. manifest dropped -> worker Running (real worker, real RTSP camera 640x360@15 + 320x180@10, ${DROPS} drops)`);
line(`   median ${seconds(percentile(drops, 50))}, p95 ${seconds(percentile(drops, 95))}, max ${seconds(Math.max(...drops))}; goal <= 1.5 s`);
line(`   floor: ffmpeg alone to its first frame, median ${seconds(floorMedian)}; ratio median/floor ${(percentile(drops, 50) / floorMedian).toFixed(2)}`);

const kills = await killToRunning(controller);
line('');
line(`3. worker killed (SIGKILL) -> Running again at the first backoff (1 s), ${KILLS} kills`);
line(`   median ${seconds(percentile(kills, 50))}, p95 ${seconds(percentile(kills, 95))}, max ${seconds(Math.max(...kills))}; goal p95 <= 2 s`);
line(`   floor: backoff + ffmpeg's first frame = ${seconds(1000 + floorMedian)}; ratio p95/floor ${(percentile(kills, 95) / (1000 + floorMedian)).toFixed(2)}`);

await unlink(join(controller.manifests, 'victim.yaml'));
const worker = await usageOfWorker(controller, 'warm');
await controller.stop();
const alone = await usageOfFfmpegAlone(main, sub);
line('');
line(`4. one camera for ${USAGE_SECONDS} s: worker (node + ffmpeg copy of main + ffmpeg decode of sub) against the two ffmpeg alone`);
line(`   CPU ${worker.cpuPercent.toFixed(1)}% of a core vs ${alone.cpuPercent.toFixed(1)}% (ratio ${(worker.cpuPercent / alone.cpuPercent).toFixed(2)})`);
line(
  `   RSS ${(worker.residentBytes / 2 ** 20).toFixed(0)} MiB vs ${(alone.residentBytes / 2 ** 20).toFixed(0)} MiB (ratio ${(worker.residentBytes / alone.residentBytes).toFixed(2)}; RSS counts shared libraries in each process)`,
);
await rtsp.stop();
process.exit(0);

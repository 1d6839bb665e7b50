// `npm run bench:ui`: the dashboard's 9-camera grid, what it shows and what it costs, with the
// machine it ran on, each figure beside its goal and its floor.
//
// Nine cameras under the real built controller, each a real worker on a local RTSP server
// (GStreamer's, scripts/rtsp-server.py) serving pre-encoded clips looped without re-encoding:
// MAIN 1280x720@15 and SUB 640x360@15 (bench/motion-loop.ts: a still scene a box crosses once a
// loop), the cameras spread over FEEDS servers. The grid, at 9 tiles in headless chromium,
// plays each camera's SUB stream through the controller's live remux (ffmpeg -c copy to
// fragmented MP4, over a WebSocket, into Media Source Extensions). Over BENCH_SECONDS (60) it
// measures:
// - frames presented per second per tile (requestVideoFrameCallback); goal >= 15, the rate of
//   the sources;
// - camera-to-screen latency of every tile, sampled twice a second (as test/e2e/ui.test.ts
//   measures it: the picture's arrival at the controller, from the live player's clock, to
//   now); goal p95 <= 1 s;
// - CPU, as % of one core, from /proc: the controller's (against a window with no viewer
//   before the page opens, the same cameras: the difference is what the live view adds to it),
//   and the live remuxes' (sum and each).
// Then the floor: the same remux command (controller/live/remux.ts) run plainly, one per
// camera at once, output drained; the live path's cost (remuxes + what the controller adds)
// against it, as a ratio.
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChildProcess } from 'node:child_process';
import { spawnTiedToParent, stopGracefully } from '../lib/child-process.js';
import { remuxArgs } from '../controller/live/remux.js';
import { startController, stopAllControllers, type ControllerUnderTest } from '../test/support/controller.js';
import { descendantsOf, waitUntil } from '../test/support/processes.js';
import { startRtspCamera, stopAllRtspCameras, type RtspCamera } from '../test/support/rtsp-camera.js';
import { describeMachine } from './machine.js';
import { cleanUpOnSignal } from './clean-up.js';
import { FPS, writeMotionLoop } from './motion-loop.js';
import { percentile } from './percentile.js';
import { commandLine, cpuSeconds, machineBusySeconds } from './proc-figures.js';
import { openFileGrid, openGrid, type GridPage, type TileFigures } from './ui-grid-page.js';

const CAMERAS = 9;
const FEEDS = 3;
const MAIN = { width: 1280, height: 720, kbps: 2048 };
const SUB = { width: 640, height: 360, kbps: 512 };
const GOALS = { fps: 15, latencyMs: 1000 };
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
/** The controller with no viewer, and the plain remuxes: shorter windows, steady figures. */
const IDLE_SECONDS = Math.min(10, Math.max(3, SECONDS / 4));
const FLOOR_SECONDS = Math.min(20, Math.max(5, SECONDS / 3));
/** Before a window: the players at the live edge, the plain remuxes past their start. */
const SETTLE_SECONDS = 5;
const LATENCY_EVERY_MS = 500;

const line = (text = '') => process.stdout.write(`${text}\n`);
const pct = (cores: number) => `${(cores * 100).toFixed(1)}%`;
const mean = (values: number[]) => (values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length);
const ms = (value: number) => (Number.isFinite(value) ? `${Math.round(value)} ms` : 'n/a');

function manifest(name: string, server: RtspCamera): string {
  return `apiVersion: camlet.dev/v1
kind: Camera
metadata:
  name: ${name}
  labels: { bench: ui }
spec:
  streams:
    main: { url: "${server.url('main')}" }
    sub: { url: "${server.url('sub')}" }
`;
}

/** The controller's live remuxes now (ffmpeg writing fragmented MP4). */
function remuxPids(controller: ControllerUnderTest): number[] {
  return descendantsOf(controller.pid).filter((pid) => commandLine(pid).includes('frag_keyframe+empty_moov+default_base_moof'));
}

/** CPU seconds (own) of each process now. */
const cpuOf = (pids: number[]) => new Map(pids.map((pid) => [pid, cpuSeconds(pid)?.own ?? 0]));

/** Cores used between two readings by each process present at both. */
function coresBetween(before: Map<number, number>, after: Map<number, number>, seconds: number): number[] {
  return [...after].filter(([pid]) => before.has(pid)).map(([pid, used]) => (used - (before.get(pid) ?? 0)) / seconds);
}
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** The controller's CPU with no viewer: what it costs to run the cameras alone. */
async function idleController(controller: ControllerUnderTest): Promise<number> {
  const before = cpuOf([controller.pid]);
  const p0 = performance.now();
  await sleep(IDLE_SECONDS * 1000);
  return sum(coresBetween(before, cpuOf([controller.pid]), (performance.now() - p0) / 1000));
}

interface Window {
  seconds: number;
  /** mediaRate: seconds of video the tile advanced per second (above 1 when it catches up or jumps to the live edge). */
  tiles: { camera: string; presentedFps: number; decodedFps: number; droppedFps: number; mediaRate: number }[];
  latencyMs: number[];
  controller: number;
  remuxes: number[];
  remuxesLost: number;
  workers: number;
  chromium: number;
  servers: number;
  machine: number;
  bench: number;
}

/** The grid watched for SECONDS: frames, latency, and the CPU of everything that runs. */
async function measureGrid(controller: ControllerUnderTest, grid: GridPage, servers: RtspCamera[]): Promise<Window> {
  const remuxes = remuxPids(controller);
  // Chromium's processes are this benchmark's children, as playwright started them.
  const chromium = descendantsOf(process.pid).filter((pid) => commandLine(pid)[0]?.includes('chromium'));
  const workers = descendantsOf(controller.pid).filter((pid) => !remuxes.includes(pid));
  const readings = () => ({
    controller: cpuOf([controller.pid]),
    remuxes: cpuOf(remuxes),
    workers: cpuOf(workers),
    chromium: cpuOf(chromium),
    servers: cpuOf(servers.map((server) => server.pid)),
    machine: machineBusySeconds(),
    bench: process.cpuUsage(),
  });
  const tilesBefore = await grid.read();
  const before = readings();
  const p0 = performance.now();
  const latencyMs: number[] = [];
  while (performance.now() - p0 < SECONDS * 1000) {
    await sleep(LATENCY_EVERY_MS);
    for (const tile of await grid.read()) if (tile.latencyMs !== undefined) latencyMs.push(tile.latencyMs);
  }
  const after = readings();
  const tilesAfter = await grid.read();
  const seconds = (performance.now() - p0) / 1000;
  const rate = (a: TileFigures | undefined, b: TileFigures, key: 'presented' | 'decoded' | 'dropped') => (b[key] - (a?.[key] ?? 0)) / seconds;
  const benchMicros = process.cpuUsage(before.bench);
  const remuxCores = coresBetween(before.remuxes, after.remuxes, seconds);
  return {
    seconds,
    tiles: tilesAfter.map((b) => {
      const a = tilesBefore.find((tile) => tile.camera === b.camera);
      const mediaRate = (b.currentTime - (a?.currentTime ?? 0)) / seconds;
      return { camera: b.camera, presentedFps: rate(a, b, 'presented'), decodedFps: rate(a, b, 'decoded'), droppedFps: rate(a, b, 'dropped'), mediaRate };
    }),
    latencyMs,
    controller: sum(coresBetween(before.controller, after.controller, seconds)),
    remuxes: remuxCores,
    remuxesLost: remuxes.length - remuxCores.length,
    workers: sum(coresBetween(before.workers, after.workers, seconds)),
    chromium: sum(coresBetween(before.chromium, after.chromium, seconds)),
    servers: sum(coresBetween(before.servers, after.servers, seconds)),
    machine: (after.machine - before.machine) / seconds,
    bench: (benchMicros.user + benchMicros.system) / 1e6 / seconds,
  };
}

/** Frames a page presents per second per tile over `seconds`. */
async function presentedFps(page: GridPage, seconds: number): Promise<number[]> {
  const before = await page.read();
  const p0 = performance.now();
  await sleep(seconds * 1000);
  const after = await page.read();
  const elapsed = (performance.now() - p0) / 1000;
  return after.map((b) => (b.presented - (before.find((a) => a.camera === b.camera)?.presented ?? 0)) / elapsed);
}

/** The remux command alone, one per camera at once, its output drained: cores in all. */
async function measureFloor(servers: RtspCamera[]): Promise<number> {
  const children: ChildProcess[] = [];
  try {
    for (let i = 0; i < CAMERAS; i++) {
      const server = servers[i % servers.length] as RtspCamera;
      const child = spawnTiedToParent('ffmpeg', remuxArgs({ url: server.url('sub'), transport: 'tcp' }, 'fast'), { stdio: ['ignore', 'pipe', 'ignore'] });
      child.stdout?.resume();
      children.push(child);
    }
    await sleep(SETTLE_SECONDS * 1000);
    const pids = children.flatMap((child) => (child.pid === undefined ? [] : [child.pid]));
    const before = cpuOf(pids);
    const p0 = performance.now();
    await sleep(FLOOR_SECONDS * 1000);
    const cores = coresBetween(before, cpuOf(pids), (performance.now() - p0) / 1000);
    if (cores.length < CAMERAS) throw new Error(`only ${cores.length} of ${CAMERAS} plain remuxes ran through the floor's window`);
    return sum(cores);
  } finally {
    await Promise.all(children.map((child) => stopGracefully(child, 2000, 'SIGINT')));
  }
}

function print(window: Window, idle: number, floor: number, browserFloor: number[]): void {
  const presented = window.tiles.map((tile) => tile.presentedFps);
  line();
  line(`frames presented per second per tile: mean ${mean(presented).toFixed(2)}, min ${Math.min(...presented).toFixed(2)}; goal >= ${GOALS.fps} (the sources' rate)`);
  line(
    `   browser floor: ${CAMERAS} plain <video> tiles playing the SUB clip from a file in the same chromium, the cameras still running (${FLOOR_SECONDS} s): mean ${mean(browserFloor).toFixed(2)}, min ${Math.min(...browserFloor).toFixed(2)}; the grid presents ${(mean(presented) / mean(browserFloor)).toFixed(2)} of it`,
  );
  line(`   ${window.tiles.map((tile) => `${tile.camera} ${tile.presentedFps.toFixed(2)}`).join(', ')}`);
  line(`   decoded ${mean(window.tiles.map((t) => t.decodedFps)).toFixed(2)}/s per tile, dropped ${mean(window.tiles.map((t) => t.droppedFps)).toFixed(2)}/s per tile (getVideoPlaybackQuality)`);
  line(`   video advanced ${mean(window.tiles.map((t) => t.mediaRate)).toFixed(3)} s per second per tile (1 when it keeps pace; jumps to the live edge count)`);
  line(
    `camera to screen (arrival at the controller -> picture shown; ${window.latencyMs.length} samples, every tile each ${LATENCY_EVERY_MS} ms): p50 ${ms(percentile(window.latencyMs, 50))}, p95 ${ms(percentile(window.latencyMs, 95))}, max ${ms(Math.max(...window.latencyMs))}; goal p95 <= ${GOALS.latencyMs} ms`,
  );
  const added = window.controller - idle;
  const remuxes = sum(window.remuxes);
  line(`controller CPU ${pct(window.controller)} of a core with the grid open, ${pct(idle)} with no viewer (same cameras, ${IDLE_SECONDS} s): the live view adds ${pct(added)}`);
  line(
    `live remux ffmpeg CPU ${pct(remuxes)} in all, per remux mean ${pct(mean(window.remuxes))} (min ${pct(Math.min(...window.remuxes))}, max ${pct(Math.max(...window.remuxes))})${window.remuxesLost > 0 ? `; ${window.remuxesLost} remuxes restarted in the window, not counted` : ''}`,
  );
  line(
    `floor: the same ${CAMERAS} remux commands run plainly, output drained, ${pct(floor)} (${pct(floor / CAMERAS)} each, ${FLOOR_SECONDS} s); the live path (remuxes + what the controller adds) ${pct(remuxes + added)}: ratio ${((remuxes + added) / floor).toFixed(2)} (remuxes alone ${(remuxes / floor).toFixed(2)}, controller's added share per remux CPU ${(added / remuxes).toFixed(2)})`,
  );
  line(
    `not counted: chromium ${pct(window.chromium)} (decoding and drawing ${CAMERAS} tiles, no GPU), workers and their ffmpeg ${pct(window.workers)}, RTSP servers ${pct(window.servers)}, this benchmark ${pct(window.bench)}`,
  );
  const known = window.controller + remuxes + window.workers + window.chromium + window.servers + window.bench;
  line(`machine busy ${pct(window.machine)} of a core (of ${cpus().length} cores), of which ${pct(Math.max(0, window.machine - known))} outside this benchmark`);
}

const clips = await mkdtemp(join(tmpdir(), 'camlet-bench-ui-'));
let grid: GridPage | undefined;
let cleaning: Promise<void> | undefined;
const cleanUp = () =>
  (cleaning ??= (async () => {
    await grid?.close().catch(() => undefined);
    await stopAllControllers();
    await stopAllRtspCameras();
    await rm(clips, { recursive: true, force: true });
  })());
cleanUpOnSignal(cleanUp);

try {
  line(`camlet dashboard benchmark — ${new Date().toISOString()}`);
  line(`machine: ${describeMachine()}`);
  const mainClip = join(clips, 'main.mp4');
  const subClip = join(clips, 'sub.mp4');
  await Promise.all([writeMotionLoop(mainClip, MAIN.width, MAIN.height, MAIN.kbps), writeMotionLoop(subClip, SUB.width, SUB.height, SUB.kbps)]);
  line(
    `cameras: ${CAMERAS}, MAIN ${MAIN.width}x${MAIN.height}@${FPS} ${MAIN.kbps} kbit/s and SUB ${SUB.width}x${SUB.height}@${FPS} ${SUB.kbps} kbit/s H.264, pre-encoded clips served looped without re-encoding by ${FEEDS} GStreamer RTSP servers`,
  );
  line(`grid: ${CAMERAS} tiles of the SUB streams in headless chromium (--disable-gpu), 1280x760; ${SECONDS} s window`);
  const servers = await Promise.all(Array.from({ length: FEEDS }, () => startRtspCamera({ mainFile: mainClip, subFile: subClip })));
  const names = Array.from({ length: CAMERAS }, (_, i) => `cam-${i + 1}`);
  const controller = await startController({ manifests: Object.fromEntries(names.map((name, i) => [`${name}.yaml`, manifest(name, servers[i % FEEDS] as RtspCamera)])) });
  await waitUntil(
    async () => (await controller.get<{ items: { status: { phase?: string } }[] }>('/apis/camlet.dev/v1/cameras')).body.items.filter((c) => c.status.phase === 'Running').length === CAMERAS,
    60_000,
    'every camera Running',
    500,
  );
  await sleep(SETTLE_SECONDS * 1000);
  const idle = await idleController(controller);
  grid = await openGrid(controller.url, CAMERAS);
  await waitUntil(() => remuxPids(controller).length === CAMERAS, 10_000, `${CAMERAS} live remuxes`);
  await sleep(SETTLE_SECONDS * 1000);
  const window = await measureGrid(controller, grid, servers);
  await grid.close();
  grid = await openFileGrid(subClip, CAMERAS);
  const browserFloor = await presentedFps(grid, FLOOR_SECONDS);
  await grid.close();
  grid = undefined;
  await stopAllControllers();
  const floor = await measureFloor(servers);
  print(window, idle, floor, browserFloor);
} finally {
  await cleanUp();
}
process.exit(0);

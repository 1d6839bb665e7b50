// `npm run bench:worker`: what a camera costs camlet, with the machine it ran on, each figure
// beside its floor and its goal.
//
// N cameras, each a real worker under the real built controller, on local RTSP servers
// (GStreamer's, scripts/rtsp-server.py, unchanged) serving pre-encoded clips looped without
// re-encoding: MAIN 1280x720@15 and SUB 640x360@15, in which a box crosses the scene at a known
// moment of each 12 s loop (bench/motion-loop.ts); analysis at 320x180@5. A server's two mounts
// are shared media: each worker has its own RTSP sessions, but the server sends every client the
// same packets at the same moment, so one reference client on a server's SUB mount knows when
// each motion reached every camera of that server, and the server's cost stays small and apart.
// The cameras are spread over FEEDS servers whose clips run a third of a loop apart, so that not
// every camera cuts a recording at the same moment.
//
// For N = 1, 8, 32, then a short search for the largest N that holds (no dropped analysis
// frames, no recording gaps), it prints per camera:
// - CPU (worker node process + its ffmpeg, and the remux ffmpeg it runs and reaps for each
//   recording) over the floor measured in the same run: the worker's own two ffmpeg commands
//   (recordSegmentsArgs, grayFramesArgs) run plainly, N pairs at once, frames drained and
//   discarded; goal ratio <= 1.10;
// - memory as PSS (/proc/PID/smaps_rollup, worker + its ffmpeg, pids from /workers/:name);
//   goal <= 48 MB (10^6 bytes);
// - motion onset -> MotionDetected event arriving on the API's watch stream, p95; goal <= 300 ms;
// - motion end + post-roll (the recording's end) -> RecordingFinished arriving on the watch
//   stream, p95; goal <= 500 ms.
// The RTSP servers, the controller and the reference clients are measured apart, not counted.
// Each level runs under a fresh controller with fresh storage; everything it started is stopped
// and every temporary folder removed, on failure and on Ctrl-C too.
//
// BENCH_LEVELS=1,8 (the fixed levels), BENCH_WINDOW_LOOPS=3 (2 while searching), BENCH_SEARCH=0
// (no search) and BENCH_BUDGET_SECONDS=560 (no search level starts that would end past it) change
// the run.
import { execFile } from 'node:child_process';
import { link, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { ChildProcess } from 'node:child_process';
import type { EventObject } from '../controller/events/event-recorder.js';
import { spawnTiedToParent, stopGracefully } from '../lib/child-process.js';
import { startController, stopAllControllers, type ControllerUnderTest } from '../test/support/controller.js';
import { startRtspCamera, stopAllRtspCameras, type RtspCamera } from '../test/support/rtsp-camera.js';
import { grayFramesArgs, recordSegmentsArgs } from '../worker/ffmpeg-commands.js';
import { ABSORB_SECONDS } from '../worker/motion/background.js';
import { QUIET_MS, START_FRAMES } from '../worker/motion/hysteresis.js';
import type { WorkerStream } from '../worker/protocol.js';
import { SEGMENT_LIST, SEGMENT_PATTERN, SEGMENT_SECONDS } from '../worker/recording/spool.js';
import { describeMachine } from './machine.js';
import { cleanUpOnSignal } from './clean-up.js';
import { END_SECONDS, FPS, LOOP_FRAMES, LOOP_SECONDS, ONSET_SECONDS, startMotionReference, writeMotionLoop, type MotionReference, type SeenMotion } from './motion-loop.js';
import { commandLine, cpuSeconds, machineBusySeconds, pssBytes } from './proc-figures.js';

const MAIN = { width: 1280, height: 720, kbps: 2048 };
const SUB = { width: 640, height: 360, kbps: 512 };
const ANALYSIS = { width: 320, fps: 5 };
const PRE_ROLL_SECONDS = 5;
const POST_ROLL_SECONDS = 5;
/** RTSP servers, their clips out of phase. */
const FEEDS = 3;
const GOALS = { ratio: 1.1, pssMb: 48, onsetMs: 300, listedMs: 500 };

const LEVELS = (process.env.BENCH_LEVELS ?? '1,8,32').split(',').map(Number);
/** The measuring window, in whole loops so that each camera meets the same number of motions; shorter while searching. */
const WINDOW_LOOPS = Number(process.env.BENCH_WINDOW_LOOPS ?? 3);
const SEARCH_WINDOW_LOOPS = Math.min(2, WINDOW_LOOPS);
const SEARCH = process.env.BENCH_SEARCH !== '0';
/** No search level starts unless it would end (about SEARCH_LEVEL_SECONDS) before this many seconds of the run: the whole run, build included, stays near 10 minutes. */
const BUDGET_SECONDS = Number(process.env.BENCH_BUDGET_SECONDS ?? 560);
const SEARCH_LEVEL_SECONDS = 80;
/**
 * After every camera runs and before the window: the rate meters past their warm-up, a pre-roll's
 * worth of segments spooled, and the motion background sound. A worker whose first frame holds a
 * moving object takes that frame as its background, and the object's place reads as motion until
 * the background absorbs it (ABSORB_SECONDS) and the quiet interval passes: that ghost motion
 * swallows whatever real motion starts meanwhile. It is over ABSORB + QUIET after the first frame.
 */
const SETTLE_SECONDS = Math.max(PRE_ROLL_SECONDS, ABSORB_SECONDS + QUIET_MS / 1000) + 1;
const FLOOR_WARMUP_SECONDS = 3;
const FLOOR_SECONDS = 12;
const PSS_EVERY_MS = 6000;
/** A level whose cameras are not all running by then is overloaded; it is measured as it is. */
const RUNNING_TIMEOUT_MS = 30_000;
/** A stream holds when it delivers at least this share of the clip's frame rate over the window. */
const KEEPS_UP = 0.98;
/** A recording has a gap when more than this much of its time has no frames. */
const GAP_SECONDS = 0.5;

const run = promisify(execFile);
const line = (text = '') => process.stdout.write(`${text}\n`);
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};
const mean = (values: number[]) => (values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length);
const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
const pct = (share: number) => (share * 100).toFixed(2);
const ms = (value: number) => (Number.isFinite(value) ? `${Math.round(value)} ms` : 'n/a');

// ---------------------------------------------------------------------------------------------
// The worker's processes, as /workers/:name names them.

type Role = 'sub' | 'main';

interface WorkerInfo {
  pid?: number;
  ffmpegPids: number[];
  heartbeat?: {
    streams: Partial<Record<Role, { frames: number; lastFrameAt?: number; reconnects: number }>>;
    /** Present once the heartbeat carries the motion figures. */
    motion?: { analysedFps: number };
  };
}

/**
 * GET from the controller's API, with a time limit, tried again on a transport error: on a loaded
 * machine a keep-alive connection the server has just closed is sometimes reused (ECONNRESET).
 */
async function apiGet<T>(controller: ControllerUnderTest, path: string): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await fetch(`${controller.url}${path}`, { signal: AbortSignal.timeout(15_000) });
      return (await response.json()) as T;
    } catch (error) {
      if (attempt >= 3) throw error;
      await sleep(100 * attempt);
    }
  }
}

/** An ffmpeg's job, from its command line: the MAIN segment copy or the SUB decode. */
function roleOf(pid: number): Role | undefined {
  const args = commandLine(pid);
  if (args.includes('segment')) return 'main';
  if (args.includes('rawvideo')) return 'sub';
  return undefined;
}

interface CameraSample {
  at: number;
  nodePid?: number;
  node?: { own: number; children: number };
  ffmpeg: Map<number, { role: Role | undefined; own: number }>;
  streams: Partial<Record<Role, { frames: number; lastFrameAt?: number; reconnects: number }>>;
  analysedFps?: number;
}

/** The camera's figures now; without its processes when the controller does not answer (an overloaded machine). */
async function sampleCamera(controller: ControllerUnderTest, name: string): Promise<CameraSample> {
  const body = await apiGet<WorkerInfo>(controller, `/workers/${name}`).catch((): WorkerInfo => ({ ffmpegPids: [] }));
  const ffmpeg = new Map<number, { role: Role | undefined; own: number }>();
  for (const pid of body.ffmpegPids ?? []) {
    const cpu = cpuSeconds(pid);
    if (cpu) ffmpeg.set(pid, { role: roleOf(pid), own: cpu.own });
  }
  return {
    at: performance.now(),
    nodePid: body.pid,
    node: body.pid !== undefined ? cpuSeconds(body.pid) : undefined,
    ffmpeg,
    streams: body.heartbeat?.streams ?? {},
    analysedFps: body.heartbeat?.motion?.analysedFps,
  };
}

interface CpuShares {
  total: number;
  node: number;
  /** Children the worker ran and reaped: the remux of each recording (and any ffmpeg that restarted). */
  reaped: number;
  sub: number;
  main: number;
}

/** CPU between two samples, in cores (1 = one core busy all the time). */
function cpuBetween(before: CameraSample, after: CameraSample): CpuShares | undefined {
  if (!before.node || !after.node) return undefined;
  const seconds = (after.at - before.at) / 1000;
  const ffmpegSum = (sample: CameraSample) => [...sample.ffmpeg.values()].reduce((sum, f) => sum + f.own, 0);
  // Totals stay right across an ffmpeg restart: the old process's time moves into the worker's
  // reaped children when it is waited for.
  const total = after.node.own + after.node.children + ffmpegSum(after) - (before.node.own + before.node.children + ffmpegSum(before));
  const role = (r: Role) =>
    [...after.ffmpeg.entries()].filter(([, f]) => f.role === r).reduce((sum, [pid, f]) => sum + f.own - (before.ffmpeg.get(pid)?.own ?? 0), 0);
  const node = after.node.own - before.node.own;
  const sub = role('sub');
  const main = role('main');
  return { total: total / seconds, node: node / seconds, sub: sub / seconds, main: main / seconds, reaped: (total - node - sub - main) / seconds };
}

interface Pss {
  total: number;
  node: number;
  sub: number;
  main: number;
}

/** PSS of the camera's processes as a sample named them (read from /proc alone: no load on the controller while measuring). */
function pssOfCamera(sample: CameraSample): Pss | undefined {
  const node = sample.nodePid !== undefined ? pssBytes(sample.nodePid) : undefined;
  if (node === undefined) return undefined;
  const figures: Pss = { total: node, node, sub: 0, main: 0 };
  for (const [pid, { role }] of sample.ffmpeg) {
    const pss = pssBytes(pid) ?? 0;
    figures.total += pss;
    if (role) figures[role] += pss;
  }
  return figures;
}

/** A stream's frame rate between two samples, from its frame count and the time of its last frame. */
function fpsBetween(before: CameraSample, after: CameraSample, role: Role): number {
  const a = before.streams[role];
  const b = after.streams[role];
  if (!a || !b || a.lastFrameAt === undefined || b.lastFrameAt === undefined || b.lastFrameAt <= a.lastFrameAt) return 0;
  return (b.frames - a.frames) / ((b.lastFrameAt - a.lastFrameAt) / 1000);
}

// ---------------------------------------------------------------------------------------------
// Events, as they arrive on the API's watch stream.

interface RecordingArrival {
  at: number;
  path: string;
  seconds: number;
}

interface EventArrivals {
  /** Set when the watch broke off: the arrival times after it are unknown. */
  lost?: string;
  motions: Map<string, number[]>;
  recordings: Map<string, RecordingArrival[]>;
  failures: string[];
  close(): void;
}

/**
 * Watches /apis/camlet.dev/v1/events and timestamps each MotionDetected (a new Event, or a repeat
 * folded into one: its count grows) and each RecordingFinished when its line arrives. That is
 * "at the API": what a client of camlet sees, after the controller has recorded it.
 */
async function watchEvents(controller: ControllerUnderTest): Promise<EventArrivals> {
  const abort = new AbortController();
  const arrivals: EventArrivals = { motions: new Map(), recordings: new Map(), failures: [], close: () => abort.abort() };
  const response = await fetch(`${controller.url}/apis/camlet.dev/v1/events?watch=true`, { signal: abort.signal });
  const body = response.body;
  if (!response.ok || !body) throw new Error(`cannot watch events: HTTP ${response.status}`);
  const seen = new Set<string>();
  const take = (text: string, at: number) => {
    const { object } = JSON.parse(text) as { type: string; object: EventObject };
    const key = `${object.metadata.name}/${object.count}`;
    if (seen.has(key)) return;
    seen.add(key);
    const camera = object.involvedObject.name;
    if (object.reason === 'MotionDetected') {
      arrivals.motions.set(camera, [...(arrivals.motions.get(camera) ?? []), at]);
    } else if (object.reason === 'RecordingFinished') {
      // "<path>: <seconds> s, <MB> MB, <codec> <W>x<H>"
      const parsed = /^(.*): ([\d.]+) s, /.exec(object.message);
      if (parsed?.[1] && parsed[2]) {
        arrivals.recordings.set(camera, [...(arrivals.recordings.get(camera) ?? []), { at, path: parsed[1], seconds: Number(parsed[2]) }]);
      }
    } else if (object.reason === 'RecordingFailed') {
      arrivals.failures.push(`${camera}: ${object.message}`);
    }
  };
  void (async () => {
    const decoder = new TextDecoder();
    let pending = '';
    for await (const chunk of body) {
      const at = Date.now();
      pending += decoder.decode(chunk as Uint8Array, { stream: true });
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const text of lines) if (text.trim() !== '') take(text, at);
    }
    if (!abort.signal.aborted) arrivals.lost = 'closed by the server';
  })().catch((error: unknown) => {
    if (!abort.signal.aborted) arrivals.lost = String(error);
  });
  return arrivals;
}

// ---------------------------------------------------------------------------------------------
// One level: N cameras under the controller, then the floor for N.

interface Floor {
  cpu: { total: number; sub: number; main: number };
  pss: number;
  subFps: number;
  mainFps: number;
}

interface Level {
  cameras: number;
  seconds: number;
  allRunningAfterMs: number | undefined;
  cpu: CpuShares;
  pss: Pss & { max: number };
  floor: Floor;
  onsetMs: number[];
  /** Where the onset latency goes: reference onset -> the worker's first moving frame -> the event at the API. */
  onsetPhaseMs: number[];
  onsetAfterMs: number[];
  motions: number;
  spurious: number;
  listedMs: number[];
  /** Where the listing latency goes: the worker's motion end against the reference's; its end + post-roll -> listed. */
  endLagMs: number[];
  afterEndMs: number[];
  recordingSeconds: number[];
  short: number;
  gaps: string[];
  failures: string[];
  subFps: number[];
  mainFps: number[];
  analysedFps: number[];
  reconnects: number;
  referenceFps: number;
  serverCpu: number;
  /** The whole machine, busy, in cores; and this benchmark's own process. */
  machineCpu: number;
  benchCpu: number;
  controllerCpu: number;
  referenceCpu: number;
  problems: string[];
}

/**
 * One RTSP server with its reference client. The cameras are spread over FEEDS servers whose
 * clips run out of phase (LOOP / FEEDS apart), so that not every camera sees motion, and cuts a
 * recording, at the same moment.
 */
interface Feed {
  server: RtspCamera;
  reference: MotionReference;
}

const feedOf = (feeds: Feed[], camera: number) => feeds[camera % feeds.length] as Feed;
const streamOf = (feed: Feed, mount: Role): WorkerStream => ({ url: feed.server.url(mount), transport: 'tcp' });

/** What is open now (a level's controller, temporary folders), for the clean-up after a signal. */
const open = new Set<() => Promise<unknown>>();

/** Registers `release` until it has run to its end; returns what runs it. */
function hold(release: () => Promise<unknown>): () => Promise<void> {
  open.add(release);
  return async () => {
    await release();
    open.delete(release);
  };
}

/** A temporary folder, removed by the returned function or by the clean-up. */
async function temporaryFolder(prefix: string): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: hold(() => rm(path, { recursive: true, force: true })) };
}

function manifest(name: string, camera: RtspCamera): string {
  return `apiVersion: camlet.dev/v1
kind: Camera
metadata:
  name: ${name}
  labels: { bench: worker }
spec:
  streams:
    main: { url: "${camera.url('main')}" }
    sub: { url: "${camera.url('sub')}" }
  motion: { enabled: true, fps: ${ANALYSIS.fps}, width: ${ANALYSIS.width} }
  recording: { mode: motion, preRollSeconds: ${PRE_ROLL_SECONDS}, postRollSeconds: ${POST_ROLL_SECONDS} }
`;
}

/** Until every camera is Running with both streams delivering; the time it took, or undefined past the timeout. */
async function waitUntilAllRunning(controller: ControllerUnderTest, names: string[]): Promise<number | undefined> {
  const started = performance.now();
  const pending = new Set(names);
  // One list a round, and a worker's figures only once it is Running: a light load on a busy controller.
  while (performance.now() - started < RUNNING_TIMEOUT_MS) {
    try {
      const { items } = await apiGet<{ items: { metadata: { name: string }; status?: { phase?: string } }[] }>(controller, '/apis/camlet.dev/v1/cameras');
      for (const camera of items) {
        if (!pending.has(camera.metadata.name) || camera.status?.phase !== 'Running') continue;
        const streams = (await apiGet<WorkerInfo>(controller, `/workers/${camera.metadata.name}`)).heartbeat?.streams;
        if (streams?.main?.lastFrameAt !== undefined && streams.sub?.lastFrameAt !== undefined) pending.delete(camera.metadata.name);
      }
    } catch {
      // The controller did not answer in time: a busy machine; asked again until the timeout.
    }
    if (pending.size === 0) return performance.now() - started;
    await sleep(500);
  }
  return undefined;
}

/** Recording seconds without frames: its duration against its packets at the clip's rate. */
async function missingSeconds(file: string): Promise<number> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-count_packets', '-show_entries', 'stream=nb_read_packets:format=duration', '-of', 'json', file]);
  const probed = JSON.parse(stdout) as { streams?: { nb_read_packets?: string }[]; format?: { duration?: string } };
  const packets = Number(probed.streams?.[0]?.nb_read_packets ?? 0);
  return Number(probed.format?.duration ?? 0) - packets / FPS;
}

async function runLevel(cameras: number, feeds: Feed[], windowLoops: number): Promise<Level> {
  let windowMs = windowLoops * LOOP_SECONDS * 1000;
  const names = Array.from({ length: cameras }, (_, i) => `cam-${String(i + 1).padStart(2, '0')}`);
  const feedOfName = new Map(names.map((name, i) => [name, feedOf(feeds, i)]));
  const problems: string[] = [];
  const controller = await startController({ manifests: Object.fromEntries(names.map((name, i) => [`${name}.yaml`, manifest(name, feedOf(feeds, i).server)])) });
  const stopController = hold(() => controller.stop());
  let events: EventArrivals | undefined;
  const level: Partial<Level> & { gaps: string[] } = { cameras, problems, gaps: [] };
  let aside: { path: string; remove: () => Promise<void> } | undefined;
  const keptRecordings: string[] = [];
  try {
    events = await watchEvents(controller);
    level.allRunningAfterMs = await waitUntilAllRunning(controller, names);
    if (level.allRunningAfterMs === undefined) {
      problems.push(`not every camera Running with both streams within ${RUNNING_TIMEOUT_MS / 1000} s`);
      // Overloaded: measured as it is, over the shorter window (everything is slow on such a machine).
      windowMs = Math.min(windowLoops, SEARCH_WINDOW_LOOPS) * LOOP_SECONDS * 1000;
    }
    await sleep(SETTLE_SECONDS * 1000);

    // The window: CPU and stream counts at both ends, PSS every few seconds in between.
    const cpuOf = (pids: number[]) => new Map(pids.map((pid) => [pid, cpuSeconds(pid)?.own ?? 0]));
    const others = () => ({
      server: cpuOf(feeds.map((f) => f.server.pid)),
      controller: cpuOf([controller.pid]),
      reference: cpuOf(feeds.map((f) => f.reference.pid)),
      frames: feeds.map((f) => f.reference.frames),
      machine: machineBusySeconds(),
      bench: process.cpuUsage(),
    });
    /** CPU between two readings, of the processes present at both (a reference client may have been restarted). */
    const used = (before: Map<number, number>, after: Map<number, number>) =>
      [...after].reduce((sum, [pid, seconds]) => sum + (before.has(pid) ? seconds - (before.get(pid) ?? 0) : 0), 0);
    const referenceRestarts = feeds.reduce((sum, f) => sum + f.reference.restarts, 0);
    const before = await Promise.all(names.map((name) => sampleCamera(controller, name)));
    const othersBefore = others();
    const t0 = Date.now();
    const p0 = performance.now();
    const pssSamples = new Map<string, Pss[]>(names.map((name) => [name, []]));
    const analysed = new Map<string, number[]>(names.map((name) => [name, []]));
    for (;;) {
      const left = p0 + windowMs - performance.now();
      if (left <= 0) break;
      await sleep(Math.min(PSS_EVERY_MS, left));
      if (performance.now() - p0 >= windowMs - 2000) break;
      names.forEach((name, i) => {
        const pss = pssOfCamera(before[i] as CameraSample);
        if (pss) pssSamples.get(name)?.push(pss);
      });
    }
    const after = await Promise.all(names.map((name) => sampleCamera(controller, name)));
    const othersAfter = others();
    const t1 = Date.now();
    const seconds = (performance.now() - p0) / 1000;
    level.seconds = seconds;
    level.referenceFps = Math.min(...othersAfter.frames.map((frames, i) => (frames - (othersBefore.frames[i] ?? 0)) / seconds));
    level.serverCpu = used(othersBefore.server, othersAfter.server) / seconds;
    level.controllerCpu = used(othersBefore.controller, othersAfter.controller) / seconds;
    level.referenceCpu = used(othersBefore.reference, othersAfter.reference) / seconds;
    level.machineCpu = (othersAfter.machine - othersBefore.machine) / seconds;
    const benchMicros = process.cpuUsage(othersBefore.bench);
    level.benchCpu = (benchMicros.user + benchMicros.system) / 1e6 / seconds;
    const restarted = feeds.reduce((sum, f) => sum + f.reference.restarts, 0) - referenceRestarts;
    if (restarted > 0) problems.push(`${restarted} reference clients lost their stream and started again`);

    const shares: CpuShares[] = [];
    level.subFps = [];
    level.mainFps = [];
    level.reconnects = 0;
    names.forEach((name, i) => {
      const a = before[i] as CameraSample;
      const b = after[i] as CameraSample;
      const cpu = cpuBetween(a, b);
      if (cpu) shares.push(cpu);
      else problems.push(`${name}: no worker process to measure`);
      level.subFps?.push(fpsBetween(a, b, 'sub'));
      level.mainFps?.push(fpsBetween(a, b, 'main'));
      if (b.analysedFps !== undefined) analysed.get(name)?.push(b.analysedFps);
      for (const role of ['sub', 'main'] as const) level.reconnects = (level.reconnects ?? 0) + (b.streams[role]?.reconnects ?? 0) - (a.streams[role]?.reconnects ?? 0);
    });
    const meanOf = (key: keyof CpuShares) => mean(shares.map((s) => s[key]));
    level.cpu = { total: meanOf('total'), node: meanOf('node'), reaped: meanOf('reaped'), sub: meanOf('sub'), main: meanOf('main') };
    const perCamera = [...pssSamples.values()].filter((samples) => samples.length > 0);
    const pssMean = (key: keyof Pss) => mean(perCamera.map((samples) => mean(samples.map((s) => s[key]))));
    level.pss = { total: pssMean('total'), node: pssMean('node'), sub: pssMean('sub'), main: pssMean('main'), max: Math.max(...perCamera.flat().map((s) => s.total)) };
    level.analysedFps = [...analysed.values()].flat();

    // Every motion whose onset fell in the window, matched to each camera's events: wait until
    // its recording can have been listed (motion end + post-roll, with room for a slow one).
    const inWindow = (feed: Feed): SeenMotion[] => feed.reference.motions.filter((m) => m.onsetAt >= t0 && m.onsetAt <= t1);
    const lastEnd = () => Math.max(...feeds.flatMap((feed) => inWindow(feed).map((m) => m.endAt ?? Date.now())));
    // A motion whose end the reference has not seen yet counts as ending now, up to a loop past the window.
    const tailUntil = () => Math.min(lastEnd(), t1 + LOOP_SECONDS * 1000) + (POST_ROLL_SECONDS + 4) * 1000;
    while (Date.now() < tailUntil()) {
      const listed = names.every((name) =>
        inWindow(feedOfName.get(name) as Feed).every((m) => m.endAt !== undefined && (events?.recordings.get(name) ?? []).some((r) => r.at >= (m.endAt ?? 0))),
      );
      if (listed) break;
      await sleep(200);
    }
    // The worker's own times for the motion (its first and last moving frame), as the controller logs them.
    const detected = new Map<string, { event: string; at: number }[]>();
    for (const text of controller.output) {
      if (!text.includes('"msg":"motion"')) continue;
      try {
        const entry = JSON.parse(text) as { camera?: string; event?: string; at?: string };
        if (entry.camera && entry.event && entry.at) detected.set(entry.camera, [...(detected.get(entry.camera) ?? []), { event: entry.event, at: Date.parse(entry.at) }]);
      } catch {
        // not a log line of ours
      }
    }
    const nearest = (name: string, event: string, to: number, within: number) =>
      (detected.get(name) ?? []).filter((d) => d.event === event && Math.abs(d.at - to) <= within).sort((a, b) => Math.abs(a.at - to) - Math.abs(b.at - to))[0]?.at;
    level.onsetPhaseMs = [];
    level.onsetAfterMs = [];
    level.endLagMs = [];
    level.afterEndMs = [];

    if (feeds.some((feed) => inWindow(feed).length === 0)) problems.push('a reference client saw no motion in the window');
    level.motions = 0;
    level.onsetMs = [];
    level.listedMs = [];
    level.recordingSeconds = [];
    level.short = 0;
    level.spurious = 0;
    const listedPaths: string[] = [];
    let missedMotions = 0;
    let unlisted = 0;
    for (const name of names) {
      const motions = inWindow(feedOfName.get(name) as Feed);
      level.motions += motions.length;
      const arrivals = events.motions.get(name) ?? [];
      const used = new Set<number>();
      for (const motion of motions) {
        // The first MotionDetected after the onset and well before the next loop's.
        const index = arrivals.findIndex((at, k) => !used.has(k) && at >= motion.onsetAt - 200 && at < motion.onsetAt + (LOOP_SECONDS / 2) * 1000);
        if (index < 0) missedMotions++;
        else {
          used.add(index);
          const arrival = arrivals[index] as number;
          level.onsetMs.push(arrival - motion.onsetAt);
          const first = nearest(name, 'motionStarted', motion.onsetAt, 1500);
          if (first !== undefined) {
            level.onsetPhaseMs.push(first - motion.onsetAt);
            level.onsetAfterMs.push(arrival - first);
          }
        }
        if (motion.endAt === undefined) continue;
        // The recording ends post-roll after the motion's last frame; it is listed when its event arrives.
        const end = motion.endAt + POST_ROLL_SECONDS * 1000;
        const recording = (events.recordings.get(name) ?? []).find((r) => r.at >= end - 1500 && r.at < end + (LOOP_SECONDS - 2) * 1000);
        if (!recording) {
          unlisted++;
          continue;
        }
        level.listedMs.push(recording.at - end);
        const last = nearest(name, 'motionEnded', motion.endAt, 2000);
        if (last !== undefined) {
          level.endLagMs.push(last - motion.endAt);
          level.afterEndMs.push(recording.at - (last + POST_ROLL_SECONDS * 1000));
        }
        level.recordingSeconds.push(recording.seconds);
        listedPaths.push(join(controller.storage, recording.path));
        // Pre-roll + motion + post-roll, less one segment: it may start up to a segment late at most.
        if (recording.seconds < PRE_ROLL_SECONDS + (END_SECONDS - ONSET_SECONDS) + POST_ROLL_SECONDS - SEGMENT_SECONDS) level.short++;
      }
      level.spurious += arrivals.filter((at, k) => !used.has(k) && at >= t0 + 4000 && at <= t1).length;
    }
    if (missedMotions > 0) problems.push(`${missedMotions} motions without a MotionDetected event`);
    if (unlisted > 0) problems.push(`${unlisted} motions without their recording listed`);
    level.failures = events.failures;
    if (events.lost !== undefined) problems.push(`the event watch broke off (${events.lost}): later events were not seen`);

    // The recordings, kept aside (hard links: no copy) to be probed once the machine is quiet.
    aside = await temporaryFolder('camlet-bench-recordings-');
    for (const [i, file] of listedPaths.entries()) {
      const kept = join(aside.path, `${i}-${basename(file)}`);
      await link(file, kept).then(
        () => keptRecordings.push(kept),
        (error: unknown) => level.gaps?.push(`${file}: ${String(error)}`),
      );
    }
  } finally {
    events?.close();
    await stopController();
  }
  // Gaps inside the recordings: frames missing against their duration.
  try {
    for (const file of keptRecordings) {
      try {
        const missing = await missingSeconds(file);
        if (missing > GAP_SECONDS) level.gaps.push(`${basename(file)}: ${missing.toFixed(1)} s without frames`);
      } catch (error) {
        level.gaps.push(`${basename(file)}: ${String(error)}`);
      }
    }
  } finally {
    await aside?.remove();
  }
  level.floor = await measureFloor(cameras, feeds);
  return level as Level;
}

/** The worker's two ffmpeg commands alone, N pairs at once, output discarded (drained, as the worker drains it). */
async function measureFloor(cameras: number, feeds: Feed[]): Promise<Floor> {
  const scratch = await temporaryFolder('camlet-bench-floor-');
  const children: { role: Role; child: ChildProcess; frames: number }[] = [];
  try {
    for (let i = 0; i < cameras; i++) {
      const folder = join(scratch.path, `cam-${i}`);
      await mkdir(folder);
      const segments = { segmentPattern: join(folder, SEGMENT_PATTERN), segmentList: join(folder, SEGMENT_LIST) };
      const feed = feedOf(feeds, i);
      for (const [role, args] of [
        ['main', recordSegmentsArgs(streamOf(feed, 'main'), segments)],
        ['sub', grayFramesArgs(streamOf(feed, 'sub'), ANALYSIS.width)],
      ] as const) {
        const entry = { role, child: spawnTiedToParent('ffmpeg', args, { stdio: ['ignore', 'pipe', 'ignore'] }), frames: 0 };
        const frameBytes = ANALYSIS.width * Math.round((ANALYSIS.width * SUB.height) / SUB.width);
        let bytes = 0;
        entry.child.stdout?.on('data', (chunk: Buffer) => {
          if (role === 'sub') {
            bytes += chunk.length;
            entry.frames = Math.floor(bytes / frameBytes);
          } else {
            // -progress: "frame=N" lines, N counted from the start.
            const found = [...chunk.toString().matchAll(/^frame=(\d+)/gm)].at(-1)?.[1];
            if (found !== undefined) entry.frames = Number(found);
          }
        });
        children.push(entry);
      }
    }
    await sleep(FLOOR_WARMUP_SECONDS * 1000);
    const sample = () => children.map(({ child, frames }) => ({ cpu: cpuSeconds(child.pid as number)?.own ?? 0, frames }));
    const before = sample();
    const p0 = performance.now();
    await sleep((FLOOR_SECONDS * 1000) / 2);
    const pss = children.reduce((sum, { child }) => sum + (pssBytes(child.pid as number) ?? 0), 0) / cameras;
    await sleep((FLOOR_SECONDS * 1000) / 2);
    const after = sample();
    const seconds = (performance.now() - p0) / 1000;
    const sum = (role: Role, figure: 'cpu' | 'frames') =>
      children.reduce((total, entry, i) => total + (entry.role === role ? (after[i]?.[figure] ?? 0) - (before[i]?.[figure] ?? 0) : 0), 0);
    const cpu = { sub: sum('sub', 'cpu') / seconds / cameras, main: sum('main', 'cpu') / seconds / cameras, total: 0 };
    cpu.total = cpu.sub + cpu.main;
    return { cpu, pss, subFps: sum('sub', 'frames') / seconds / cameras, mainFps: sum('main', 'frames') / seconds / cameras };
  } finally {
    await Promise.all(children.map(({ child }) => stopGracefully(child, 2000, 'SIGINT')));
    await scratch.remove();
  }
}

// ---------------------------------------------------------------------------------------------
// Printing.

function holds(level: Level): boolean {
  return problemsOf(level).length === 0;
}

/** Why a level does not hold: dropped analysis frames, recording gaps, or anything lost. */
function problemsOf(level: Level): string[] {
  const problems = [...level.problems];
  const slowSub = level.subFps.filter((fps) => fps < KEEPS_UP * FPS).length;
  const slowMain = level.mainFps.filter((fps) => fps < KEEPS_UP * FPS).length;
  if (slowSub > 0) problems.push(`${slowSub} cameras decoded SUB below ${(KEEPS_UP * FPS).toFixed(1)} fps (min ${Math.min(...level.subFps).toFixed(1)}): analysis frames dropped`);
  if (level.analysedFps.some((fps) => fps < KEEPS_UP * ANALYSIS.fps)) problems.push(`analysed below ${ANALYSIS.fps} fps (min ${Math.min(...level.analysedFps).toFixed(1)})`);
  if (slowMain > 0) problems.push(`${slowMain} cameras received MAIN below ${(KEEPS_UP * FPS).toFixed(1)} fps (min ${Math.min(...level.mainFps).toFixed(1)}): segments short of frames`);
  if (level.reconnects > 0) problems.push(`${level.reconnects} stream reconnects`);
  if (level.gaps.length > 0) problems.push(`${level.gaps.length} recordings with gaps (${level.gaps[0]})`);
  if (level.short > 0) problems.push(`${level.short} recordings shorter than pre-roll + motion + post-roll - one segment`);
  if (level.failures.length > 0) problems.push(`${level.failures.length} recordings failed (${level.failures[0]})`);
  if (level.referenceFps < KEEPS_UP * FPS) problems.push(`a reference client received ${level.referenceFps.toFixed(1)} fps: the RTSP servers did not keep up`);
  return problems;
}

function printLevel(level: Level, tookSeconds: number): void {
  const { cpu, floor, pss } = level;
  const ratio = cpu.total / floor.cpu.total;
  // The first moving frame is sampled within an analysis interval of the onset; the frames that
  // confirm it are the stream's next ones, analysed out of turn.
  const confirmMs = ((START_FRAMES - 1) * 1000) / FPS;
  const onsetFloorMs = [confirmMs, 1000 / ANALYSIS.fps + confirmMs];
  const problems = problemsOf(level);
  line();
  const running = level.allRunningAfterMs === undefined ? `not all within ${RUNNING_TIMEOUT_MS / 1000} s` : `after ${(level.allRunningAfterMs / 1000).toFixed(1)} s`;
  line(`N = ${level.cameras} camera${level.cameras > 1 ? 's' : ''} (all Running with both streams ${running}; ${level.seconds.toFixed(0)} s window; ${tookSeconds.toFixed(0)} s in all)`);
  // The remux runs once per recording: its share depends on how often motion comes (here once a loop).
  const remuxPerRecording = level.recordingSeconds.length > 0 ? (cpu.reaped * level.seconds * level.cameras) / level.recordingSeconds.length : NaN;
  line(
    `   CPU per camera ${pct(cpu.total)}% of a core (worker node ${pct(cpu.node)}, SUB decode ${pct(cpu.sub)}, MAIN copy ${pct(cpu.main)}, recording remux ${pct(cpu.reaped)}: ${remuxPerRecording.toFixed(2)} CPU-s per recording, one per ${LOOP_SECONDS.toFixed(1)} s here)`,
  );
  line(`     floor ${pct(floor.cpu.total)}% (SUB decode ${pct(floor.cpu.sub)}, MAIN copy ${pct(floor.cpu.main)}; ${level.cameras} plain ffmpeg pairs at once, ${floor.subFps.toFixed(1)} + ${floor.mainFps.toFixed(1)} fps): ratio ${ratio.toFixed(2)}; goal <= ${GOALS.ratio.toFixed(2)}`);
  line(
    `   PSS per camera ${mb(pss.total)} MB (max ${mb(pss.max)}; worker node ${mb(pss.node)}, SUB ffmpeg ${mb(pss.sub)}, MAIN ffmpeg ${mb(pss.main)}); floor ${mb(floor.pss)} MB (the two ffmpeg alone); goal <= ${GOALS.pssMb} MB`,
  );
  line(
    `   motion onset -> MotionDetected at the API: p95 ${ms(percentile(level.onsetMs, 95))}, median ${ms(percentile(level.onsetMs, 50))}, max ${ms(Math.max(...level.onsetMs))} (${level.onsetMs.length} of ${level.motions} motions, ${level.spurious} spurious)`,
  );
  line(
    `     of which: the worker's first moving frame ${ms(percentile(level.onsetPhaseMs, 50))} after the onset (median; sampling at ${ANALYSIS.fps} fps), then ${ms(percentile(level.onsetAfterMs, 50))} to the API (${START_FRAMES} consecutive moving frames, analysis, IPC, controller, watch)`,
  );
  line(`     floor ${onsetFloorMs.map((v) => v.toFixed(0)).join('-')} ms (the first moving frame sampled at ${ANALYSIS.fps} fps, confirmed by the next ${START_FRAMES - 1} of the ${FPS} fps stream); goal p95 <= ${GOALS.onsetMs} ms`);
  const lengths = level.recordingSeconds.length > 0 ? `${Math.min(...level.recordingSeconds).toFixed(1)}-${Math.max(...level.recordingSeconds).toFixed(1)} s long` : 'none';
  line(
    `   recording end (motion end + ${POST_ROLL_SECONDS} s post-roll) -> RecordingFinished at the API: p95 ${ms(percentile(level.listedMs, 95))}, median ${ms(percentile(level.listedMs, 50))} (${level.listedMs.length} recordings, ${lengths}, ${level.gaps.length} with gaps); goal p95 <= ${GOALS.listedMs} ms`,
  );
  const analysed = level.analysedFps.length > 0 ? `analysed ${mean(level.analysedFps).toFixed(1)} fps` : `analysed ${(mean(level.subFps) / (FPS / ANALYSIS.fps)).toFixed(1)} fps (1 in ${FPS / ANALYSIS.fps} decoded)`;
  line(
    `     of which: the worker's motion end ${ms(percentile(level.endLagMs, 50))} from the last frame with motion (median), then ${ms(percentile(level.afterEndMs, 50))} from its end + post-roll to the API (cut margin, remux, probe, IPC)`,
  );
  line(
    `   streams: SUB decoded ${mean(level.subFps).toFixed(1)} fps (min ${Math.min(...level.subFps).toFixed(1)}), ${analysed}; MAIN ${mean(level.mainFps).toFixed(1)} fps (min ${Math.min(...level.mainFps).toFixed(1)}); ${level.reconnects} reconnects`,
  );
  line(
    `   not counted: RTSP servers ${pct(level.serverCpu)}% of a core (${2 * level.cameras + FEEDS} clients), controller ${pct(level.controllerCpu)}%, reference clients ${pct(level.referenceCpu)}% (${level.referenceFps.toFixed(1)} fps), this benchmark ${pct(level.benchCpu)}%`,
  );
  // What else ran on the machine meanwhile (other users' work disturbs every figure).
  const known = level.cpu.total * level.cameras + level.serverCpu + level.controllerCpu + level.referenceCpu + level.benchCpu;
  line(`   machine busy ${pct(level.machineCpu)}% of a core (of ${cpus().length} cores), of which ${pct(Math.max(0, level.machineCpu - known))}% outside this benchmark`);
  line(`   ${problems.length === 0 ? 'holds: no dropped analysis frames, no recording gaps' : `does not hold: ${problems.join('; ')}`}`);
}

function printSummary(levels: Level[], largest: number | undefined): void {
  line();
  line(`largest N that holds: ${largest ?? 'none'} (tried ${levels.map((l) => l.cameras).join(', ')})`);
  line('');
  line('     N   CPU/camera   floor   ratio   PSS/camera   onset p95   listed p95   holds');
  for (const level of [...levels].sort((a, b) => a.cameras - b.cameras)) {
    line(
      `   ${String(level.cameras).padStart(3)}   ${`${pct(level.cpu.total)}%`.padStart(10)}   ${`${pct(level.floor.cpu.total)}%`.padStart(5)}   ${(level.cpu.total / level.floor.cpu.total).toFixed(2).padStart(5)}   ${`${mb(level.pss.total)} MB`.padStart(10)}   ${ms(percentile(level.onsetMs, 95)).padStart(9)}   ${ms(percentile(level.listedMs, 95)).padStart(10)}   ${holds(level) ? 'yes' : 'no'}`,
    );
  }
  line(`   goals                  <= ${GOALS.ratio.toFixed(2)}   <= ${GOALS.pssMb} MB   <= ${GOALS.onsetMs} ms   <= ${GOALS.listedMs} ms`);
}

// ---------------------------------------------------------------------------------------------

const started = performance.now();
const elapsed = () => (performance.now() - started) / 1000;
const clips = await mkdtemp(join(tmpdir(), 'camlet-bench-clips-'));
const feeds: Feed[] = [];
let cleaning: Promise<void> | undefined;
const cleanUp = () =>
  (cleaning ??= (async () => {
    // A controller already stopping is asked again (a second signal stops it at once) and its folders removed.
    await Promise.all([...open].map((release) => release().catch(() => undefined)));
    await stopAllControllers();
    await Promise.all(feeds.map((feed) => feed.reference.stop()));
    await stopAllRtspCameras();
    await rm(clips, { recursive: true, force: true });
  })());
cleanUpOnSignal(cleanUp);

try {
  line(`camlet worker benchmark — ${new Date().toISOString()}`);
  line(`machine: ${describeMachine()}`);
  const mainClip = join(clips, 'main.mp4');
  const subClip = join(clips, 'sub.mp4');
  await Promise.all([writeMotionLoop(mainClip, MAIN.width, MAIN.height, MAIN.kbps), writeMotionLoop(subClip, SUB.width, SUB.height, SUB.kbps)]);
  line(
    `cameras: MAIN ${MAIN.width}x${MAIN.height}@${FPS} H.264 ${MAIN.kbps} kbit/s, SUB ${SUB.width}x${SUB.height}@${FPS} ${SUB.kbps} kbit/s, pre-encoded ${LOOP_FRAMES}-frame (${LOOP_SECONDS.toFixed(2)} s) clips served looped`,
  );
  line(
    `   without re-encoding by ${FEEDS} GStreamer RTSP servers (shared mounts, cameras spread over them, clips ${(LOOP_SECONDS / FEEDS).toFixed(1)} s out of phase);`,
  );
  line(
    `   a box crosses the scene ${ONSET_SECONDS}-${END_SECONDS} s into each loop; analysis ${ANALYSIS.width}x${(ANALYSIS.width * SUB.height) / SUB.width}@${ANALYSIS.fps}, pre/post-roll ${PRE_ROLL_SECONDS}/${POST_ROLL_SECONDS} s`,
  );
  line(`   motion onset and end: when the frame reaches a plain ffmpeg client of the same SUB mount (the worker's decode command); events: arrival on the API's watch stream`);

  // Each server's clip starts when its first client, the reference, connects: one after the other, LOOP / FEEDS apart.
  const servers = await Promise.all(Array.from({ length: FEEDS }, () => startRtspCamera({ mainFile: mainClip, subFile: subClip })));
  for (const server of servers) {
    if (feeds.length > 0) await sleep((LOOP_SECONDS * 1000) / FEEDS);
    feeds.push({ server, reference: startMotionReference(streamOf({ server } as Feed, 'sub'), ANALYSIS.width) });
  }
  const levels: Level[] = [];
  const measure = async (cameras: number, windowLoops: number) => {
    const levelStarted = performance.now();
    const level = await runLevel(cameras, feeds, windowLoops);
    levels.push(level);
    printLevel(level, (performance.now() - levelStarted) / 1000);
    return level;
  };
  for (const cameras of LEVELS) await measure(cameras, WINDOW_LOOPS);

  // The largest N that holds: between the largest that held and the smallest above it that did not.
  const held = () => Math.max(0, ...levels.filter(holds).map((l) => l.cameras));
  const failedAbove = () => Math.min(Infinity, ...levels.filter((l) => !holds(l) && l.cameras > held()).map((l) => l.cameras));
  while (SEARCH && elapsed() + SEARCH_LEVEL_SECONDS < BUDGET_SECONDS) {
    const lo = held();
    const hi = failedAbove();
    // Within about 10% of the answer is enough for a benchmark.
    if (lo > 0 && hi - lo <= Math.max(1, Math.round(lo * 0.1))) break;
    const next = hi === Infinity ? Math.round(lo * 1.5) : Math.round((lo + hi) / 2);
    if (next === lo || next === hi || next < 1) break;
    await measure(next, SEARCH_WINDOW_LOOPS);
  }
  const largest = held();
  printSummary(levels, largest > 0 ? largest : undefined);
  line(`(${elapsed().toFixed(0)} s)`);
} finally {
  await cleanUp();
}
process.exit(0);

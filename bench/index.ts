// `npm run bench:index`: the recordings index at the size of a month of a 32-camera site, with
// the machine it ran on.
//
// 1. Fill: 30 days x 32 cameras (10-minute continuous recordings, motion recordings, motion
//    events), batched; then the controller's own way, one commit (and fsync) per recording.
// 2. Database size.
// 3. Timeline of 24 h, one camera and all 32, from the index and through the HTTP API; goal <= 50 ms.
// 4. Recordings list pages (newest, a camera's day, deep pages by continue, by label selector): p95.
// 5. Retention sweep and the storage figures on the full index (nothing to delete).
// 6. Thumbnail of a real MP4 made by ffmpeg: cold (ffmpeg) and cached, through the HTTP API.
import { copyFile, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { serveRecordingsApi } from '../controller/api/test-recordings-api.js';
import { readManifestFile } from '../controller/manifests/camera-document.js';
import { RecordingsIndex } from '../controller/recordings/recordings-index.js';
import { makeClip } from '../controller/recordings/test-media.js';
import { StorageService } from '../controller/retention/storage-service.js';
import { createLogger } from '../lib/logger.js';
import { recordingRelativePath } from '../worker/recording/recording-path.js';
import { CAMERAS, cameraName, DAYS, fillIndex } from './index-fill.js';
import { describeMachine } from './machine.js';
import { percentile } from './percentile.js';

const END = Date.UTC(2025, 9, 1);
const DAY = 86_400_000;
const SINGLE_COMMITS = 300;
const line = (text: string) => process.stdout.write(`${text}\n`);
const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 1)} ms`;

/** Runs `action` `runs` times (after two warm-up runs) and returns the durations in ms. */
async function timed(runs: number, action: (i: number) => unknown): Promise<number[]> {
  for (let i = 0; i < 2; i++) await action(i);
  const durations: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await action(i);
    durations.push(performance.now() - started);
  }
  return durations;
}
const summary = (values: number[]) => `median ${ms(percentile(values, 50))}, p95 ${ms(percentile(values, 95))}, max ${ms(Math.max(...values))}`;

/** A random day of the month (its start), the same for every run. */
const dayStart = (i: number) => END - DAY * (1 + ((i * 7) % (DAYS - 1)));

const storage = await mkdtemp(join(tmpdir(), 'camlet-bench-index-'));
const logger = createLogger('bench', 'silent');
try {
  line('camlet bench:index');
  line(`machine: ${describeMachine()}`);
  line(`storage: ${storage}`);
  const index = RecordingsIndex.open(storage);

  // 1. Fill.
  const fill = fillIndex(index, END);
  line(`1. filled ${DAYS} days x ${CAMERAS} cameras: ${fill.recordings.toLocaleString('en')} recordings and ${fill.motionEvents.toLocaleString('en')} motion events in ${fill.seconds.toFixed(1)} s`);
  line(`   insert throughput, batched (5,000 recordings a transaction): ${Math.round(fill.recordings / fill.seconds).toLocaleString('en')} recordings/s (${Math.round((fill.recordings + fill.motionEvents) / fill.seconds).toLocaleString('en')} rows/s with motion events)`);
  const single = await timed(SINGLE_COMMITS, (i) => {
    const startMs = END + i * 60_000;
    index.startMotion({ camera: 'cam-00', startMs: startMs + 1000, score: 0.2, boxes: [] });
    index.endMotion({ camera: 'cam-00', startMs: startMs + 1000, endMs: startMs + 4000, peakScore: 0.3 });
    index.insertRecording({ id: `single-${i}`, camera: 'cam-00', path: recordingRelativePath('cam-00', startMs, 7), startMs, endMs: startMs + 20_000, durationSeconds: 20, bytes: 5_000_000, codec: 'h264', width: 2560, height: 1440, trigger: 'motion' });
  });
  line(`   as the controller writes (one commit, synchronous=FULL, per recording, its motion event opened and closed): ${summary(single)} per recording, ${Math.round(1000 / (single.reduce((a, b) => a + b, 0) / single.length))} recordings/s`);

  // 2. Size.
  index.db.pragma('wal_checkpoint(TRUNCATE)');
  const { size } = await stat(index.file);
  const rows = fill.recordings + SINGLE_COMMITS + 2;
  line(`2. database size ${(size / 2 ** 20).toFixed(1)} MiB (${Math.round(size / rows)} bytes a recording, motion events and indexes included)`);

  // 3. Timeline, from the index.
  const oneCamera = await timed(60, (i) => index.timeline({ camera: cameraName(i % CAMERAS), fromMs: dayStart(i), toMs: dayStart(i) + DAY, resolutionMs: 60_000 }));
  const allCameras = await timed(30, (i) => index.timeline({ fromMs: dayStart(i), toMs: dayStart(i) + DAY, resolutionMs: 60_000 }));
  const sample = index.timeline({ fromMs: dayStart(3), toMs: dayStart(3) + DAY, resolutionMs: 60_000 });
  const intervals = sample.reduce((n, c) => n + c.intervals.length, 0);
  const markers = sample.reduce((n, c) => n + c.motion.length, 0);
  line(`3. timeline of 24 h at 1-minute resolution (index): one camera ${summary(oneCamera)}; all ${CAMERAS} ${summary(allCameras)} (${intervals} intervals, ${markers} motion markers); goal <= 50 ms`);

  // The API in front of the same index.
  const manifests = Array.from({ length: CAMERAS }, (_, i) => `apiVersion: camlet.dev/v1\nkind: Camera\nmetadata:\n  name: ${cameraName(i)}\n  labels: { floor: f${i % 2} }\nspec:\n  streams:\n    main: { url: "rtsp://10.0.0.${i}:554/main" }\n`).join('---\n');
  const served = await serveRecordingsApi(index, storage, manifests);
  const { store, events, api } = served;
  const base = `${served.base}/apis/camlet.dev/v1`;
  const fetchJson = async (path: string) => {
    const response = await fetch(`${base}${path}`);
    if (response.status !== 200) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as { metadata?: { continue?: string } };
  };
  try {
    const iso = (t: number) => new Date(t).toISOString();
    const httpOne = await timed(40, (i) => fetchJson(`/timeline?camera=${cameraName(i % CAMERAS)}&from=${iso(dayStart(i))}&to=${iso(dayStart(i) + DAY)}&resolution=60s`));
    const httpAll = await timed(20, (i) => fetchJson(`/timeline?from=${iso(dayStart(i))}&to=${iso(dayStart(i) + DAY)}&resolution=60s`));
    line(`   through HTTP (query, JSON, loopback): one camera ${summary(httpOne)}; all ${CAMERAS} ${summary(httpAll)}`);

    // 4. Lists, a page of 100.
    const newest = await timed(100, () => fetchJson('/recordings?limit=100'));
    const cameraDay = await timed(100, (i) => fetchJson(`/recordings?camera=${cameraName(i % CAMERAS)}&from=${dayStart(i)}&to=${dayStart(i) + DAY}&limit=100`));
    const bySelector = await timed(100, (i) => fetchJson(`/recordings?labelSelector=floor%3Df${i % 2}&from=${dayStart(i)}&limit=100`));
    let token: string | undefined;
    const deep = await timed(100, async (i) => {
      if (i % 50 === 0) token = undefined;
      const page = await fetchJson(`/recordings?camera=cam-05&limit=100${token ? `&continue=${encodeURIComponent(token)}` : ''}`);
      token = page.metadata?.continue;
    });
    const motionPage = await timed(100, (i) => fetchJson(`/motionevents?camera=${cameraName(i % CAMERAS)}&limit=100`));
    line(`4. recordings list, pages of 100 through HTTP: newest of all p95 ${ms(percentile(newest, 95))}; one camera's day p95 ${ms(percentile(cameraDay, 95))}; by label selector (16 cameras) p95 ${ms(percentile(bySelector, 95))}; pages 1 to 50 of one camera by continue p95 ${ms(percentile(deep, 95))}`);
    line(`   motion events list, pages of 100, one camera: p95 ${ms(percentile(motionPage, 95))}`);

    // 5. Retention and storage figures, nothing to delete (limits above what is stored).
    const retention = { maxAgeDays: 3650, maxBytes: '1Pi' };
    const wide = manifests.replace(/spec:\n/g, `spec:\n  recording: { retention: { maxAgeDays: ${retention.maxAgeDays}, maxBytes: ${retention.maxBytes} } }\n`);
    for (const document of readManifestFile('bench.yaml', wide).documents) if (document.valid) store.applyValid(document.camera);
    const service = new StorageService({ index, storage, config: { freeSpaceFloor: '0%', intervalSeconds: 3600 }, cameras: store, events, logger });
    const sweeps = await timed(5, () => service.sweepNow());
    const snapshots = await timed(20, () => service.monitor.snapshot(0));
    line(`5. retention sweep of the full index with nothing to delete: ${summary(sweeps)}; storage figures (statfs + per-camera totals): ${summary(snapshots)}`);

    // 6. Thumbnail of a real recording: 10 s of 1280x720 H.264, a keyframe a second, motion 4.2 s in.
    const startMs = END + DAY;
    const path = recordingRelativePath('cam-01', startMs);
    const clip = join(storage, 'clip.mp4');
    await makeClip(clip, 10, '1280x720');
    await mkdir(dirname(join(storage, path)), { recursive: true });
    await copyFile(clip, join(storage, path));
    const bytes = (await stat(clip)).size;
    index.startMotion({ camera: 'cam-01', startMs: startMs + 4200, score: 0.3, boxes: [] });
    index.endMotion({ camera: 'cam-01', startMs: startMs + 4200, endMs: startMs + 6000, peakScore: 0.4 });
    index.insertRecording({ id: 'thumbnail-bench', camera: 'cam-01', path, startMs, endMs: startMs + 10_000, durationSeconds: 10, bytes, codec: 'h264', width: 1280, height: 720, trigger: 'motion' });
    const thumbnail = async () => {
      const started = performance.now();
      const response = await fetch(`${base}/recordings/thumbnail-bench/thumbnail`);
      const body = await response.arrayBuffer();
      return { ms: performance.now() - started, cache: response.headers.get('x-thumbnail-cache'), bytes: body.byteLength };
    };
    const cold = await thumbnail();
    const cached: number[] = [];
    for (let i = 0; i < 20; i++) cached.push((await thumbnail()).ms);
    line(`6. thumbnail (1280x720 H.264, keyframe after the motion start, 480 px JPEG of ${cold.bytes} bytes): cold ${ms(cold.ms)} (${cold.cache}); cached ${summary(cached)}; goal cold <= 5 s`);
  } finally {
    await api.close();
    index.close();
  }
} finally {
  await rm(storage, { recursive: true, force: true });
}

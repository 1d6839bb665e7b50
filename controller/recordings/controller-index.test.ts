// The index wired into the whole controller (in this process): opened at start, reconciled with
// storage before any worker runs, its counts in /metrics and lost files as Warning Events, rows
// written as a worker reports recordings and motion, closed at stop. The worker is a scripted
// runtime that reports what a real worker would, for a real MP4 it puts in storage.
import { copyFile, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load-config.js';
import { Controller } from '../controller.js';
import type { Runtime, WorkerCallbacks, WorkerHandle } from '../../runtimes/runtime.js';
import { waitUntil } from '../../test/support/processes.js';
import { recordingRelativePath } from '../../worker/recording/recording-path.js';
import { PROTOCOL_VERSION, type WorkerConfig } from '../../worker/protocol.js';
import { probeRecording } from './probe-recording.js';
import { RecordingsIndex } from './recordings-index.js';
import { makeClip } from './test-media.js';

// Recent, to the second (file names' precision): older than a camera's maxAgeDays (14 by
// default), retention would delete the recordings at start.
const T0 = Math.floor(Date.now() / 1000) * 1000 - 2 * 3_600_000;
const MANIFEST = `apiVersion: camlet.dev/v1
kind: Camera
metadata:
  name: porch
spec:
  streams:
    main:
      url: rtsp://127.0.0.1:9/main
`;

let media: string;
let clip: string;
let root: string;
let storage: string;
let controller: Controller | undefined;

beforeAll(async () => {
  media = await mkdtemp(join(tmpdir(), 'camlet-controller-index-media-'));
  clip = join(media, 'clip.mp4');
  await makeClip(clip);
});
afterAll(() => rm(media, { recursive: true, force: true }));
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'camlet-controller-index-'));
  storage = join(root, 'data');
  await mkdir(join(root, 'manifests'));
  await writeFile(join(root, 'manifests', 'porch.yaml'), MANIFEST);
});
afterEach(async () => {
  await controller?.stop();
  controller = undefined;
  await rm(root, { recursive: true, force: true });
});

/**
 * A worker that records one motion: motion starts, a recording starts, the motion ends, the
 * recording's MP4 is put in storage, then reported finished. Also notes whether any worker ran
 * before the given moment (to check the reconciliation ran first).
 */
class ScriptedRuntime implements Runtime {
  readonly name = 'scripted';
  started: WorkerConfig[] = [];
  /** Called as each worker starts, before it does anything. */
  onStart: (() => void) | undefined;

  constructor(private readonly recordingPath: string) {}

  start(config: WorkerConfig, callbacks: WorkerCallbacks): WorkerHandle {
    this.onStart?.();
    this.started.push(config);
    const base = { v: PROTOCOL_VERSION } as const;
    const script = async () => {
      // As from a real worker: after start() has returned its handle.
      await new Promise(setImmediate);
      callbacks.onHeartbeat({ ...base, type: 'heartbeat', time: Date.now(), healthy: true, detail: 'scripted', streams: {}, ffmpegPids: [] });
      callbacks.onMotion({ ...base, type: 'motionStarted', at: T0 + 500, score: 0.12, boxes: [{ x: 0.5, y: 0.5, width: 0.25, height: 0.25 }] });
      callbacks.onRecording({ ...base, type: 'recordingStarted', id: 'rec-1', trigger: 'motion' });
      callbacks.onMotion({ ...base, type: 'motionEnded', at: T0 + 1000, startedAt: T0 + 500, peakScore: 0.2 });
      const destination = join(config.storage, this.recordingPath);
      await mkdir(dirname(destination), { recursive: true });
      await copyFile(clip, destination);
      const probe = await probeRecording(destination);
      if (!probe.playable) throw new Error(probe.reason);
      const { size } = await stat(destination);
      const { durationSeconds, codec, width, height } = probe;
      callbacks.onRecording({ ...base, type: 'recordingFinished', id: 'rec-1', trigger: 'motion', path: this.recordingPath, startMs: T0, endMs: T0 + Math.round(durationSeconds * 1000), bytes: size, durationSeconds, codec, width, height });
      // The same report again (a retried message): still one row.
      callbacks.onRecording({ ...base, type: 'recordingFinished', id: 'rec-1', trigger: 'motion', path: this.recordingPath, startMs: T0, endMs: T0 + Math.round(durationSeconds * 1000), bytes: size, durationSeconds, codec, width, height });
      // Motion still going on when the worker stops: closed with the worker.
      callbacks.onMotion({ ...base, type: 'motionStarted', at: T0 + 60_000, score: 0.3, boxes: [] });
    };
    const running = script();
    return {
      pid: undefined,
      startedAt: Date.now(),
      update: () => undefined,
      record: () => undefined,
      stop: async () => {
        await running;
        setImmediate(() => callbacks.onExit({ code: 0, signal: null }));
      },
      usage: () => undefined,
    };
  }
}

async function startController(runtime: Runtime): Promise<Controller> {
  const config = loadConfig({ flags: { manifests: join(root, 'manifests'), storage, listen: '127.0.0.1:0', logLevel: 'fatal' }, workingDirectory: root });
  controller = await Controller.start({ config, runtime });
  return controller;
}

describe('the controller and the recordings index', () => {
  it('reconciles storage before any worker starts, exports the counts, and warns of lost files', async () => {
    // Left by an earlier run: a recording with no row, and a file that does not play.
    const orphan = recordingRelativePath('porch', T0 - 3_600_000);
    await mkdir(dirname(join(storage, orphan)), { recursive: true });
    await copyFile(clip, join(storage, orphan));
    const broken = recordingRelativePath('porch', T0 - 1_800_000);
    await writeFile(join(storage, broken), 'not a video');

    const runtime = new ScriptedRuntime(recordingRelativePath('porch', T0));
    const indexedBeforeTheWorker: boolean[] = [];
    runtime.onStart = () => {
      const reader = RecordingsIndex.open(storage);
      indexedBeforeTheWorker.push(reader.getRecordingByPath(orphan) !== undefined);
      reader.close();
    };
    const started = await startController(runtime);
    const metrics = await (await fetch(`http://${started.api.address}/metrics`)).text();
    expect(metrics).toContain('camlet_index_reconciled_total{outcome="indexed"} 1');
    expect(metrics).toContain('camlet_index_reconciled_total{outcome="lost_and_found"} 1');
    expect(metrics).toContain('camlet_index_reconciled_total{outcome="missing"} 0');
    expect(metrics).toContain('camlet_index_reconciled_total{outcome="deletion_finished"} 0');
    expect(metrics).toContain('camlet_index_write_failures_total 0');
    const events = (await (await fetch(`http://${started.api.address}/apis/camlet.dev/v1/events`)).json()) as { items: { reason: string; type: string; message: string; involvedObject: { name: string } }[] };
    const lost = events.items.find((e) => e.reason === 'RecordingLostAndFound');
    expect(lost).toMatchObject({ type: 'Warning', involvedObject: { name: 'porch' } });
    expect(lost?.message).toContain(broken);
    await expect(stat(join(storage, 'lost+found', broken))).resolves.toBeDefined();

    await waitUntil(() => runtime.started.length > 0, 10_000, 'the worker to start');
    expect(indexedBeforeTheWorker).toEqual([true]);
    await started.stop();
    controller = undefined;
    const index = RecordingsIndex.open(storage);
    try {
      expect(index.listRecordings({ order: 'oldest' }).items.map((r) => r.path)).toEqual([orphan, recordingRelativePath('porch', T0)]);
    } finally {
      index.close();
    }
  });

  it("indexes a worker's recordings and motion events as they are reported, and closes the index at stop", async () => {
    const path = recordingRelativePath('porch', T0);
    const runtime = new ScriptedRuntime(path);
    const started = await startController(runtime);
    const reader = RecordingsIndex.open(storage);
    try {
      await waitUntil(() => reader.getRecording('rec-1') !== undefined, 10_000, 'the recording to be indexed');
      expect(reader.listRecordings().items).toEqual([expect.objectContaining({ id: 'rec-1', camera: 'porch', path, startMs: T0, trigger: 'motion', codec: 'h264', state: 'complete' })]);
      const [motion, ongoing, ...others] = reader.motionEventsForCamera('porch');
      expect(others).toEqual([]);
      expect(motion).toEqual({ id: motion?.id, camera: 'porch', startMs: T0 + 500, endMs: T0 + 1000, peakScore: 0.2, boxes: [{ x: 0.5, y: 0.5, width: 0.25, height: 0.25 }], recordingId: 'rec-1' });
      expect(ongoing?.endMs).toBeUndefined();
    } finally {
      reader.close();
    }
    await started.stop();
    controller = undefined;
    // The last connection gone, SQLite folds the WAL into the file and removes it.
    await expect(stat(join(storage, 'camlet.db-wal'))).rejects.toThrow('ENOENT');
    const index = RecordingsIndex.open(storage);
    try {
      // The motion still going on when the worker stopped ended with it.
      expect(index.motionEventsForCamera('porch').every((e) => e.endMs !== undefined)).toBe(true);
    } finally {
      index.close();
    }
  });

  it('does not start when the index was written by a newer camlet, naming the file', async () => {
    await mkdir(storage, { recursive: true });
    const index = RecordingsIndex.open(storage);
    index.db.pragma('user_version = 999');
    index.close();
    await expect(startController(new ScriptedRuntime('x'))).rejects.toThrow(`${join(storage, 'camlet.db')}: the recordings index has schema version 999`);
    controller = undefined;
  });
});

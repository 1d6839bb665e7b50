// Crashes with real processes: crash-child.ts writes recordings (the worker's assembly, then the
// controller's row) or deletes them (mark, unlink, remove), and is SIGKILLed at a known step or
// at a random moment; then the index is opened again, as the next start would, and reconciled
// with storage. Nothing may be lost (every file has its row) and nothing doubled (one row per file).
import { copyFile, mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/logger.js';
import { recordingRelativePath } from '../../worker/recording/recording-path.js';
import { PROTOCOL_VERSION } from '../../worker/protocol.js';
import { CRASH_BASE_MS, crashRecordingId } from './crash-plan.js';
import { IndexSink } from './index-sink.js';
import { probeRecording } from './probe-recording.js';
import { reconcileStorage } from './reconcile-storage.js';
import { RecordingsIndex } from './recordings-index.js';
import { makeClip } from './test-media.js';
import { spawnTypeScript } from './typescript-child.js';

const CAMERA = 'yard';
const logger = createLogger('test', 'silent');
const NOTHING = { indexed: 0, lostAndFound: 0, missing: 0, deletionsFinished: 0, restored: 0 };

let media: string;
let clip: string;
let storage: string;

beforeAll(async () => {
  media = await mkdtemp(join(tmpdir(), 'camlet-crash-media-'));
  clip = join(media, 'clip.mp4');
  await makeClip(clip);
});
afterAll(() => rm(media, { recursive: true, force: true }));
beforeEach(async () => {
  storage = await mkdtemp(join(tmpdir(), 'camlet-crash-'));
});
afterEach(() => rm(storage, { recursive: true, force: true }));

/** crash-child.ts running, with the lines it has printed. */
function startChild(args: string[]) {
  const child = spawnTypeScript('controller/recordings/crash-child.ts', args);
  const lines: string[] = [];
  let stderr = '';
  let buffered = '';
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const counters: { count: number; resolve: () => void }[] = [];
  child.stdout?.setEncoding('utf8').on('data', (text: string) => {
    buffered += text;
    for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      lines.push(line);
      for (const waiter of waiters.filter((w) => w.pattern.test(line))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
      for (const counter of counters.filter((c) => lines.length >= c.count)) {
        counters.splice(counters.indexOf(counter), 1);
        counter.resolve();
      }
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    lines,
    exit,
    /** The first line (already printed or to come) that matches; fails if the child exits first. */
    waitFor(pattern: RegExp): Promise<string> {
      const seen = lines.find((line) => pattern.test(line));
      if (seen) return Promise.resolve(seen);
      return Promise.race([
        new Promise<string>((resolve) => waiters.push({ pattern, resolve })),
        exit.then(({ code, signal }) => {
          throw new Error(`crash-child exited (${code ?? signal}) before printing ${pattern}; stderr: ${stderr.slice(-2000)}`);
        }),
      ]);
    },
    /** Once `count` lines are printed, or the child has exited. */
    waitForLines(count: number): Promise<void> {
      if (lines.length >= count) return Promise.resolve();
      return Promise.race([new Promise<void>((resolve) => counters.push({ count, resolve })), exit.then(() => undefined)]);
    },
    async kill(): Promise<void> {
      child.kill('SIGKILL');
      const { signal } = await exit;
      // Exited on its own before the kill landed: the test would not test a crash.
      expect(signal, `stdout: ${lines.join(' | ')}; stderr: ${stderr.slice(-2000)}`).toBe('SIGKILL');
    },
  };
}

/** The recording files under the camera's folder, relative to storage. */
async function filesOnDisk(): Promise<string[]> {
  const files: string[] = [];
  const cameraFolder = join(storage, CAMERA);
  for (const day of await readdir(cameraFolder).catch(() => [])) {
    for (const file of await readdir(join(cameraFolder, day))) files.push(join(CAMERA, day, file));
  }
  return files.sort();
}

function rowsOf(index: RecordingsIndex) {
  return index.listRecordings({ limit: 1000, order: 'oldest' }).items;
}

/** n recordings of the clip, filed and indexed as a worker and the controller would have. */
async function seedRecordings(count: number): Promise<void> {
  const probe = await probeRecording(clip);
  if (!probe.playable) throw new Error(`the test clip is not playable: ${probe.reason}`);
  const { size } = await stat(clip);
  const index = RecordingsIndex.open(storage);
  for (let n = 0; n < count; n++) {
    const startMs = CRASH_BASE_MS + n * 60_000;
    const path = recordingRelativePath(CAMERA, startMs);
    await mkdir(join(storage, CAMERA, path.split('/')[1] ?? ''), { recursive: true });
    await copyFile(clip, join(storage, path));
    const { durationSeconds, codec, width, height } = probe;
    index.insertRecording({ id: crashRecordingId(n), camera: CAMERA, path, startMs, endMs: startMs + Math.round(durationSeconds * 1000), durationSeconds, bytes: size, codec, width, height, trigger: 'motion' });
  }
  index.close();
}

/** Opens the index as the next start does and reconciles it with storage. */
async function nextStart() {
  const index = RecordingsIndex.open(storage);
  const report = await reconcileStorage({ index, storage, logger });
  return { index, report };
}

describe('a crash between the file and its row', () => {
  it('leaves a whole file that the next start indexes once, and a late report of it stays one row', async () => {
    const child = startChild(['record', storage, clip, CAMERA, '0', '1', 'pause']);
    await child.waitFor(/^linked 0$/);
    await child.kill();

    const path = recordingRelativePath(CAMERA, CRASH_BASE_MS);
    expect(await filesOnDisk()).toEqual([path]);

    const { index, report } = await nextStart();
    try {
      expect(report.counts).toEqual({ ...NOTHING, indexed: 1 });
      const [row, ...others] = rowsOf(index);
      expect(others).toEqual([]);
      expect(row).toMatchObject({ camera: CAMERA, path, startMs: CRASH_BASE_MS, codec: 'h264', width: 320, height: 180, trigger: 'motion', state: 'complete' });
      expect(row?.durationSeconds).toBeCloseTo(2, 0);
      expect(row?.bytes).toBe((await stat(join(storage, path))).size);

      expect((await reconcileStorage({ index, storage, logger })).counts).toEqual(NOTHING);

      // The worker's report arriving after all (the same file, its own id): adopted, not doubled.
      const sink = new IndexSink(index, logger, () => {
        throw new Error('index write failed');
      });
      const { durationSeconds, bytes, codec, width, height } = row ?? expect.unreachable();
      sink.recording(CAMERA, { v: PROTOCOL_VERSION, type: 'recordingFinished', id: crashRecordingId(0), trigger: 'motion', path, startMs: CRASH_BASE_MS, endMs: CRASH_BASE_MS + 2000, durationSeconds, bytes, codec, width, height });
      expect(rowsOf(index).map((r) => [r.id, r.path])).toEqual([[crashRecordingId(0), path]]);
    } finally {
      index.close();
    }
  });

  it('killed at random moments while recording: after each next start every file has exactly one row and every committed row is kept', async () => {
    let next = 0;
    let before = 0;
    for (let round = 0; round < 3; round++) {
      const child = startChild(['record', storage, clip, CAMERA, String(next), '50']);
      // Somewhere in the second to fourth recording of this run: in ffmpeg, between link and row, or after.
      await child.waitFor(new RegExp(`^linked ${next + 1 + Math.floor(Math.random() * 3)}$`));
      await sleep(Math.random() * 150);
      await child.kill();
      const committed = child.lines.filter((l) => l.startsWith('committed ')).map((l) => Number(l.split(' ')[1]));
      const linked = child.lines.filter((l) => l.startsWith('linked ')).map((l) => Number(l.split(' ')[1]));

      const { index, report } = await nextStart();
      try {
        const files = await filesOnDisk();
        const rows = rowsOf(index);
        expect(report.counts.lostAndFound).toBe(0);
        expect(report.counts.missing).toBe(0);
        // One row per file, one file per row.
        expect(rows.map((r) => r.path).sort()).toEqual(files);
        expect(rows.every((r) => r.state === 'complete')).toBe(true);
        // What was committed keeps its id; what was only linked was found and indexed.
        for (const n of committed) expect(index.getRecording(crashRecordingId(n))?.path).toBe(recordingRelativePath(CAMERA, CRASH_BASE_MS + n * 60_000));
        for (const n of linked) expect(index.getRecordingByPath(recordingRelativePath(CAMERA, CRASH_BASE_MS + n * 60_000))).toBeDefined();
        // Only this run's files without a row were indexed: the earlier runs' are all known.
        expect(report.counts.indexed).toBe(files.length - before - committed.length);
        expect((await reconcileStorage({ index, storage, logger })).counts).toEqual(NOTHING);
        next = Math.max(...rows.map((r) => (r.startMs - CRASH_BASE_MS) / 60_000)) + 1;
        before = files.length;
      } finally {
        index.close();
      }
    }
    expect(await readdir(storage)).not.toContain('lost+found');
  });
});

describe('a crash in the middle of a deletion', () => {
  for (const pauseAt of ['marked', 'unlinked'] as const) {
    it(`killed once the row is marked deleting${pauseAt === 'unlinked' ? ' and the file unlinked' : ''}: the next start finishes the deletion`, async () => {
      await seedRecordings(3);
      const victim = crashRecordingId(1);
      const victimPath = recordingRelativePath(CAMERA, CRASH_BASE_MS + 60_000);
      const child = startChild(['delete', storage, pauseAt, victim]);
      await child.waitFor(new RegExp(`^${pauseAt} ${victim}$`));
      await child.kill();

      // What the crash left: the mark is committed; the file is there or not, by the step.
      expect((await filesOnDisk()).includes(victimPath)).toBe(pauseAt === 'marked');
      const { index, report } = await nextStart();
      try {
        expect(report.counts).toEqual({ ...NOTHING, deletionsFinished: 1 });
        expect(index.getRecording(victim)).toBeUndefined();
        expect(await filesOnDisk()).toEqual([recordingRelativePath(CAMERA, CRASH_BASE_MS), recordingRelativePath(CAMERA, CRASH_BASE_MS + 120_000)]);
        expect(rowsOf(index).map((r) => r.id)).toEqual([crashRecordingId(0), crashRecordingId(2)]);
        expect((await reconcileStorage({ index, storage, logger })).counts).toEqual(NOTHING);
      } finally {
        index.close();
      }
    });
  }

  it('the mark is committed before the file goes: a second connection sees it while the child is paused', async () => {
    await seedRecordings(1);
    const child = startChild(['delete', storage, 'marked', crashRecordingId(0)]);
    await child.waitFor(/^marked /);
    const reader = RecordingsIndex.open(storage);
    try {
      expect(reader.getRecording(crashRecordingId(0))?.state).toBe('deleting');
      expect(await filesOnDisk()).toHaveLength(1);
    } finally {
      reader.close();
      await child.kill();
    }
  });

  it('killed at random moments while deleting: after the next start, rows and files still match one to one', async () => {
    // Enough that the kill, a few milliseconds after the chosen line, lands while deletions go on.
    const count = 30;
    for (let round = 0; round < 3; round++) {
      await rm(storage, { recursive: true, force: true });
      await mkdir(storage);
      await seedRecordings(count);
      const ids = Array.from({ length: count }, (_, n) => crashRecordingId(n));
      const child = startChild(['delete', storage, '-', ...ids]);
      // Three lines (marked, unlinked, removed) per recording; killed after a random one in the first half.
      await child.waitForLines(1 + Math.floor(Math.random() * 1.5 * count));
      await child.kill();
      const marked = child.lines.filter((l) => l.startsWith('marked ')).map((l) => l.split(' ')[1] ?? '');

      const { index, report } = await nextStart();
      try {
        const rows = rowsOf(index);
        expect(rows.map((r) => r.path).sort()).toEqual(await filesOnDisk());
        // A deletion that had begun is finished; one that had not is not started.
        for (const id of marked) expect(index.getRecording(id)).toBeUndefined();
        // The rest are untouched, but for one whose mark was committed just before the kill, unreported.
        expect(rows.length === count - marked.length || rows.length === count - marked.length - 1).toBe(true);
        expect(report.counts.indexed + report.counts.missing + report.counts.lostAndFound).toBe(0);
        expect((await reconcileStorage({ index, storage, logger })).counts).toEqual(NOTHING);
      } finally {
        index.close();
      }
    }
  });
});

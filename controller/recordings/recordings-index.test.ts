// The repository on a real SQLite file: idempotent inserts, states, totals, keyset pages,
// motion events and their links to recordings, and the query plans the indexes are there for.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordingRelativePath } from '../../worker/recording/recording-path.js';
import { ContinueTokenError } from './continue-token.js';
import { idForPath } from './derived-id.js';
import { RecordingsIndex } from './recordings-index.js';
import { listStatement } from './recordings-table.js';
import type { NewRecording, RecordingTrigger } from './types.js';

const T0 = Date.UTC(2025, 5, 1, 12, 0, 0);
const NOW = Date.UTC(2025, 5, 2);

let folder: string;
let index: RecordingsIndex;

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'camlet-index-'));
  index = RecordingsIndex.open(folder, { now: () => NOW });
});
afterEach(async () => {
  index.close();
  await rm(folder, { recursive: true, force: true });
});

function recording(camera: string, startMs: number, seconds = 10, trigger: RecordingTrigger = 'motion', attempt = 0): NewRecording {
  const path = recordingRelativePath(camera, startMs, attempt);
  return { id: `${camera}-${startMs}-${attempt}`, camera, path, startMs, endMs: startMs + seconds * 1000, durationSeconds: seconds, bytes: seconds * 100_000, codec: 'h264', width: 1280, height: 720, trigger };
}

describe('recordings', () => {
  it('are inserted once: the same id twice is one row', () => {
    const r = recording('porch', T0);
    expect(index.insertRecording(r)).toEqual({ outcome: 'inserted', linkedMotionEvents: 0 });
    expect(index.insertRecording(r)).toEqual({ outcome: 'exists', linkedMotionEvents: 0 });
    expect(index.insertRecording({ ...r, bytes: 1 })).toEqual({ outcome: 'exists', linkedMotionEvents: 0 });
    expect(index.listRecordings().items).toEqual([{ ...r, state: 'complete', createdMs: NOW }]);
    expect(index.getRecording(r.id)).toEqual({ ...r, state: 'complete', createdMs: NOW });
    expect(index.getRecording('nope')).toBeUndefined();
  });

  it('survive closing and opening the file again', () => {
    const r = recording('porch', T0);
    index.insertRecording(r);
    index.close();
    index = RecordingsIndex.open(folder);
    expect(index.getRecording(r.id)?.path).toBe(r.path);
  });

  it('are refused with the field and value named when the report is wrong, above all a path leaving storage', () => {
    const r = recording('porch', T0);
    expect(() => index.insertRecording({ ...r, path: '../etc/passwd.mp4' })).toThrow(`recording "${r.id}": path "../etc/passwd.mp4" must be a normalised path relative to the storage folder`);
    expect(() => index.insertRecording({ ...r, path: '/tmp/porch/x.mp4' })).toThrow('path "/tmp/porch/x.mp4" must be a normalised path');
    expect(() => index.insertRecording({ ...r, path: 'porch/../gate/x.mp4' })).toThrow('must be a normalised path');
    expect(() => index.insertRecording({ ...r, path: 'gate/2025-06-01/x.mp4' })).toThrow(`path "gate/2025-06-01/x.mp4" must lie in the camera's folder (porch/)`);
    expect(() => index.insertRecording({ ...r, endMs: r.startMs - 1 })).toThrow(`endMs ${r.startMs - 1} is before startMs (${r.startMs})`);
    expect(() => index.insertRecording({ ...r, trigger: 'sometimes' as RecordingTrigger })).toThrow('trigger "sometimes" must be one of motion, continuous, manual');
    expect(() => index.insertRecording({ ...r, camera: 'Porch' })).toThrow('camera "Porch" is not a DNS-1123 label');
    expect(index.listRecordings().items).toEqual([]);
  });

  it('take over the row the start-up reconciliation made for their file, with the motion events linked to it', () => {
    const reported = recording('porch', T0, 10, 'continuous');
    const found = { ...reported, id: idForPath(reported.path), trigger: 'motion' as const, startMs: T0 - 400 };
    const motion = index.startMotion({ camera: 'porch', startMs: T0 + 2000, score: 0.1, boxes: [] });
    expect(index.insertRecording(found)).toEqual({ outcome: 'inserted', linkedMotionEvents: 1 });
    expect(index.insertRecording(reported)).toEqual({ outcome: 'adopted', linkedMotionEvents: 0 });
    expect(index.listRecordings().items.map((r) => [r.id, r.trigger, r.startMs])).toEqual([[reported.id, 'continuous', T0]]);
    // ON UPDATE CASCADE: the event follows the row's new id.
    expect(index.getMotionEvent(motion)?.recordingId).toBe(reported.id);
  });

  it('move through deleting and missing, and are removed', () => {
    const a = recording('porch', T0);
    const b = recording('porch', T0 + 60_000);
    index.insertRecording(a);
    index.insertRecording(b);
    expect(index.markDeleting(a.id)).toBe(true);
    expect(index.markMissing(b.id)).toBe(true);
    expect(index.markMissing('nope')).toBe(false);
    expect(index.recordingsInState('deleting').map((r) => r.id)).toEqual([a.id]);
    expect(index.recordingsInState('missing').map((r) => r.id)).toEqual([b.id]);
    expect(index.markComplete(b.id)).toBe(true);
    expect(index.removeRecording(a.id)).toBe(true);
    expect(index.removeRecording(a.id)).toBe(false);
    expect(index.listRecordings().items.map((r) => [r.id, r.state])).toEqual([[b.id, 'complete']]);
  });

  it('a path that is being deleted is not taken over by another report', () => {
    const a = recording('porch', T0);
    index.insertRecording(a);
    index.markDeleting(a.id);
    expect(index.insertRecording({ ...a, id: 'another' }).outcome).toBe('conflict');
    expect(index.getRecording('another')).toBeUndefined();
  });

  it('are totalled per camera, complete ones only', () => {
    index.insertRecording(recording('porch', T0, 10));
    index.insertRecording(recording('porch', T0 + 60_000, 20));
    index.insertRecording(recording('gate', T0, 5));
    const gone = recording('gate', T0 + 60_000, 50);
    index.insertRecording(gone);
    index.markMissing(gone.id);
    expect(index.totalsByCamera()).toEqual([
      { camera: 'gate', count: 1, bytes: 500_000 },
      { camera: 'porch', count: 2, bytes: 3_000_000 },
    ]);
  });
});

describe('listing recordings', () => {
  beforeEach(() => {
    // porch: one an hour for 10 hours, every third continuous; gate: two at the same millisecond (ties on start_ms).
    for (let h = 0; h < 10; h++) index.insertRecording(recording('porch', T0 + h * 3_600_000, 60, h % 3 === 0 ? 'continuous' : 'motion'));
    index.insertRecording(recording('gate', T0 + 30 * 60_000, 30));
    index.insertRecording(recording('gate', T0 + 30 * 60_000, 30, 'motion', 1));
  });

  /** Every page's ids, following the continue tokens. */
  function pages(query: Parameters<RecordingsIndex['listRecordings']>[0]): string[][] {
    const all: string[][] = [];
    let token: string | undefined;
    do {
      const page = index.listRecordings({ ...query, ...(token ? { continue: token } : {}) });
      all.push(page.items.map((r) => r.id));
      token = page.continue;
    } while (token);
    return all;
  }

  it('goes newest first by default, in pages that neither skip nor repeat a row, ties included', () => {
    const everything = index.listRecordings({ limit: 1000 }).items.map((r) => r.id);
    expect(everything).toHaveLength(12);
    const starts = index.listRecordings({ limit: 1000 }).items.map((r) => r.startMs);
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
    for (const limit of [1, 2, 3, 5, 11, 12]) {
      const paged = pages({ limit });
      expect(paged.flat()).toEqual(everything);
      expect(paged.slice(0, -1).every((p) => p.length === limit)).toBe(true);
    }
    expect(pages({ limit: 4, order: 'oldest' }).flat()).toEqual([...everything].reverse());
  });

  it('filters by camera, trigger, state and the time range a recording overlaps', () => {
    expect(index.listRecordings({ camera: 'gate' }).items.map((r) => r.id)).toEqual([`gate-${T0 + 1_800_000}-1`, `gate-${T0 + 1_800_000}-0`]);
    expect(index.listRecordings({ camera: 'porch', trigger: 'continuous', order: 'oldest' }).items.map((r) => r.startMs)).toEqual([0, 3, 6, 9].map((h) => T0 + h * 3_600_000));
    // [T0 + 2h + 30 s, T0 + 4h): the 2 h recording (ends at +2h+60s) overlaps; the 4 h one starts at `to`: out.
    const from = T0 + 2 * 3_600_000 + 30_000;
    expect(index.listRecordings({ camera: 'porch', from, to: T0 + 4 * 3_600_000, order: 'oldest' }).items.map((r) => r.startMs)).toEqual([T0 + 2 * 3_600_000, T0 + 3 * 3_600_000]);
    index.markMissing(`porch-${T0}-0`);
    expect(index.listRecordings({ state: 'missing' }).items.map((r) => r.id)).toEqual([`porch-${T0}-0`]);
    expect(pages({ camera: 'porch', trigger: 'motion', limit: 2 }).flat()).toHaveLength(6);
  });

  it('finds a long recording that began well before `from`', () => {
    const long = recording('porch', T0 - 24 * 3_600_000, 30 * 3_600);
    index.insertRecording(long);
    // Between two of the hourly recordings: only the long one covers this millisecond.
    const at = T0 + 5 * 3_600_000 + 120_000;
    expect(index.listRecordings({ camera: 'porch', from: at, to: at + 1 }).items.map((r) => r.id)).toEqual([long.id]);
  });

  it('refuses a token used with other filters, a token it did not make, and limits out of range', () => {
    const { continue: token } = index.listRecordings({ camera: 'porch', limit: 2 });
    expect(token).toBeDefined();
    expect(() => index.listRecordings({ camera: 'gate', limit: 2, continue: token })).toThrow(ContinueTokenError);
    expect(() => index.listRecordings({ camera: 'porch', limit: 2, order: 'oldest', continue: token })).toThrow('the token was made for a list with other filters or order');
    // The page size may change between pages, as in Kubernetes.
    expect(index.listRecordings({ camera: 'porch', limit: 3, continue: token }).items).toHaveLength(3);
    expect(() => index.listRecordings({ continue: 'garbage!' })).toThrow('continue: "garbage!" is not a continue token this server made');
    expect(() => index.listRecordings({ continue: Buffer.from('{"v":1}').toString('base64url') })).toThrow(ContinueTokenError);
    expect(() => index.listRecordings({ limit: 0 })).toThrow('limit 0 must be an integer from 1 to 1000');
    expect(() => index.listRecordings({ limit: 1001 })).toThrow('limit 1001 must be an integer from 1 to 1000');
    expect(() => index.listRecordings({ from: 1.5 })).toThrow('from 1.5 must be an integer (epoch ms)');
  });

  it('walks an index, never the whole table, and never sorts in a temporary b-tree', () => {
    const plan = (query: Parameters<typeof listStatement>[0]) => {
      const { sql, params } = listStatement(query);
      return (index.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[]).map((row) => row.detail).join('\n');
    };
    const { continue: token } = index.listRecordings({ camera: 'porch', from: T0, to: T0 + 86_400_000, limit: 2 });
    const byCamera = plan({ camera: 'porch', from: T0, to: T0 + 86_400_000, limit: 2, continue: token });
    expect(byCamera).toContain('USING INDEX recordings_by_camera_start (camera=? AND start_ms>? AND start_ms<?)');
    expect(byCamera).toContain('recordings_by_span'); // the longest span, read from its index
    const allCameras = plan({ to: T0 + 86_400_000, order: 'oldest' });
    expect(allCameras).toContain('USING INDEX recordings_by_start');
    for (const p of [byCamera, allCameras, plan({ camera: 'gate' }), plan({ trigger: 'motion', from: T0 })]) {
      expect(p).not.toMatch(/SCAN recordings(?! USING)/);
      expect(p).not.toContain('TEMP B-TREE');
    }
    const motion = (index.db.prepare('EXPLAIN QUERY PLAN SELECT * FROM motion_events WHERE camera = ? AND start_ms >= ? AND start_ms < ? ORDER BY start_ms, id').all('porch', 0, 1) as { detail: string }[])
      .map((row) => row.detail)
      .join('\n');
    expect(motion).toContain('USING INDEX motion_events_by_camera_start');
    expect(motion).not.toContain('TEMP B-TREE');
  });
});

describe('motion events', () => {
  it('open at motionStarted and close at motionEnded, keeping the peak score', () => {
    const boxes = [{ x: 0.1, y: 0.2, width: 0.3, height: 0.4 }];
    const id = index.startMotion({ camera: 'porch', startMs: T0, score: 0.2, boxes });
    expect(index.getMotionEvent(id)).toEqual({ id, camera: 'porch', startMs: T0, peakScore: 0.2, boxes });
    expect(index.endMotion({ camera: 'porch', startMs: T0, endMs: T0 + 5000, peakScore: 0.6 })).toBe('closed');
    expect(index.getMotionEvent(id)).toEqual({ id, camera: 'porch', startMs: T0, endMs: T0 + 5000, peakScore: 0.6, boxes });
    expect(index.endMotion({ camera: 'porch', startMs: T0, endMs: T0 + 5000, peakScore: 0.6 })).toBe('already-closed');
    expect(index.motionEventsForCamera('porch')).toHaveLength(1);
  });

  it('are written whole at motionEnded when their start was never written', () => {
    expect(index.endMotion({ camera: 'gate', startMs: T0, endMs: T0 + 3000, peakScore: 0.3 })).toBe('inserted');
    expect(index.motionEventsForCamera('gate')).toEqual([{ id: 1, camera: 'gate', startMs: T0, endMs: T0 + 3000, peakScore: 0.3, boxes: [] }]);
  });

  it('still open when the worker goes are closed at that moment, for that camera only', () => {
    index.startMotion({ camera: 'porch', startMs: T0, score: 0.2, boxes: [] });
    index.startMotion({ camera: 'gate', startMs: T0, score: 0.2, boxes: [] });
    expect(index.closeOpenMotion('porch', T0 + 7000)).toBe(1);
    expect(index.motionEventsForCamera('porch')[0]?.endMs).toBe(T0 + 7000);
    expect(index.motionEventsForCamera('gate')[0]?.endMs).toBeUndefined();
  });

  it('are linked to the recording that holds them when it is committed, and unlinked when it is removed', () => {
    const inside = index.startMotion({ camera: 'porch', startMs: T0 + 5000, score: 0.2, boxes: [] });
    index.endMotion({ camera: 'porch', startMs: T0 + 5000, endMs: T0 + 8000, peakScore: 0.3 });
    const stillGoing = index.startMotion({ camera: 'porch', startMs: T0 + 9000, score: 0.2, boxes: [] });
    const before = index.startMotion({ camera: 'porch', startMs: T0 - 60_000, score: 0.2, boxes: [] });
    index.endMotion({ camera: 'porch', startMs: T0 - 60_000, endMs: T0 - 50_000, peakScore: 0.3 });
    const otherCamera = index.startMotion({ camera: 'gate', startMs: T0 + 5000, score: 0.2, boxes: [] });
    const r = recording('porch', T0, 10);
    expect(index.insertRecording(r)).toEqual({ outcome: 'inserted', linkedMotionEvents: 2 });
    expect(index.motionEventsOf(r.id).map((e) => e.id)).toEqual([inside, stillGoing]);
    expect(index.getMotionEvent(before)?.recordingId).toBeUndefined();
    expect(index.getMotionEvent(otherCamera)?.recordingId).toBeUndefined();
    // The motion going on into the next (continuous) file stays with the first.
    const next = recording('porch', T0 + 10_000, 10);
    expect(index.insertRecording(next).linkedMotionEvents).toBe(0);
    expect(index.removeRecording(r.id)).toBe(true);
    expect(index.getMotionEvent(inside)).toMatchObject({ id: inside, startMs: T0 + 5000 });
    expect(index.getMotionEvent(inside)?.recordingId).toBeUndefined();
  });

  it('refuse what SQLite must never hold: a score above 1, an end before the start', () => {
    expect(() => index.startMotion({ camera: 'porch', startMs: T0, score: 1.5, boxes: [] })).toThrow(/CHECK constraint failed/);
    index.startMotion({ camera: 'porch', startMs: T0, score: 0.5, boxes: [] });
    // Closed at its start, not before it.
    index.endMotion({ camera: 'porch', startMs: T0, endMs: T0 - 10, peakScore: 0.5 });
    expect(index.motionEventsForCamera('porch')[0]?.endMs).toBe(T0);
  });
});

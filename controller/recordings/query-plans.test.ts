// The query plans of what the API, the timeline and retention ask of a large index, on a real
// SQLite file: each reads a range of an index (covering, where a whole site's day is read), and
// none walks a whole table or everything a camera ever recorded. Each of these was measured
// slow by bench:index before its index or its `+` was there.
import type { Statement } from 'better-sqlite3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { motionListStatement } from './motion-events-list.js';
import { RecordingsIndex } from './recordings-index.js';
import { listStatement } from './recordings-table.js';

let folder: string;
let index: RecordingsIndex;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'camlet-plans-'));
  index = RecordingsIndex.open(folder);
});
afterEach(async () => {
  index.close();
  await rm(folder, { recursive: true, force: true });
});

const plan = (sql: string, params: unknown = {}) =>
  (index.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params as Record<string, unknown>) as { detail: string }[]).map((row) => row.detail).join('\n');
/** A statement the index prepared and keeps to itself. */
const internal = (path: string[]) => path.reduce<unknown>((object, key) => Reflect.get(object as object, key), index) as Statement;
/** What the timeline runs, caught as it prepares it. */
function timelineSql(query: Parameters<RecordingsIndex['timeline']>[0]): string[] {
  const prepared: string[] = [];
  const prepare = index.db.prepare.bind(index.db);
  index.db.prepare = ((sql: string) => {
    prepared.push(sql);
    return prepare(sql);
  });
  try {
    index.timeline(query);
  } finally {
    index.db.prepare = prepare;
  }
  return prepared;
}

describe('query plans', () => {
  it('a label selector (a set of cameras) walks the time index in order: no sort of every row of those cameras', () => {
    for (const query of [{ cameras: ['a', 'b', 'c'] }, { cameras: ['a', 'b'], from: 1 }, { excludeCameras: ['a'] }]) {
      const { sql, params } = listStatement({ ...query, limit: 100 });
      const text = plan(sql, params);
      expect(text).toMatch(/USING (COVERING )?INDEX recordings_by_start/);
      expect(text).not.toContain('TEMP B-TREE');
    }
    const { sql, params } = listStatement({ cameras: ['a'], limit: 100 });
    expect(plan(sql, params)).toContain('USING INDEX recordings_by_camera_start (camera=?)');
  });

  it('motion event pages read a range of an index, by camera or by time', () => {
    const byCamera = motionListStatement({ camera: 'a', from: 1, to: 2, limit: 100 });
    expect(plan(byCamera.sql, byCamera.params)).toContain('USING INDEX motion_events_by_camera_start (camera=? AND start_ms>? AND start_ms<?)');
    const byTime = motionListStatement({ from: 1, to: 2, limit: 100 });
    expect(plan(byTime.sql, byTime.params)).toContain('INDEX motion_events_by_start (start_ms>? AND start_ms<?)');
    for (const statement of [byCamera, byTime]) expect(plan(statement.sql, statement.params)).not.toContain('TEMP B-TREE');
  });

  it("a whole site's timeline reads covering indexes only; one camera's, its (camera, start) indexes", () => {
    const [spans, motion] = timelineSql({ fromMs: 1, toMs: 2, resolutionMs: 1 });
    expect(plan(spans as string, { from: 1, to: 2 })).toContain('SEARCH recordings USING COVERING INDEX recordings_by_start (start_ms>? AND start_ms<?)');
    expect(plan(motion as string, { from: 1, to: 2 })).toContain('SEARCH motion_events USING COVERING INDEX motion_events_by_start (start_ms>? AND start_ms<?)');
    const [oneSpans, oneMotion] = timelineSql({ camera: 'a', fromMs: 1, toMs: 2, resolutionMs: 1 });
    expect(plan(oneSpans as string, { from: 1, to: 2, camera: 'a' })).toContain('recordings_by_camera_start (camera=? AND start_ms>? AND start_ms<?)');
    expect(plan(oneMotion as string, { from: 1, to: 2, camera: 'a' })).toContain('motion_events_by_camera_start (camera=? AND start_ms>? AND start_ms<?)');
    for (const sql of [spans, motion, oneSpans, oneMotion]) expect(plan(sql as string, { from: 1, to: 2, camera: 'a' })).not.toContain('TEMP B-TREE');
  });

  it("linking a recording to motion still going on reads the open events' index, not every event of the camera", () => {
    const linkOpen = internal(['motion', 'linkOpen']);
    expect(plan(linkOpen.source, { id: 'r', camera: 'a', endMs: 5 })).toBe('SEARCH motion_events USING INDEX motion_events_open (camera=?)');
  });

  it('per-camera totals and the rows needing attention come from small or covering indexes', () => {
    expect(plan(internal(['recordings', 'totalRows']).source)).toBe('SCAN recordings USING COVERING INDEX recordings_totals');
    expect(plan(internal(['recordings', 'cameraTotalRow']).source, ['a'])).toBe('SEARCH recordings USING COVERING INDEX recordings_totals (camera=? AND state=?)');
    expect(plan(internal(['recordings', 'inStateRows']).source, ['deleting'])).toContain('SEARCH recordings USING INDEX recordings_not_complete (state=?)');
  });
});

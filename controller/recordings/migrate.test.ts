// Schema steps on real SQLite files: a new index, an upgrade from every earlier version with rows
// that must survive it, a newer index refused, a failing step rolled back whole.
import Database from 'better-sqlite3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from './migrate.js';
import { openIndexDatabase } from './open-database.js';
import { RecordingsIndex } from './recordings-index.js';
import { LATEST_VERSION, MIGRATIONS, type Migration } from './schema.js';

let folder: string;
let file: string;

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'camlet-migrate-'));
  file = join(folder, 'camlet.db');
});
afterEach(() => rm(folder, { recursive: true, force: true }));

/** Rows written at each version, with that version's tables, as a camlet of that version would. */
const ROWS_AT: Record<number, (db: Database.Database) => void> = {
  1: (db) =>
    db
      .prepare(
        `INSERT INTO recordings (id, camera, path, start_ms, end_ms, duration_seconds, bytes, codec, width, height, trigger, state, created_ms)
         VALUES ('r1', 'porch', 'porch/2025-03-01/porch-20250301T101500Z.mp4', 1740824100000, 1740824112000, 12.0, 123456, 'h264', 1920, 1080, 'motion', 'complete', 1740824113000)`,
      )
      .run(),
  2: (db) => db.prepare(`INSERT INTO motion_events (camera, start_ms, end_ms, peak_score, boxes, recording_id) VALUES ('porch', 1740824104000, 1740824107000, 0.25, '[{"x":0.1,"y":0.2,"width":0.3,"height":0.4}]', 'r1')`).run(),
  3: (db) => db.prepare("INSERT INTO camera_presets (camera, name, pan, tilt, zoom) VALUES ('porch', 'gate', 0.5, -0.25, 2)").run(),
};

describe('schema migrations', () => {
  it('make a new index at the newest version, in WAL mode with synchronous=FULL and foreign keys on', () => {
    const index = RecordingsIndex.openFile(file);
    try {
      expect(index.migration).toEqual({ from: 0, to: LATEST_VERSION });
      expect(schemaVersion(index.db)).toBe(LATEST_VERSION);
      expect(index.db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(index.db.pragma('synchronous', { simple: true })).toBe(2); // FULL
      expect(index.db.pragma('foreign_keys', { simple: true })).toBe(1);
      const tables = index.db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all();
      expect(tables).toEqual(['camera_presets', 'motion_events', 'recordings']);
    } finally {
      index.close();
    }
    // Opened again: nothing to apply.
    const again = RecordingsIndex.openFile(file);
    expect(again.migration).toEqual({ from: LATEST_VERSION, to: LATEST_VERSION });
    again.close();
  });

  it('are numbered 1, 2, 3… in order, one table each', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(Array.from({ length: LATEST_VERSION }, (_, i) => i + 1));
  });

  for (let version = 0; version < LATEST_VERSION; version++) {
    it(`upgrade an index of version ${version} to ${LATEST_VERSION}, keeping its rows`, () => {
      const { db } = openIndexDatabase(file, version);
      for (let v = 1; v <= version; v++) ROWS_AT[v]?.(db);
      expect(schemaVersion(db)).toBe(version);
      db.close();

      const index = RecordingsIndex.openFile(file);
      try {
        expect(index.migration).toEqual({ from: version, to: LATEST_VERSION });
        if (version >= 1) {
          expect(index.getRecording('r1')).toEqual({
            id: 'r1',
            camera: 'porch',
            path: 'porch/2025-03-01/porch-20250301T101500Z.mp4',
            startMs: 1740824100000,
            endMs: 1740824112000,
            durationSeconds: 12,
            bytes: 123456,
            codec: 'h264',
            width: 1920,
            height: 1080,
            trigger: 'motion',
            state: 'complete',
            createdMs: 1740824113000,
          });
        }
        if (version >= 2) {
          expect(index.motionEventsOf('r1')).toEqual([
            { id: 1, camera: 'porch', startMs: 1740824104000, endMs: 1740824107000, peakScore: 0.25, boxes: [{ x: 0.1, y: 0.2, width: 0.3, height: 0.4 }], recordingId: 'r1' },
          ]);
        }
        if (version >= 3) {
          expect(index.db.prepare('SELECT camera, name, pan, tilt, zoom FROM camera_presets').all()).toEqual([{ camera: 'porch', name: 'gate', pan: 0.5, tilt: -0.25, zoom: 2 }]);
        }
        // Every table of the newest schema works, whatever the version the file started at.
        for (let v = version + 1; v <= LATEST_VERSION; v++) ROWS_AT[v]?.(index.db);
        expect(index.db.prepare('SELECT count(*) FROM recordings').pluck().get()).toBe(1);
        expect(index.listRecordings({ camera: 'porch' }).items.map((r) => r.id)).toEqual(['r1']);
      } finally {
        index.close();
      }
    });
  }

  it('refuse an index written by a newer camlet, naming the file and both versions', () => {
    const db = new Database(file);
    db.pragma(`user_version = ${LATEST_VERSION + 1}`);
    db.close();
    expect(() => RecordingsIndex.openFile(file)).toThrow(`${file}: the recordings index has schema version ${LATEST_VERSION + 1}, newer than this camlet knows (${LATEST_VERSION})`);
    // And leave it as it was.
    const after = new Database(file);
    expect(after.pragma('user_version', { simple: true })).toBe(LATEST_VERSION + 1);
    after.close();
  });

  it('roll a failing step back whole: the index stays at the step before, and the error names the step', () => {
    const steps: Migration[] = [
      { version: 1, name: 'first', sql: 'CREATE TABLE a (x INTEGER) STRICT;' },
      { version: 2, name: 'broken', sql: 'CREATE TABLE b (x INTEGER) STRICT; INSERT INTO nowhere VALUES (1);' },
    ];
    const db = new Database(file);
    try {
      expect(() => migrate(db, file, steps)).toThrow(`${file}: schema step 2 (broken) failed, the index stays at version 1: no such table: nowhere`);
      expect(schemaVersion(db)).toBe(1);
      expect(db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all()).toEqual(['a']);
    } finally {
      db.close();
    }
  });

  it('refuse steps numbered out of order', () => {
    const db = new Database(file);
    try {
      expect(() => migrate(db, file, [{ version: 2, name: 'skipped', sql: '' }])).toThrow('schema step 0 (skipped) has version 2, expected 1');
    } finally {
      db.close();
    }
  });
});

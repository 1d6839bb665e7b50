/**
 * The recordings index's schema, as numbered steps. `PRAGMA user_version` holds the number of
 * the last step applied; opening a database applies the steps after it, each in a transaction
 * of its own together with its new user_version, so that a crash mid-upgrade leaves the
 * database at the step before, never half-way through one.
 *
 * A step, once released, is never edited: a change is a new step at the end. The steps are
 * split by table (rather than one "create everything" step) so that the upgrade from every
 * earlier version is exercised from the first release on (migrate.test.ts).
 *
 * Tables are STRICT: a value of the wrong type (a path stored as a number, a start as text)
 * is refused by SQLite instead of being kept and misread later.
 */
export interface Migration {
  /** The user_version this step brings the database to (1, 2, 3, … in order). */
  version: number;
  /** What it does, for the log and for errors. */
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'recordings',
    sql: `
      CREATE TABLE recordings (
        -- The worker's recording id (a UUID); files indexed by the start-up reconciliation get one derived from their path.
        id TEXT PRIMARY KEY NOT NULL,
        camera TEXT NOT NULL,
        -- Relative to the storage folder, as <camera>/<YYYY-MM-DD>/<camera>-<YYYYMMDDTHHMMSSZ>.mp4. Never absolute: storage may move.
        path TEXT NOT NULL UNIQUE,
        -- UTC epoch milliseconds.
        start_ms INTEGER NOT NULL,
        end_ms INTEGER NOT NULL,
        duration_seconds REAL NOT NULL,
        bytes INTEGER NOT NULL,
        codec TEXT NOT NULL,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        trigger TEXT NOT NULL,
        -- complete: the file is there. deleting: its deletion has begun (the file may be gone). missing: the file was not found.
        state TEXT NOT NULL DEFAULT 'complete',
        created_ms INTEGER NOT NULL,
        CHECK (trigger IN ('motion', 'continuous', 'manual')),
        CHECK (state IN ('complete', 'deleting', 'missing')),
        CHECK (end_ms >= start_ms AND duration_seconds >= 0 AND bytes >= 0 AND width >= 0 AND height >= 0)
      ) STRICT;
      -- One camera's recordings in time order (lists, timelines, retention); id breaks ties for keyset pagination.
      CREATE INDEX recordings_by_camera_start ON recordings (camera, start_ms, id);
      -- Every camera's in time order (lists across cameras, retention by free space: oldest first).
      CREATE INDEX recordings_by_start ON recordings (start_ms, id);
      -- The longest recording in O(log n): a query for recordings overlapping [from, to) needs
      -- a lower bound on start_ms (from minus the longest span) to use the indexes above.
      CREATE INDEX recordings_by_span ON recordings (end_ms - start_ms);
      -- Rows that need attention (deleting, missing) are few: the start-up reconciliation finds them without a scan.
      CREATE INDEX recordings_not_complete ON recordings (state) WHERE state <> 'complete';
    `,
  },
  {
    version: 2,
    name: 'motion_events',
    sql: `
      CREATE TABLE motion_events (
        id INTEGER PRIMARY KEY,
        camera TEXT NOT NULL,
        start_ms INTEGER NOT NULL,
        -- NULL while the motion goes on.
        end_ms INTEGER,
        peak_score REAL NOT NULL,
        -- The regions that moved when the motion started: a JSON array of {x, y, width, height}, fractions of the picture.
        boxes TEXT NOT NULL DEFAULT '[]',
        -- The recording that holds it, once that recording is committed (a recording in progress has no row yet).
        -- Follows the recording's id when a reported recording takes over a row the reconciliation made for its file.
        recording_id TEXT REFERENCES recordings (id) ON DELETE SET NULL ON UPDATE CASCADE,
        CHECK (end_ms IS NULL OR end_ms >= start_ms),
        CHECK (peak_score >= 0 AND peak_score <= 1),
        CHECK (json_valid(boxes) AND json_type(boxes) = 'array')
      ) STRICT;
      CREATE INDEX motion_events_by_camera_start ON motion_events (camera, start_ms, id);
      -- For ON DELETE SET NULL and for a recording's motion events; most rows link to one.
      CREATE INDEX motion_events_by_recording ON motion_events (recording_id) WHERE recording_id IS NOT NULL;
      -- Motion going on now: closed when it ends, linked when a recording is committed.
      CREATE INDEX motion_events_open ON motion_events (camera) WHERE end_ms IS NULL;
    `,
  },
  {
    version: 3,
    name: 'camera_presets',
    sql: `
      -- PTZ positions by name, for the PTZ control to come.
      CREATE TABLE camera_presets (
        camera TEXT NOT NULL,
        name TEXT NOT NULL,
        pan REAL NOT NULL,
        tilt REAL NOT NULL,
        zoom REAL NOT NULL,
        PRIMARY KEY (camera, name)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 4,
    name: 'retention and timeline indexes',
    sql: `
      -- Each camera's stored bytes and count (retention by bytes, the storage metrics) read from
      -- the index alone: a range of it for one camera, one pass over it for all, never the table.
      CREATE INDEX recordings_totals ON recordings (camera, state, bytes);
      -- Every camera's recordings in time order, as recordings_by_start, now also holding what a
      -- timeline of the whole site reads (camera, end, trigger, state): a day of 32 cameras is
      -- one range of this index, with no lookup of each row in the table.
      DROP INDEX recordings_by_start;
      CREATE INDEX recordings_by_start ON recordings (start_ms, id, camera, end_ms, trigger, state);
      -- Motion across every camera in a time range: pages of the list (by start, id) and the
      -- timeline's markers (camera, score) from the index alone.
      CREATE INDEX motion_events_by_start ON motion_events (start_ms, id, camera, peak_score);
    `,
  },
];

export const LATEST_VERSION = MIGRATIONS.length;

import { mkdirSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseSegmentLines, type ListedSegment } from './segment-list.js';

/**
 * The spool: where the camera's MAIN stream lands as short segments before recordings are cut
 * from them. `<storage>/.spool/<camera>/`, on the storage's filesystem so that a finished
 * recording is moved into place, not copied. Each run of ffmpeg writes into a folder of its own
 * (its stream times start from 0), with ffmpeg's list of the segments it has closed; the
 * recordings in progress are kept in a journal, so that a worker killed at any moment finds
 * what it was doing when it starts again.
 */

export const SEGMENT_LIST = 'segments.csv';
/** Segment length asked of ffmpeg; it cuts at the first keyframe after it, so a segment is at least one GOP. */
export const SEGMENT_SECONDS = 2;
export const SEGMENT_PATTERN = 'seg-%06d.ts';
const JOURNAL = 'recordings.json';
const MANUAL = 'manual.json';

export function spoolFolder(storage: string, camera: string): string {
  return join(storage, '.spool', camera);
}

/** A recording in progress, as the journal keeps it. */
export interface JournalEntry {
  id: string;
  trigger: 'motion' | 'continuous' | 'manual';
  /** The run's folder name, and the first segment's file name in it. */
  run: string;
  firstSegment: string;
  /** Epoch ms where the recording starts, once known. */
  startMs?: number;
  /** Epoch ms where it ends (motion end + post-roll, or the end a manual request asked for), once known. */
  endMs?: number;
  /** Whether its segments' sound goes in. */
  withAudio?: boolean;
  /**
   * Set once its MP4 is in place, before it is reported: a worker killed between the two reports
   * it again (the index keeps one row per id) instead of making it a second time.
   */
  finished?: FinishedFile;
}

/** A recording's file as reported (recordingFinished), relative to the storage folder. */
export interface FinishedFile {
  path: string;
  startMs: number;
  endMs: number;
  bytes: number;
  durationSeconds: number;
  codec: string;
  width: number;
  height: number;
}

export async function readJournal(spool: string): Promise<JournalEntry[]> {
  try {
    return JSON.parse(await readFile(join(spool, JOURNAL), 'utf8')) as JournalEntry[];
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Replaces the journal whole (written beside it, then renamed over it), so it is never half-written. */
export async function writeJournal(spool: string, entries: readonly JournalEntry[]): Promise<void> {
  const path = join(spool, JOURNAL);
  await writeFile(`${path}.new`, JSON.stringify(entries));
  await rename(`${path}.new`, path);
}

/**
 * The end (epoch ms) of the manual recording an operator asked for, kept apart from the journal:
 * the request outlives the recordings it makes (a worker that stops, a stream that drops, a
 * request made while the camera is down), so the next worker records the rest of it.
 */
export async function readManualUntil(spool: string): Promise<number | undefined> {
  try {
    const { until } = JSON.parse(await readFile(join(spool, MANUAL), 'utf8')) as { until?: unknown };
    return typeof until === 'number' ? until : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Writes (or, with undefined, removes) the manual request's end, whole as the journal is. */
export async function writeManualUntil(spool: string, until: number | undefined): Promise<void> {
  const path = join(spool, MANUAL);
  if (until === undefined) {
    await rm(path, { force: true });
    return;
  }
  await writeFile(`${path}.new`, JSON.stringify({ until }));
  await rename(`${path}.new`, path);
}

let runsMade = 0;

/** A new, empty run folder; its name sorts by time. (Synchronous: ffmpeg's arguments name it.) */
export function createRunFolder(spool: string, nowMs: number): string {
  const name = `run-${String(nowMs).padStart(14, '0')}-${runsMade++}`;
  mkdirSync(join(spool, name), { recursive: true });
  return name;
}

/** What an earlier worker left: each run's whole segments (half-written ones are deleted), and the journal. */
export interface LeftInSpool {
  runs: Map<string, ListedSegment[]>;
  journal: JournalEntry[];
}

export async function scanSpool(spool: string): Promise<LeftInSpool> {
  await mkdir(spool, { recursive: true });
  const runs = new Map<string, ListedSegment[]>();
  for (const entry of await readdir(spool, { withFileTypes: true })) {
    const path = join(spool, entry.name);
    if (!entry.isDirectory()) {
      // Work files of an assembly that was cut short; the journal says what to redo.
      if (entry.name !== JOURNAL && entry.name !== MANUAL) await rm(path, { force: true });
      continue;
    }
    let listed: ListedSegment[] = [];
    try {
      listed = parseSegmentLines(await readFile(join(path, SEGMENT_LIST), 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    // A segment ffmpeg had not closed (not in its list) was cut short by the kill: dropped. One
    // listed but gone was dropped by the worker (cut short by a full disk).
    let files: string[];
    try {
      files = await readdir(path);
    } catch (error) {
      // Removed as it was read (the worker before this one deleting a run it no longer needed).
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    const whole = new Set(listed.map((segment) => segment.file));
    for (const file of files) {
      if (file !== SEGMENT_LIST && !whole.has(file)) await rm(join(path, file), { force: true });
    }
    runs.set(entry.name, listed.filter((segment) => files.includes(segment.file)));
  }
  return { runs, journal: await readJournal(spool) };
}

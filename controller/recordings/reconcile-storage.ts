import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../lib/logger.js';
import { finishDeletion } from './delete-recording.js';
import { idForPath } from './derived-id.js';
import type { KnownRecordings } from './known-recordings.js';
import { moveToLostAndFound } from './lost-and-found.js';
import { checkFfprobe, probeRecording } from './probe-recording.js';
import { startFromFileName } from './recording-file-name.js';
import type { RecordingsIndex } from './recordings-index.js';
import { storedRecordingFiles, type StoredFile } from './storage-scan.js';
import type { RecordingState } from './types.js';

export interface ReconcileCounts {
  /** Files with no row, probed and indexed. */
  indexed: number;
  /** Files with no row that could not be indexed, moved to lost+found/. */
  lostAndFound: number;
  /** Complete rows whose file is gone, now marked missing. */
  missing: number;
  /** Rows left `deleting` by an interrupted deletion, finished (file unlinked, row removed). */
  deletionsFinished: number;
  /** Missing rows whose file is back (storage remounted), complete again. */
  restored: number;
}

export interface LostFile {
  camera: string;
  /** Where it was and where it is now, relative to storage. */
  path: string;
  movedTo: string;
  reason: string;
}

export interface ReconcileReport {
  counts: ReconcileCounts;
  lostAndFound: LostFile[];
}

export interface ReconcileOptions {
  index: RecordingsIndex;
  storage: string;
  logger: Logger;
  /** Ids and triggers of recordings the workers' journals know (see known-recordings.ts). */
  known?: KnownRecordings;
  /** ffprobe processes at once. */
  concurrency?: number;
}

async function fileExists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return false;
    throw error;
  }
}

/**
 * Makes the index and the storage folder agree, at start, before any worker writes: deletions a
 * crash interrupted are finished; rows whose file is gone are marked missing (never removed: the
 * disk may only be unmounted); files no row knows (the controller died between a worker's file
 * and its own commit, or the index was lost) are probed and indexed, or moved to lost+found/
 * when ffprobe finds no playable video in them. Run twice, the second run finds nothing to do.
 */
export async function reconcileStorage(options: ReconcileOptions): Promise<ReconcileReport> {
  const { index, storage, logger, known } = options;
  const counts: ReconcileCounts = { indexed: 0, lostAndFound: 0, missing: 0, deletionsFinished: 0, restored: 0 };
  const lost: LostFile[] = [];

  for (const recording of index.recordingsInState('deleting')) {
    await finishDeletion(index, storage, recording);
    counts.deletionsFinished++;
    logger.info({ camera: recording.camera, recordingID: recording.id, path: recording.path }, 'finished a deletion interrupted by a crash');
  }

  const rows = new Map<string, { id: string; state: RecordingState; seen: boolean }>();
  for (const row of index.recordingPaths()) rows.set(row.path, { id: row.id, state: row.state, seen: false });
  const unindexed: StoredFile[] = [];
  for await (const file of storedRecordingFiles(storage)) {
    const row = rows.get(file.path);
    if (row) row.seen = true;
    else unindexed.push(file);
  }

  for (const [path, row] of rows) {
    // A row whose path lies outside the scanned shape is checked on its own.
    const present = row.seen || (await fileExists(join(storage, path)));
    if (!present && row.state === 'complete') {
      index.markMissing(row.id);
      counts.missing++;
      logger.warn({ recordingID: row.id, path }, 'recording file missing: the row is marked missing');
    } else if (present && row.state === 'missing') {
      index.markComplete(row.id);
      counts.restored++;
      logger.info({ recordingID: row.id, path }, 'missing recording file is back');
    }
  }

  if (unindexed.length > 0) await checkFfprobe();
  const indexOne = async (file: StoredFile): Promise<void> => {
    const absolute = join(storage, file.path);
    const startMs = startFromFileName(file.camera, file.fileName);
    const probe = startMs === undefined ? ({ playable: false, reason: `the name does not carry ${file.camera}-<YYYYMMDDTHHMMSSZ>.mp4` } as const) : await probeRecording(absolute);
    if (startMs === undefined || !probe.playable) {
      const movedTo = await moveToLostAndFound(storage, file.path);
      lost.push({ camera: file.camera, path: file.path, movedTo, reason: probe.playable ? 'unknown' : probe.reason });
      counts.lostAndFound++;
      logger.warn({ camera: file.camera, path: file.path, movedTo, reason: probe.playable ? undefined : probe.reason }, 'recording file cannot be indexed: moved to lost+found');
      return;
    }
    const { size } = await stat(absolute);
    const hint = known?.(file.camera, startMs);
    // A journal id that another file already carries (the worker made a second file of the same recording) is not reused.
    const id = hint && !index.getRecording(hint.id) ? hint.id : idForPath(file.path);
    const { outcome } = index.insertRecording({
      id,
      camera: file.camera,
      path: file.path,
      startMs,
      endMs: startMs + Math.round(probe.durationSeconds * 1000),
      durationSeconds: probe.durationSeconds,
      bytes: size,
      codec: probe.codec,
      width: probe.width,
      height: probe.height,
      // A worker records motion unless told to record continuously; its journal may say which.
      trigger: hint?.trigger ?? 'motion',
    });
    if (outcome !== 'inserted' && outcome !== 'adopted') {
      // Only when a row already has the id derived from this very path: not reachable unless the index was edited by hand.
      logger.warn({ camera: file.camera, recordingID: id, path: file.path, outcome }, 'recording file found with no row was not indexed: its id is taken');
      return;
    }
    counts.indexed++;
    logger.info({ camera: file.camera, recordingID: id, path: file.path, trigger: hint?.trigger ?? 'motion', known: id === hint?.id }, 'indexed a recording file that had no row');
  };
  const queue = [...unindexed];
  const lanes = Array.from({ length: Math.max(1, options.concurrency ?? 2) }, async () => {
    for (let file = queue.shift(); file; file = queue.shift()) await indexOne(file);
  });
  await Promise.all(lanes);
  return { counts, lostAndFound: lost };
}

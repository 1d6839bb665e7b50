import { unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fsyncPath } from './fsync-path.js';
import type { RecordingsIndex } from './recordings-index.js';

/** Where a deletion has got to; reported after each step is done (and durable). */
export type DeletionStep = 'marked' | 'unlinked' | 'removed';

/**
 * Removes the file of a recording whose row is marked `deleting` (if it is still there), makes
 * the unlink durable, then removes the row. Also how the start-up reconciliation finishes a
 * deletion that a crash interrupted.
 */
export async function finishDeletion(index: RecordingsIndex, storage: string, recording: { id: string; path: string }, onStep?: (step: DeletionStep) => void): Promise<void> {
  const file = join(storage, recording.path);
  let unlinked = false;
  try {
    await unlink(file);
    unlinked = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${file}: cannot delete recording ${recording.id}: ${(error as Error).message}`, { cause: error });
  }
  // Without this a power cut could bring the file back after its row is gone: it would be
  // indexed again at the next start, a deleted recording returning.
  if (unlinked) await fsyncPath(dirname(file));
  onStep?.('unlinked');
  index.removeRecording(recording.id);
  onStep?.('removed');
}

/**
 * Deletes a recording in the order that survives a crash at any point (as Moonfire NVR does):
 * 1. the row is marked `deleting` and committed: from here on nobody lists it as playable, and a
 *    crash leaves a mark the next start finishes;
 * 2. the file is unlinked (and its folder synced);
 * 3. the row is removed.
 * Never the other way round: a row removed first and a crash before the unlink would leave a
 * file no row knows, indexed again as a recording at the next start.
 * False when there is no such recording.
 */
export async function deleteRecording(index: RecordingsIndex, storage: string, id: string, onStep?: (step: DeletionStep) => void): Promise<boolean> {
  const recording = index.getRecording(id);
  if (!recording) return false;
  index.markDeleting(id);
  onStep?.('marked');
  await finishDeletion(index, storage, recording, onStep);
  return true;
}

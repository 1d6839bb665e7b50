import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readJournal } from '../../worker/recording/spool.js';
import { CAMERA_FOLDER, SPOOL_FOLDER } from './storage-layout.js';
import type { RecordingTrigger } from './types.js';

/** What is known of a file found in storage without a row: its recording's id and trigger. */
export type KnownRecordings = (camera: string, startMs: number) => { id: string; trigger: RecordingTrigger } | undefined;

/**
 * The recordings in progress that each camera's worker listed in its spool journal when it
 * stopped. A file whose row was never written (the controller died between the worker's file
 * and its own commit) may be one of them: then its id and trigger are known, and the index uses
 * them rather than guessing. Matched by camera and start second (the file name's precision);
 * a second claimed by two entries is left unknown. Read only: the journal is the worker's.
 */
export async function knownFromSpoolJournals(storage: string): Promise<KnownRecordings> {
  const bySecond = new Map<string, { id: string; trigger: RecordingTrigger } | null>();
  let cameras: string[] = [];
  try {
    cameras = (await readdir(join(storage, SPOOL_FOLDER), { withFileTypes: true })).filter((e) => e.isDirectory() && CAMERA_FOLDER.test(e.name)).map((e) => e.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  for (const camera of cameras) {
    let journal: Awaited<ReturnType<typeof readJournal>> = [];
    try {
      journal = await readJournal(join(storage, SPOOL_FOLDER, camera));
    } catch {
      // A journal that cannot be read tells nothing; the worker will say what it makes of it.
      continue;
    }
    for (const entry of Array.isArray(journal) ? journal : []) {
      if (typeof entry.startMs !== 'number' || typeof entry.id !== 'string') continue;
      const key = `${camera}@${Math.floor(entry.startMs / 1000)}`;
      bySecond.set(key, bySecond.has(key) ? null : { id: entry.id, trigger: entry.trigger });
    }
  }
  return (camera, startMs) => bySecond.get(`${camera}@${Math.floor(startMs / 1000)}`) ?? undefined;
}

import { mkdir, rename, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { LOST_AND_FOUND_FOLDER } from './storage-layout.js';

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/**
 * Moves a file that cannot be indexed out of the recordings, to `<storage>/lost+found/` under
 * the same relative path (`.1`, `.2`… added when that name is taken), so that nothing is ever
 * deleted for being unreadable: a person may still want it. A rename within the storage
 * filesystem: the file is in one place or the other, whenever a crash comes. Returns where it
 * went, relative to storage.
 */
export async function moveToLostAndFound(storage: string, path: string): Promise<string> {
  let target = join(LOST_AND_FOUND_FOLDER, path);
  for (let n = 1; await exists(join(storage, target)); n++) target = `${join(LOST_AND_FOUND_FOLDER, path)}.${n}`;
  await mkdir(dirname(join(storage, target)), { recursive: true });
  await rename(join(storage, path), join(storage, target));
  return target;
}

import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CAMERA_FOLDER, DAY_FOLDER } from './storage-layout.js';

export interface StoredFile {
  camera: string;
  /** Relative to the storage folder. */
  path: string;
  fileName: string;
}

async function entries(folder: string): Promise<Dirent[]> {
  try {
    return await readdir(folder, { withFileTypes: true });
  } catch (error) {
    // Removed while being walked: nothing in it.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/**
 * Every recording file in storage: `<camera>/<YYYY-MM-DD>/*.mp4`, regular files only. What camlet
 * writes elsewhere is left out by the shape alone: `.spool/` (segments, and the worker's work
 * files `<id>.mp4` while it assembles) and `lost+found/` are not camera names, the index's own
 * files (camlet.db, -wal, -shm) are not folders, and hidden files (`.name`) are nobody's recordings.
 */
export async function* storedRecordingFiles(storage: string): AsyncGenerator<StoredFile> {
  for (const cameraEntry of await entries(storage)) {
    if (!cameraEntry.isDirectory() || !CAMERA_FOLDER.test(cameraEntry.name)) continue;
    const camera = cameraEntry.name;
    for (const dayEntry of await entries(join(storage, camera))) {
      if (!dayEntry.isDirectory() || !DAY_FOLDER.test(dayEntry.name)) continue;
      for (const fileEntry of await entries(join(storage, camera, dayEntry.name))) {
        if (!fileEntry.isFile() || fileEntry.name.startsWith('.') || !fileEntry.name.endsWith('.mp4')) continue;
        yield { camera, path: join(camera, dayEntry.name, fileEntry.name), fileName: fileEntry.name };
      }
    }
  }
}

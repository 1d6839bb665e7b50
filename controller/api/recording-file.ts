import { constants } from 'node:fs';
import { open, realpath, type FileHandle } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { createHash } from 'node:crypto';

export interface OpenedFile {
  handle: FileHandle;
  /** The real path checked (for a program that must open the file itself, ffmpeg). */
  path: string;
  size: number;
  mtime: Date;
  /** Strong: a recording's file never changes in place; a new one is a new file. */
  etag: string;
}

/**
 * Opens a file of the storage folder by the path the index holds, never by anything a request
 * carries, and only if it really lies inside storage: the path is resolved through every
 * symbolic link first and must stay under storage's own real path, and the last component is
 * opened with O_NOFOLLOW so that a link swapped in after the check is not followed either.
 * Undefined when there is no such regular file there (the caller answers 404).
 */
export async function openStoredFile(storage: string, path: string, etagSalt: string): Promise<OpenedFile | undefined> {
  let real: string;
  let root: string;
  try {
    root = await realpath(storage);
    real = await realpath(resolve(root, path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw error;
  }
  const inside = relative(root, real);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return undefined;
  let handle: FileHandle;
  try {
    handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ELOOP' || code === 'ENOTDIR') return undefined;
    throw error;
  }
  const stats = await handle.stat();
  if (!stats.isFile()) {
    await handle.close();
    return undefined;
  }
  const etag = `"${createHash('sha1').update(`${etagSalt}\0${stats.size}\0${stats.mtimeMs}\0${stats.ino}`).digest('base64url').slice(0, 22)}"`;
  return { handle, path: real, size: stats.size, mtime: stats.mtime, etag };
}

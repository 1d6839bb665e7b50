import { readDiskSpace } from './disk-space.js';

/** Free space under which a filesystem is as good as full: a writer fails with a few pages left at most. */
const NEARLY_FULL_BYTES = 256 * 1024;

/**
 * Whether the filesystem holding `path` is as good as full for an ordinary process. How a writer
 * that exited learns that it died of a full disk even when its last words (ffmpeg's stderr) were
 * not read yet.
 */
export function filesystemFull(path: string): boolean {
  try {
    return readDiskSpace(path).freeBytes < NEARLY_FULL_BYTES;
  } catch {
    return false;
  }
}

/**
 * Whether an error (or ffmpeg's message) says the filesystem is full: ENOSPC, or a quota
 * exhausted (EDQUOT), as Node reports them or as ffmpeg prints them ("No space left on device",
 * "Disk quota exceeded"), or SQLite's SQLITE_FULL.
 */
export function isNoSpace(error: unknown): boolean {
  if (typeof error === 'object' && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_FULL') return true;
  }
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
  return /No space left on device|Disk quota exceeded|database or disk is full/i.test(message);
}

/** The line of an error's message that says the filesystem is full (ffmpeg's stderr holds many). */
export function noSpaceLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = message.split('\n').find((text) => isNoSpace(text));
  return (line ?? message).trim().slice(0, 500);
}

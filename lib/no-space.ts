import { statfsSync } from 'node:fs';

/**
 * Whether the filesystem holding `path` is as good as full: less than `minBytes` left to an
 * ordinary process. How a writer that exited learns that it died of a full disk even when its
 * last words (ffmpeg's stderr) were not read yet.
 */
export function filesystemFull(path: string, minBytes = 1 << 20): boolean {
  try {
    const stats = statfsSync(path);
    return stats.bavail * stats.bsize < minBytes;
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

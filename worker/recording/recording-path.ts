import { join } from 'node:path';

/** `YYYYMMDDTHHMMSSZ`, UTC. */
export function compactUtc(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Where a recording starting at `startMs` goes, as DESIGN.md names it:
 * `<camera>/<YYYY-MM-DD>/<camera>-<YYYYMMDDTHHMMSSZ>.mp4`, relative to the storage folder.
 * `attempt` > 0 adds a suffix, for a second recording starting within the same second.
 */
export function recordingRelativePath(camera: string, startMs: number, attempt = 0): string {
  const day = new Date(startMs).toISOString().slice(0, 10);
  const suffix = attempt > 0 ? `-${attempt}` : '';
  return join(camera, day, `${camera}-${compactUtc(startMs)}${suffix}.mp4`);
}

import { closeSync, existsSync, openSync, renameSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../lib/logger.js';
import { formatBytes } from './quantity.js';

const RESERVE_FILE = '.camlet-reserve';
const MIB = 1 << 20;

/**
 * 1% of the filesystem, between 1 MiB and 8 MiB: room for SQLite's write-ahead log until the
 * first recordings deleted free megabytes (each deletion appends a few pages; the log is
 * checkpointed and reused at 4 MB).
 */
export function reserveBytes(totalBytes: number): number {
  return Math.min(8 * MIB, Math.max(MIB, Math.floor(totalBytes / 100 / MIB) * MIB));
}

/**
 * A file of zeros kept in storage (`<storage>/.camlet-reserve`), deleted when the filesystem is
 * full and made again once there is room. On a full disk SQLite cannot write its journal
 * (SQLITE_FULL), so retention could not even mark the oldest recording for deletion, and nothing
 * would ever be freed: the reserve's room is what lets that first sweep run.
 */
export class SpaceReserve {
  readonly path: string;

  constructor(
    storage: string,
    private readonly logger: Logger,
  ) {
    this.path = join(storage, RESERVE_FILE);
  }

  /** Deletes the reserve; true when there was one. */
  release(): boolean {
    try {
      unlinkSync(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
    this.logger.warn({ path: this.path }, 'storage is full: the space reserve is released so that retention can work');
    return true;
  }

  /**
   * Makes the reserve of `bytes` when it is missing, if that leaves `keepFreeBytes` free (so that
   * remaking it never fills the filesystem again). Written beside and renamed, so that a reserve
   * cut short by a full disk is never taken for a whole one. Returns whether it is in place.
   */
  replenish(bytes: number, freeBytes: number, keepFreeBytes: number): boolean {
    if (existsSync(this.path)) return true;
    if (freeBytes - bytes < keepFreeBytes) return false;
    const partial = `${this.path}.new`;
    try {
      const fd = openSync(partial, 'w');
      try {
        const zeros = Buffer.alloc(MIB);
        for (let written = 0; written < bytes; written += MIB) writeSync(fd, zeros, 0, Math.min(MIB, bytes - written));
      } finally {
        closeSync(fd);
      }
      renameSync(partial, this.path);
      this.logger.info({ path: this.path, bytes }, `space reserve of ${formatBytes(bytes)} in place`);
      return true;
    } catch (error) {
      rmSync(partial, { force: true });
      this.logger.warn({ path: this.path, err: (error as Error).message }, 'cannot make the space reserve');
      return false;
    }
  }
}

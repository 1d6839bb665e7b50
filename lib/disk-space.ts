import { statfsSync } from 'node:fs';

/** The storage filesystem's figures, in bytes. */
export interface DiskSpace {
  totalBytes: number;
  /** Available to camlet (statfs' f_bavail): what `df` shows as Avail, without root's reserve. */
  freeBytes: number;
  /** Taken, by anything (df's Used): total minus every free block, root's reserve included. */
  usedBytes: number;
}

/** Reads the figures of the filesystem that holds `path`. */
export type DiskSpaceReader = (path: string) => DiskSpace;

/**
 * statfs(2) of the storage folder. Synchronous on purpose: one system call that answers from the
 * kernel's counters without touching the disk, so that metrics, /status and retention can read it
 * inline (a scrape-time metric cannot await).
 */
export const readDiskSpace: DiskSpaceReader = (path) => {
  const stats = statfsSync(path);
  return { totalBytes: stats.blocks * stats.bsize, freeBytes: stats.bavail * stats.bsize, usedBytes: (stats.blocks - stats.bfree) * stats.bsize };
};

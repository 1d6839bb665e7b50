// A real small filesystem, for the tests of a full disk: a tmpfs mounted on a new temporary
// folder. Mounting needs root, as the project's set-up does (it installs with apt-get); a machine
// that does not allow it fails these tests, saying why, rather than skipping them.
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDiskSpace } from '../../lib/disk-space.js';

export interface TinyFilesystem {
  path: string;
  /** Bytes free on it now. */
  freeBytes(): number;
  /** Fills it with a ballast file (another program's data) until at most `leaveBytes` are free; returns the ballast's path. */
  fill(leaveBytes?: number): string;
  /** Deletes every ballast file left. */
  drain(): void;
  unmount(): void;
}

const MIB = 1 << 20;

const freeBytesOf = (path: string) => readDiskSpace(path).freeBytes;

/** Mounts a tmpfs of `mebibytes`; throws, saying why, when this machine does not allow it. */
export function mountTinyFilesystem(mebibytes: number): TinyFilesystem {
  const path = mkdtempSync(join(tmpdir(), 'camlet-tiny-fs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${mebibytes}m,mode=0755`, 'tmpfs', path], { stdio: 'pipe' });
  } catch (error) {
    rmSync(path, { recursive: true, force: true });
    throw new Error(`cannot mount a ${mebibytes} MiB tmpfs for the full-disk tests (run the suite as root): ${(error as Error).message.split('\n')[0]}`);
  }
  let ballasts = 0;
  const drain = () => {
    for (let i = 0; i < ballasts; i++) rmSync(join(path, `ballast-${i}`), { force: true });
  };
  return {
    path,
    freeBytes: () => freeBytesOf(path),
    fill(leaveBytes = 0) {
      const ballast = join(path, `ballast-${ballasts++}`);
      // Big writes first, then smaller ones into the last gaps, until the disk says no.
      for (const chunk of [MIB, 64 * 1024, 4096]) {
        try {
          while (freeBytesOf(path) - chunk >= leaveBytes) appendFileSync(ballast, Buffer.alloc(chunk));
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
        }
      }
      return ballast;
    },
    drain,
    unmount() {
      // Lazy: a process of a failed test may still hold a file open; the mount goes when it lets go.
      execFileSync('umount', ['-l', path], { stdio: 'pipe' });
      rmSync(path, { recursive: true, force: true });
    },
  };
}

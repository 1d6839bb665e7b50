import { readFileSync } from 'node:fs';
import type { ResourceUsage } from '../runtime.js';

// /proc/<pid>/stat counts CPU time in clock ticks of USER_HZ, which Linux fixes at 100 for
// user space on every architecture.
const TICKS_PER_SECOND = 100;

interface ProcessFigures {
  /** utime + stime, plus the CPU of children already reaped (cutime + cstime). */
  cpuTicks: number;
  residentBytes: number;
}

function read(pid: number): ProcessFigures | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: fields are counted after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the name: state is field 3, so field n sits at index n - 3.
    const ticks = [14, 15, 16, 17].map((n) => Number(fields[n - 3] ?? 0));
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
    return { cpuTicks: ticks.reduce((a, b) => a + b, 0), residentBytes: rssKb * 1024 };
  } catch {
    return undefined; // gone between the heartbeat that named it and now
  }
}

/** CPU and resident memory of a worker and its ffmpeg processes, read from /proc. */
export function processUsage(pids: readonly number[]): ResourceUsage | undefined {
  const figures = pids.map(read).filter((f): f is ProcessFigures => f !== undefined);
  if (figures.length === 0) return undefined;
  return {
    cpuSeconds: figures.reduce((sum, f) => sum + f.cpuTicks, 0) / TICKS_PER_SECOND,
    residentBytes: figures.reduce((sum, f) => sum + f.residentBytes, 0),
  };
}

// What a process costs, read from /proc as `ps` and `smem` do: CPU time (its own, and that of
// the children it has reaped, such as a worker's short remux ffmpeg), proportional set size, and
// what an ffmpeg process is doing (from its command line). Linux only.
import { readFileSync } from 'node:fs';

// /proc/<pid>/stat counts CPU time in clock ticks of USER_HZ, fixed at 100 for user space.
const TICKS_PER_SECOND = 100;

export interface CpuSeconds {
  /** utime + stime. */
  own: number;
  /** cutime + cstime: children that have exited and been waited for. */
  children: number;
}

/** CPU seconds used so far by the process, or undefined when it is gone. */
export function cpuSeconds(pid: number): CpuSeconds | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: fields are counted after the last ')'.
    // After it, state is field 3, so field n sits at index n - 3: utime 14, stime 15, cutime 16, cstime 17.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const field = (n: number) => Number(fields[n - 3] ?? 0);
    return { own: (field(14) + field(15)) / TICKS_PER_SECOND, children: (field(16) + field(17)) / TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
}

/**
 * Proportional set size in bytes (`Pss:` of /proc/<pid>/smaps_rollup): private pages count whole,
 * each shared page is divided among the processes that map it. Summed over processes it is the
 * memory they really take, unlike RSS, which counts every shared library in each of them.
 */
export function pssBytes(pid: number): number | undefined {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = /^Pss:\s+(\d+) kB/m.exec(rollup)?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

/** The process's arguments, or [] when it is gone. */
export function commandLine(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((arg) => arg !== '');
  } catch {
    return [];
  }
}

/** CPU seconds the whole machine has spent busy (every state but idle and iowait), summed over its CPUs, from /proc/stat. */
export function machineBusySeconds(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
  // user nice system idle iowait irq softirq steal (guest time is already in user).
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  return (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND;
}

// Linux /proc helpers for tests that check that no process is left behind, and small
// polling / port helpers. Linux only: they read /proc directly, like `ps` does.
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

interface ProcStat {
  pid: number;
  state: string;
  ppid: number;
}

function numericEntries(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/** /proc/<pid>/stat, or undefined when the process is gone (or vanished while being read). */
function readStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid ...": comm may itself hold spaces and parentheses, so split after
  // the last ')'.
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const [state, ppid] = text.slice(close + 2).split(' ');
  if (state === undefined || ppid === undefined) return undefined;
  return { pid, state, ppid: Number(ppid) };
}

/** Every descendant of `pid` (children, grandchildren, ...), zombies included, from the ppid in /proc/<pid>/stat. */
export function descendantsOf(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of numericEntries()) {
    const stat = readStat(entry);
    if (stat === undefined) continue;
    const siblings = children.get(stat.ppid);
    if (siblings) siblings.push(stat.pid);
    else children.set(stat.ppid, [stat.pid]);
  }
  const found: number[] = [];
  const queue = [pid];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const child of children.get(next) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** True while the process exists and is not a zombie (state Z) or dead (state X). */
export function isAlive(pid: number): boolean {
  const stat = readStat(pid);
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';
}

/**
 * Processes whose command line (arguments joined by spaces) matches `pattern`. Kernel threads
 * and zombies, which have an empty command line, are never listed. The calling process is
 * listed too when it matches.
 */
export function processesMatching(pattern: RegExp): { pid: number; cmdline: string }[] {
  const matches: { pid: number; cmdline: string }[] = [];
  for (const pid of numericEntries()) {
    let raw: string;
    try {
      raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    const cmdline = raw.replace(/\0+$/, '').replaceAll('\0', ' ');
    if (cmdline === '') continue;
    pattern.lastIndex = 0; // a /g or /y pattern keeps state between test() calls
    if (pattern.test(cmdline)) matches.push({ pid, cmdline });
  }
  return matches;
}

/**
 * Calls `probe` every `intervalMs` until it returns something other than `undefined` or
 * `false`, and resolves with that. Probes at least once, and once more at the deadline.
 * An error thrown by the probe is not retried: it rejects at once.
 */
export async function waitUntil<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs: number,
  what: string,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await probe();
    if (result !== undefined && result !== false) return result;
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(Math.min(intervalMs, remaining));
  }
}

/**
 * A TCP port on 127.0.0.1 that was free a moment ago (the kernel's choice for port 0). Another
 * process may take it before the caller binds it; good enough for tests.
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  if (address === null || typeof address === 'string') throw new Error(`freePort: unexpected address ${String(address)}`);
  return address.port;
}

import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { exited } from '../../lib/child-process.js';
import { descendantsOf, freePort, isAlive, processesMatching, waitUntil } from './processes.js';

const started: ChildProcess[] = [];

/** `sh -c script ...args`; killed, with its whole tree, after each test. */
function sh(script: string, ...args: string[]): ChildProcess & { pid: number } {
  // stdin is a pipe left open, so that `read` blocks.
  const child = spawn('sh', ['-c', script, ...args], { stdio: ['pipe', 'ignore', 'ignore'] });
  started.push(child);
  if (child.pid === undefined) throw new Error('sh did not start');
  return child as ChildProcess & { pid: number };
}

function kill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

afterEach(async () => {
  for (const child of started.splice(0)) {
    if (child.pid === undefined) continue;
    for (const pid of descendantsOf(child.pid)) kill(pid);
    kill(child.pid);
    await exited(child);
  }
});

describe('descendantsOf', () => {
  it('finds children and grandchildren, and nothing for a leaf', async () => {
    // sh -> sleep, and sh -> (subshell) sh -> sleep: the `; :` keeps the subshell from exec-ing.
    const root = sh('sleep 30 & (sleep 30; :) & wait');
    const tree = await waitUntil(() => {
      const found = descendantsOf(root.pid);
      return found.length === 3 && found;
    }, 5_000, 'three descendants');
    const sleeps = tree.filter((pid) => processesMatching(/^sleep 30$/).some((p) => p.pid === pid));
    expect(sleeps).toHaveLength(2);
    const subshell = tree.find((pid) => !sleeps.includes(pid));
    expect(subshell).toBeDefined();
    expect(descendantsOf(subshell ?? 0)).toHaveLength(1);
    for (const leaf of sleeps) expect(descendantsOf(leaf)).toEqual([]);
    expect(descendantsOf(process.pid)).toEqual(expect.arrayContaining([root.pid, ...tree]));
  });
});

describe('isAlive', () => {
  it('is true for a running process and false once it is killed', async () => {
    const child = sh('exec sleep 30');
    expect(isAlive(child.pid)).toBe(true);
    expect(isAlive(process.pid)).toBe(true);
    child.kill('SIGKILL');
    await exited(child);
    expect(isAlive(child.pid)).toBe(false);
    expect(isAlive(2 ** 31 - 1)).toBe(false);
  });

  it('is false for a zombie', async () => {
    // sh forks `true`, then becomes `sleep`, which never reaps it: a zombie that /proc still lists.
    const parent = sh('true & exec sleep 30');
    const zombie = await waitUntil(() => {
      const [pid] = descendantsOf(parent.pid);
      return pid !== undefined && processesMatching(/^sleep 30$/).some((p) => p.pid === parent.pid) && pid;
    }, 5_000, 'the zombie under sleep');
    await waitUntil(() => !isAlive(zombie), 5_000, 'true to exit');
    expect(descendantsOf(parent.pid)).toEqual([zombie]); // still there, as a zombie
    expect(isAlive(parent.pid)).toBe(true);
  });
});

describe('processesMatching', () => {
  it('matches the command line, arguments joined by spaces, with a /g pattern too', async () => {
    const marker = `camlet-marker-${process.pid}-${Date.now()}`;
    // `read` is a builtin: sh forks no child, which would briefly share its command line.
    const child = sh('read line', marker);
    const pattern = new RegExp(`^sh -c read line ${marker}$`, 'g');
    const found = await waitUntil(() => processesMatching(pattern)[0], 5_000, 'the marked sh');
    expect(found).toEqual({ pid: child.pid, cmdline: `sh -c read line ${marker}` });
    expect(processesMatching(pattern)).toEqual([found]); // lastIndex does not leak between calls
    expect(processesMatching(/^no such command line, surely$/)).toEqual([]);
  });
});

describe('waitUntil', () => {
  it('resolves with the first value other than undefined and false, sync or async', async () => {
    let calls = 0;
    await expect(waitUntil(() => (++calls >= 3 ? 0 : undefined), 1_000, 'three calls', 5)).resolves.toBe(0);
    expect(calls).toBe(3);
    await expect(waitUntil(() => Promise.resolve(calls++ >= 5 && 'done'), 1_000, 'async', 5)).resolves.toBe('done');
  });

  it('times out with a message naming what it waited for', async () => {
    const start = Date.now();
    let calls = 0;
    const never = (): false => {
      calls += 1;
      return false;
    };
    await expect(waitUntil(never, 200, 'godot', 20)).rejects.toThrow(
      new Error('timed out after 200 ms waiting for godot'),
    );
    expect(Date.now() - start).toBeGreaterThanOrEqual(195);
    expect(calls).toBeGreaterThan(3);
  });

  it('passes on an error thrown by the probe', async () => {
    await expect(
      waitUntil(() => {
        throw new Error('probe broke');
      }, 1_000, 'nothing'),
    ).rejects.toThrow('probe broke');
  });
});

describe('freePort', () => {
  it('gives a port that can be listened on', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    expect(port).toBeLessThan(65_536);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    await new Promise((resolve) => server.close(resolve));
  });
});

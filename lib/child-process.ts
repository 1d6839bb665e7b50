import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/**
 * Spawns a program that the kernel kills when its parent dies, even by SIGKILL: setpriv
 * sets PR_SET_PDEATHSIG and then execs the program, so the pid is the program's own.
 * An IPC-disconnect handler alone is not enough: it never runs in a process that is
 * stuck, and ffmpeg has none.
 *
 * The death signal fires when the spawning *thread* exits; Node spawns from its main thread,
 * which lives as long as the process.
 */
export function spawnTiedToParent(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  return spawn('setpriv', ['--pdeathsig', 'KILL', '--', command, ...args], options);
}

/** Resolves when the child has exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** SIGTERM (or `signal`), then SIGKILL after the grace period; resolves once the child is gone. */
export async function stopGracefully(child: ChildProcess, graceMs: number, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  const gone = exited(child);
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), graceMs);
  });
  const outcome = await Promise.race([gone.then(() => 'exited' as const), timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    child.kill('SIGKILL');
    await gone;
  }
}

/**
 * Stops an ffmpeg whose stdin is a pipe the way its own keyboard does: `q`, upon which it finishes
 * its outputs (trailers, the segment list) and exits 0; SIGINT if it has not read it within half
 * the grace period (a process stuck in a blocking read), SIGKILL at the end of it.
 */
export async function stopFfmpeg(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = exited(child);
  // An ffmpeg already on its way out has closed its stdin: the write fails, which is no error.
  child.stdin?.on('error', () => undefined);
  child.stdin?.end('q');
  let timer: NodeJS.Timeout | undefined;
  const quit = await Promise.race([gone.then(() => true), new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), graceMs / 2)))]);
  clearTimeout(timer);
  if (!quit) await stopGracefully(child, graceMs / 2, 'SIGINT');
}

/**
 * Runs a program tied to its parent (see spawnTiedToParent) to its end and returns its output;
 * rejects with its stderr when it exits with an error. With `timeoutMs`, a program still running
 * then is killed (SIGKILL) and the promise rejects saying so.
 */
export function runTiedToParent(command: string, args: readonly string[], options: { timeoutMs?: number } = {}): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawnTiedToParent(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.stdout?.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) reject(new Error(`${command} did not finish within ${options.timeoutMs} ms and was killed: ${stderr.trim().slice(-2000)}`));
      else if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`${command} ${signal ? `was killed by ${signal}` : `exited with code ${code}`}: ${stderr.trim().slice(-2000)}`));
    });
  });
}

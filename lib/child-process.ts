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
 * Runs a program tied to its parent (see spawnTiedToParent) to its end and returns its output;
 * rejects with its stderr when it exits with an error.
 */
export function runTiedToParent(command: string, args: readonly string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawnTiedToParent(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`${command} ${signal ? `was killed by ${signal}` : `exited with code ${code}`}: ${stderr.trim().slice(-2000)}`));
    });
  });
}

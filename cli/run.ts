import { errorText } from './client/errors.js';

/** Exit status set by a command that printed its errors itself (such as `get a b` with b missing). */
export class ExitStatus extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/**
 * Wraps a command's action: an error is printed on stderr as kubectl prints it and sets the exit
 * status (1, or the command's own); a number returned is the exit status. The process is not
 * exited here, so that everything written to stdout is flushed first.
 */
export function action<A extends unknown[]>(run: (...args: A) => Promise<number | void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      const code = await run(...args);
      if (typeof code === 'number') process.exitCode = code;
    } catch (error) {
      if (error instanceof ExitStatus) {
        process.exitCode = error.code;
        return;
      }
      process.stderr.write(`${errorText(error)}\n`);
      process.exitCode = (error as { exitCode?: number }).exitCode ?? 1;
    }
  };
}

/** For commands that go on after an error (several names, several documents): prints it and returns its status. */
export function report(error: unknown): number {
  process.stderr.write(`${errorText(error)}\n`);
  return (error as { exitCode?: number }).exitCode ?? 1;
}

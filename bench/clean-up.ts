/**
 * Runs `cleanUp` (stop the controllers, cameras and remove the clips) when the benchmark is
 * interrupted, then exits: a benchmark stopped with Ctrl-C leaves no process or folder behind.
 */
export function cleanUpOnSignal(cleanUp: () => Promise<void>): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: cleaning up\n`);
      void cleanUp().finally(() => process.exit(130));
    });
  }
}

import type { Logger } from '../../lib/logger.js';
import { sweepRetention, type SweepContext, type SweepReport } from './sweep-retention.js';

export interface RetentionLoopOptions {
  intervalMs: number;
  /** Called as each sweep begins, before context(). */
  beforeSweep?(): void;
  /** What a sweep works on, read afresh for each (the time, the recordings in progress). */
  context(): Omit<SweepContext, 'stopped'>;
  afterSweep?(report: SweepReport, seconds: number): void;
  logger: Logger;
}

/**
 * Runs retention sweeps one at a time: every `intervalMs` after the last one ended, and at once
 * when asked (a recording indexed over a limit). A request during a sweep runs one more right
 * after it, never two together: two sweeps could pick the same oldest recording.
 */
export class RetentionLoop {
  private running: Promise<void> | undefined;
  private again = false;
  private stopping = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: RetentionLoopOptions) {}

  start(): void {
    this.soon();
  }

  /** A sweep as soon as possible. */
  soon(): void {
    if (this.stopping) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.run();
  }

  /** A sweep now, resolved once it (and any it was already running) is done: for tests and tools. */
  async sweepNow(): Promise<void> {
    this.soon();
    while (this.running) await this.running;
  }

  /** No more sweeps; the one running stops at its next deletion. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private async run(): Promise<void> {
    do {
      this.again = false;
      const started = performance.now();
      try {
        this.options.beforeSweep?.();
        const report = await sweepRetention({ ...this.options.context(), stopped: () => this.stopping });
        this.options.afterSweep?.(report, (performance.now() - started) / 1000);
      } catch (error) {
        // The index closed under it, a query failed: the next sweep tries again.
        this.options.logger.error({ err: (error as Error).message }, 'retention sweep failed');
      }
    } while (this.again && !this.stopping);
    this.running = undefined;
    if (!this.stopping) {
      this.timer = setTimeout(() => this.soon(), this.options.intervalMs);
      // The controller's server keeps the process alive; this timer alone must not.
      this.timer.unref();
    }
  }
}

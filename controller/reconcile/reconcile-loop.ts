import { randomUUID } from 'node:crypto';
import type { Clock } from '../../lib/clock.js';
import { withLogContext, type Logger } from '../../lib/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import type { CameraStore } from '../store/camera-store.js';
import type { Reconciler } from './reconciler.js';
import type { WorkQueue } from './work-queue.js';

/** Keys handled before the loop lets timers and I/O run (a resync of thousands of cameras). */
const BATCH = 100;

/**
 * Takes camera names from the queue and reconciles them one at a time; a failure is retried
 * with per-camera exponential backoff. Every resync period every camera (declared or running)
 * is queued again, so that the loop converges even if a change notification were lost.
 */
export class ReconcileLoop {
  private resyncTimer: unknown;
  private running = false;
  /** Every camera known at start-up has been reconciled once (for /readyz). */
  firstPassDone = false;

  constructor(
    private readonly queue: WorkQueue,
    private readonly reconciler: Reconciler,
    private readonly store: CameraStore,
    private readonly metrics: Metrics,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly resyncMs: number,
  ) {}

  start(): void {
    this.running = true;
    if (this.queue.depth === 0) this.firstPassDone = true;
    void this.work();
    this.scheduleResync();
  }

  stop(): void {
    this.running = false;
    this.clock.clearTimeout(this.resyncTimer);
    this.queue.shutDown();
  }

  private scheduleResync(): void {
    this.resyncTimer = this.clock.setTimeout(() => {
      for (const name of new Set([...this.store.names(), ...this.reconciler.actualNames()])) this.queue.add(name);
      if (this.running) this.scheduleResync();
    }, this.resyncMs);
  }

  private async work(): Promise<void> {
    let handled = 0;
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      const started = performance.now();
      // Every line logged during this reconcile, by any part, carries its id (controller-runtime's reconcileID).
      const reconcileID = randomUUID();
      try {
        const result = withLogContext({ reconcileID }, () => this.reconciler.reconcile(key));
        this.queue.forget(key);
        const seconds = (performance.now() - started) / 1000;
        this.metrics.reconciled('success', seconds);
        this.logger.debug({ camera: key, reconcileID, seconds, requeueAfterMs: result.requeueAfterMs }, 'reconciled');
        if (result.requeueAfterMs !== undefined) this.queue.addAfter(key, result.requeueAfterMs);
      } catch (error) {
        this.metrics.reconciled('error', (performance.now() - started) / 1000);
        const retryInMs = this.queue.addRateLimited(key);
        this.logger.error({ camera: key, reconcileID, err: error instanceof Error ? error.stack : String(error), retryInMs }, 'reconcile failed');
      } finally {
        this.queue.done(key);
      }
      if (this.queue.depth === 0) this.firstPassDone = true;
      if (++handled % BATCH === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../lib/clock.js';
import { createLogger } from '../../lib/logger.js';
import { EventRecorder } from '../events/event-recorder.js';
import { RecordingsIndex } from '../recordings/recordings-index.js';
import { Revision } from '../store/object-store.js';
import { RetentionLoop } from './retention-loop.js';
import { StorageMonitor } from './storage-monitor.js';

let storage: string;
let index: RecordingsIndex;
beforeEach(async () => {
  storage = await mkdtemp(join(tmpdir(), 'camlet-retention-loop-'));
  index = RecordingsIndex.open(storage);
});
afterEach(async () => {
  index.close();
  await rm(storage, { recursive: true, force: true });
});

function loop(intervalMs: number, sweeps: number[]): RetentionLoop {
  const logger = createLogger('test', 'silent');
  return new RetentionLoop({
    intervalMs,
    logger,
    context: () => ({
      index,
      storage,
      monitor: new StorageMonitor({ index, storage, floor: { bytes: 0 } }),
      policy: () => undefined,
      inProgress: new Set(),
      now: Date.now(),
      logger,
      events: new EventRecorder(new Revision(), systemClock, 'test'),
    }),
    afterSweep: () => sweeps.push(Date.now()),
  });
}

describe('the retention loop', () => {
  it('sweeps at start, then every interval', async () => {
    const sweeps: number[] = [];
    const retention = loop(100, sweeps);
    retention.start();
    await new Promise((resolve) => setTimeout(resolve, 450));
    await retention.stop();
    expect(sweeps.length).toBeGreaterThanOrEqual(3);
    expect(sweeps.length).toBeLessThanOrEqual(6);
    const count = sweeps.length;
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(sweeps).toHaveLength(count);
  });

  it('never runs two sweeps at once: asked during one, it runs one more after it', async () => {
    const sweeps: number[] = [];
    const retention = loop(60_000, sweeps);
    retention.soon();
    retention.soon();
    retention.soon();
    await retention.sweepNow();
    // The first, and one more for the requests made while it ran (not one per request).
    expect(sweeps).toHaveLength(2);
    await retention.stop();
    retention.soon();
    expect(sweeps).toHaveLength(2);
  });
});

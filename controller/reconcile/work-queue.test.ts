import { SimulatedClock } from 'xstate';
import { describe, expect, it } from 'vitest';
import { WorkQueue } from './work-queue.js';

describe('WorkQueue', () => {
  it('keeps a key once however often it is added, in first-added order', async () => {
    const queue = new WorkQueue(new SimulatedClock());
    for (const key of ['a', 'b', 'a', 'c', 'b']) queue.add(key);
    expect(queue.depth).toBe(3);
    expect([await queue.get(), await queue.get(), await queue.get()]).toEqual(['a', 'b', 'c']);
    expect(queue.depth).toBe(0);
  });

  it('never hands out a key being processed, and requeues it when done if it was added meanwhile', async () => {
    const queue = new WorkQueue(new SimulatedClock());
    queue.add('cam');
    const key = await queue.get();
    queue.add('cam');
    queue.add('cam');
    expect(queue.depth).toBe(0);
    queue.done(key as string);
    expect(queue.depth).toBe(1);
    expect(await queue.get()).toBe('cam');
    queue.done('cam');
    expect(queue.depth).toBe(0);
  });

  it('wakes a waiting worker when a key arrives', async () => {
    const queue = new WorkQueue(new SimulatedClock());
    const waiting = queue.get();
    queue.add('x');
    expect(await waiting).toBe('x');
  });

  it('retries a failing key after exponentially longer delays, capped, until forgotten', () => {
    const clock = new SimulatedClock();
    const queue = new WorkQueue(clock, { baseDelayMs: 100, maxDelayMs: 1000 });
    const delays = Array.from({ length: 6 }, () => queue.addRateLimited('cam'));
    expect(delays).toEqual([100, 200, 400, 800, 1000, 1000]);
    queue.forget('cam');
    expect(queue.addRateLimited('cam')).toBe(100);
  });

  it('adds a delayed key when its time comes, the earliest delay winning', () => {
    const clock = new SimulatedClock();
    const queue = new WorkQueue(clock);
    queue.addAfter('cam', 500);
    queue.addAfter('cam', 200);
    queue.addAfter('cam', 900);
    clock.increment(199);
    expect(queue.depth).toBe(0);
    clock.increment(1);
    expect(queue.depth).toBe(1);
    clock.increment(1000);
    expect(queue.depth).toBe(1);
  });

  it('releases waiting workers on shut down and takes nothing more', async () => {
    const queue = new WorkQueue(new SimulatedClock());
    const waiting = queue.get();
    queue.shutDown();
    expect(await waiting).toBeUndefined();
    queue.add('late');
    expect(queue.depth).toBe(0);
    expect(await queue.get()).toBeUndefined();
  });
});

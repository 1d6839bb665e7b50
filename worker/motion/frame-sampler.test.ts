import { describe, expect, it } from 'vitest';
import { FrameSampler } from './frame-sampler.js';

/** The indexes of the frames taken among frames arriving at `times`. */
function taken(sampler: FrameSampler, times: number[]): number[] {
  return times.flatMap((at, index) => (sampler.take(at) ? [index] : []));
}

/** `count` frame times at `fps` from `from`, each moved by up to ± `jitter` ms (deterministically). */
function stream(fps: number, count: number, jitter = 0, from = 1_700_000_000_000): number[] {
  return Array.from({ length: count }, (_, k) => from + (k * 1000) / fps + (jitter ? jitter * Math.sin(k * 12.9898) : 0));
}

describe('FrameSampler', () => {
  it('takes every third frame of a 15 fps stream at 5 fps', () => {
    const sampler = new FrameSampler(5);
    expect(taken(sampler, stream(15, 30))).toEqual([0, 3, 6, 9, 12, 15, 18, 21, 24, 27]);
    expect(sampler.analysed).toBe(10);
    expect(sampler.skipped).toBe(20);
  });

  it('keeps the pace through jitter of a fifth of a frame', () => {
    const sampler = new FrameSampler(5);
    const picks = taken(sampler, stream(15, 300, 14));
    expect(picks).toHaveLength(100);
    const gaps = picks.slice(1).map((pick, k) => pick - picks[k]!);
    expect(new Set(gaps)).toEqual(new Set([3]));
  });

  it('takes the analysis rate from any faster stream, on average', () => {
    for (const [source, target] of [
      [30, 5],
      [25, 5],
      [12.5, 5],
      [10, 3],
      [30, 1],
      [25, 30],
    ] as const) {
      const sampler = new FrameSampler(target);
      const seconds = 20;
      const picks = taken(sampler, stream(source, source * seconds, 5));
      expect(picks.length / seconds, `${source} fps sampled at ${target}`).toBeCloseTo(Math.min(source, target), 0);
    }
  });

  it('takes every frame of a stream slower than the analysis rate', () => {
    const sampler = new FrameSampler(5);
    expect(taken(sampler, stream(4, 40, 10))).toHaveLength(40);
    expect(sampler.skipped).toBe(0);
  });

  it('does not take a burst of frames to catch up after a gap', () => {
    const sampler = new FrameSampler(5);
    const before = stream(15, 15);
    const after = stream(15, 15, 0, before[14]! + 10_000);
    const picks = taken(sampler, [...before, ...after]);
    expect(picks).toEqual([0, 3, 6, 9, 12, 15, 18, 21, 24, 27]);
  });

  it('starts again when the clock goes back', () => {
    const sampler = new FrameSampler(5);
    const later = stream(15, 6, 0, 2_000_000_000_000);
    const earlier = stream(15, 6, 0, 1_000_000_000_000);
    expect(taken(sampler, [...later, ...earlier])).toEqual([0, 3, 6, 9]);
  });

  it('follows a change of rate at once', () => {
    const sampler = new FrameSampler(5);
    const times = stream(30, 60);
    expect(taken(sampler, times.slice(0, 30))).toEqual([0, 6, 12, 18, 24]);
    sampler.setFps(10);
    expect(taken(sampler, times.slice(30)).map((k) => k + 30)).toEqual([30, 33, 36, 39, 42, 45, 48, 51, 54, 57]);
  });

  it('takes frames out of turn when asked, counted as analysed, without moving the pace', () => {
    const sampler = new FrameSampler(5);
    const times = stream(15, 12);
    // Frames 1 and 2 asked for out of turn (confirming a motion seen in frame 0).
    const picks = times.flatMap((at, index) => (sampler.take(at, index === 1 || index === 2) ? [index] : []));
    expect(picks).toEqual([0, 1, 2, 3, 6, 9]);
    expect(sampler.analysed).toBe(6);
    expect(sampler.skipped).toBe(6);
  });

  it('starts the pace afresh after reset, keeping the counts', () => {
    const sampler = new FrameSampler(5);
    taken(sampler, stream(15, 5));
    sampler.reset();
    expect(sampler.take(1_700_000_000_010)).toBe(true);
    expect(sampler.analysed).toBe(3);
    expect(sampler.skipped).toBe(3);
  });

  it('refuses a rate that is not a positive number', () => {
    for (const fps of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => new FrameSampler(fps)).toThrow(`fps must be a positive number, got ${fps}`);
    expect(() => new FrameSampler(5).setFps(0)).toThrow();
  });
});

import { describe, expect, it } from 'vitest';
import { FpsMeter } from './fps-meter.js';

/** Samples a stream delivering `fps` frames a second, every 100 ms, from `from` to `to` (inclusive); returns the total. */
function feed(meter: FpsMeter, fps: number, from: number, to: number): number {
  let frames = 0;
  for (let at = from; at <= to; at += 100) {
    frames = Math.round(((at - from) * fps) / 1000);
    meter.sample(at, frames);
  }
  return frames;
}

describe('FpsMeter', () => {
  it('says 0 with no sample, and with a single one', () => {
    const meter = new FpsMeter();
    expect(meter.fps(0)).toBe(0);
    meter.sample(1_000, 25);
    expect(meter.fps(1_000)).toBe(0);
  });

  it('measures a steady stream', () => {
    const meter = new FpsMeter(3_000);
    feed(meter, 15, 0, 10_000);
    expect(meter.fps(10_000)).toBeCloseTo(15, 6);
  });

  it('measures between two samples a second apart', () => {
    const meter = new FpsMeter(3_000);
    meter.sample(5_000, 100);
    meter.sample(6_000, 125);
    expect(meter.fps(6_000)).toBe(25);
    meter.sample(6_500, 130);
    expect(meter.fps(6_500)).toBe(20); // 30 frames in 1.5 s
  });

  it('follows a change of rate within one window, forgetting older samples', () => {
    const meter = new FpsMeter(3_000);
    // 30 fps for a minute, then 5 fps: the total frame count at any moment.
    const total = (at: number) => (at <= 60_000 ? (at * 30) / 1000 : 1800 + ((at - 60_000) * 5) / 1000);
    const run = (from: number, to: number) => {
      for (let at = from; at <= to; at += 100) meter.sample(at, total(at));
    };
    run(0, 60_000);
    expect(meter.fps(60_000)).toBeCloseTo(30, 6);
    run(60_100, 61_500);
    const halfway = meter.fps(61_500);
    expect(halfway).toBeCloseTo((45 + 7.5) / 3, 6); // half the window at each rate
    run(61_600, 63_000);
    // Exactly one window after the change, only 5 fps samples are left.
    expect(meter.fps(63_000)).toBeCloseTo(5, 6);
    run(63_100, 70_000);
    expect(meter.fps(70_000)).toBeCloseTo(5, 6);
  });

  it('falls to 0 once no sample has come for longer than the window', () => {
    const meter = new FpsMeter(3_000);
    feed(meter, 10, 0, 5_000);
    expect(meter.fps(8_000)).toBeCloseTo(10, 6); // exactly a window since the last frame
    expect(meter.fps(8_001)).toBe(0);
  });

  it('falls to 0 when samples go on with no new frames', () => {
    const meter = new FpsMeter(3_000);
    const frames = feed(meter, 10, 0, 5_000);
    for (let at = 5_100; at <= 8_100; at += 100) meter.sample(at, frames);
    expect(meter.fps(8_100)).toBe(0);
  });

  it('says 0, not Infinity or NaN, for samples at one instant', () => {
    const meter = new FpsMeter();
    meter.sample(1_000, 10);
    meter.sample(1_000, 12);
    expect(meter.fps(1_000)).toBe(0);
  });

  it('starts over after reset', () => {
    const meter = new FpsMeter(3_000);
    feed(meter, 10, 0, 2_000);
    meter.reset();
    expect(meter.fps(2_000)).toBe(0);
    meter.sample(2_100, 0); // a new ffmpeg counts from 0 again
    expect(meter.fps(2_100)).toBe(0);
    meter.sample(3_100, 12);
    expect(meter.fps(3_100)).toBe(12);
  });

  it('uses the window it is given', () => {
    const meter = new FpsMeter(500);
    meter.sample(0, 0);
    meter.sample(400, 4);
    expect(meter.fps(900)).toBe(10);
    expect(meter.fps(901)).toBe(0);
  });
});

describe('FpsMeter warm-up', () => {
  /** A connection's first 100 ms bring 20 buffered frames at once, then 15 fps. */
  const burstThenSteady = (meter: FpsMeter, from: number, to: number) => {
    for (let at = from; at <= to; at += 100) meter.sample(at, at === from ? 1 : 20 + Math.round(((at - from - 100) * 15) / 1000));
  };

  it('says 0 during the warm-up, then the steady rate, not the burst', () => {
    const meter = new FpsMeter(3_000, 1_000);
    burstThenSteady(meter, 0, 900);
    expect(meter.fps(900)).toBe(0);
    burstThenSteady(meter, 0, 2_000);
    expect(meter.fps(2_000)).toBeCloseTo(15, 0);
  });

  it('without a warm-up, the burst inflates the rate', () => {
    const meter = new FpsMeter(3_000);
    burstThenSteady(meter, 0, 2_000);
    expect(meter.fps(2_000)).toBeGreaterThan(20);
  });

  it('warms up again after reset', () => {
    const meter = new FpsMeter(3_000, 1_000);
    burstThenSteady(meter, 0, 5_000);
    meter.reset();
    burstThenSteady(meter, 10_000, 10_500);
    expect(meter.fps(10_500)).toBe(0);
  });
});


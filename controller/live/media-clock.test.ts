import { describe, expect, it } from 'vitest';
import { MediaClock } from './media-clock.js';

describe('MediaClock', () => {
  it('maps media time to the wall clock from fragment arrivals, ignoring late ones', () => {
    const clock = new MediaClock();
    const origin = 1_000_000;
    expect(clock.originMs).toBeUndefined();
    // Frames every 100 ms; fragment k leaves ffmpeg when frame k+1 arrives (plus jitter).
    const jitter = [3, 40, 1, 120, 2, 5];
    for (let k = 0; k < jitter.length; k++) clock.observe(k * 0.1, origin + (k + 1) * 100 + (jitter[k] ?? 0));
    expect(clock.originMs).toBe(origin + 1);
  });

  it('follows drift: samples older than the window are forgotten', () => {
    const clock = new MediaClock();
    for (let k = 0; k <= 300; k++) clock.observe(k * 0.1, 1000 + (k + 1) * 100 + (k < 50 ? 0 : 30));
    expect(clock.originMs).toBeCloseTo(1030, 6);
    clock.reset();
    expect(clock.originMs).toBeUndefined();
  });
});

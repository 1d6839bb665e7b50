import { describe, expect, it } from 'vitest';
import { MotionHysteresis, QUIET_MS, START_FRAMES, type MotionTransitions } from './hysteresis.js';

/** Feeds frames 200 ms apart (5 fps) from `from`; `pattern` has one character per frame: '#' moving, '.' still. Returns the transitions by frame time. */
function feed(hysteresis: MotionHysteresis, pattern: string, from = 0, score = 0.1): Map<number, MotionTransitions> {
  const transitions = new Map<number, MotionTransitions>();
  [...pattern].forEach((c, k) => {
    const at = from + k * 200;
    const result = hysteresis.observe(c === '#', c === '#' ? score : 0, at);
    if (result.started || result.ended) transitions.set(at, result);
  });
  return transitions;
}

describe('MotionHysteresis', () => {
  it('defaults to two moving frames to start and two quiet seconds to end', () => {
    expect(START_FRAMES).toBe(2);
    expect(QUIET_MS).toBe(2000);
  });

  it('ignores single moving frames', () => {
    const hysteresis = new MotionHysteresis();
    expect(feed(hysteresis, '#.#.#..#.#')).toEqual(new Map());
    expect(hysteresis.inMotion).toBe(false);
  });

  it('is confirming from a moving frame until motion starts or a still frame ends the run', () => {
    const hysteresis = new MotionHysteresis();
    const confirming = [...'.#.##..'].map((c, k) => {
      hysteresis.observe(c === '#', 0.1, k * 200);
      return hysteresis.confirming;
    });
    expect(confirming).toEqual([false, true, false, true, false, false, false]);
    expect(hysteresis.inMotion).toBe(true);
  });

  it('starts on the second consecutive moving frame, dated at the first', () => {
    const hysteresis = new MotionHysteresis();
    expect(feed(hysteresis, '...##', 10_000)).toEqual(new Map([[10_800, { started: { at: 10_600 } }]]));
    expect(hysteresis.inMotion).toBe(true);
  });

  it('ends once nothing moved for the quiet interval, dated at the last moving frame, with the peak score', () => {
    const hysteresis = new MotionHysteresis();
    hysteresis.observe(true, 0.1, 0);
    hysteresis.observe(true, 0.3, 200);
    hysteresis.observe(true, 0.2, 400);
    for (let at = 600; at < 2400; at += 200) expect(hysteresis.observe(false, 0, at)).toEqual({});
    expect(hysteresis.observe(false, 0, 2400)).toEqual({ ended: { at: 400, startedAt: 0, peakScore: 0.3 } });
    expect(hysteresis.inMotion).toBe(false);
  });

  it('keeps one motion through pauses shorter than the quiet interval', () => {
    const hysteresis = new MotionHysteresis();
    // Moving 0..400, still for 1.6 s, moving again at 2200, then still for good.
    const transitions = feed(hysteresis, '###........#.............');
    expect(transitions).toEqual(
      new Map([
        [200, { started: { at: 0 } }],
        [4200, { ended: { at: 2200, startedAt: 0, peakScore: 0.1 } }],
      ]),
    );
  });

  it('starts again after an end', () => {
    const hysteresis = new MotionHysteresis();
    const transitions = feed(hysteresis, '##..........##..........');
    expect([...transitions.entries()]).toEqual([
      [200, { started: { at: 0 } }],
      [2200, { ended: { at: 200, startedAt: 0, peakScore: 0.1 } }],
      [2600, { started: { at: 2400 } }],
      [4600, { ended: { at: 2600, startedAt: 2400, peakScore: 0.1 } }],
    ]);
  });

  it('does not take two moving frames across a gap in the stream for a run', () => {
    const hysteresis = new MotionHysteresis();
    expect(hysteresis.observe(true, 0.1, 0)).toEqual({});
    expect(hysteresis.observe(true, 0.1, 60_000)).toEqual({});
    expect(hysteresis.observe(true, 0.1, 60_200)).toEqual({ started: { at: 60_000 } });
  });

  it('ends the motion before a gap, even when the frame after the gap moves', () => {
    const hysteresis = new MotionHysteresis(1);
    expect(hysteresis.observe(true, 0.1, 0)).toEqual({ started: { at: 0 } });
    expect(hysteresis.observe(true, 0.2, 30_000)).toEqual({ ended: { at: 0, startedAt: 0, peakScore: 0.1 }, started: { at: 30_000 } });
  });

  it('takes a clock that went back for a gap', () => {
    const hysteresis = new MotionHysteresis();
    feed(hysteresis, '##', 3_600_000);
    expect(hysteresis.observe(false, 0, 1000)).toEqual({ ended: { at: 3_600_200, startedAt: 3_600_000, peakScore: 0.1 } });
    expect(hysteresis.observe(true, 0.1, 5_000_000)).toEqual({});
    expect(hysteresis.observe(true, 0.1, 2000)).toEqual({}); // back again: not consecutive
    expect(hysteresis.observe(true, 0.1, 2200)).toEqual({ started: { at: 2000 } });
  });

  it('takes its own start frames and quiet interval', () => {
    const hysteresis = new MotionHysteresis(3, 500);
    const transitions = feed(hysteresis, '##.###...');
    expect([...transitions.entries()]).toEqual([
      [1000, { started: { at: 600 } }],
      [1600, { ended: { at: 1000, startedAt: 600, peakScore: 0.1 } }],
    ]);
  });

  it('finish ends the motion in progress at its last moving frame, and forgets a pending run', () => {
    const hysteresis = new MotionHysteresis();
    feed(hysteresis, '###.');
    expect(hysteresis.finish()).toEqual({ at: 400, startedAt: 0, peakScore: 0.1 });
    expect(hysteresis.finish()).toBeUndefined();
    expect(hysteresis.observe(true, 0.1, 1000)).toEqual({});
    hysteresis.finish();
    expect(hysteresis.observe(true, 0.1, 1200)).toEqual({}); // the run starts over
  });
});

import { describe, expect, it } from 'vitest';
import { ABSORB_SECONDS, Background, STILL_SECONDS } from './background.js';

// Four pixels in two rows of two.
const all = new Uint8Array(4).fill(0xff);
const frame = (...values: number[]) => Uint8Array.from(values);
const NEVER = 256; // a threshold no difference reaches: compare only learns

function make(...values: number[]): Background {
  const background = new Background(2, 2);
  background.reset(frame(...values));
  return background;
}

/** The pixels `compare` marks at a threshold, as an array (the comparison also learns, `elapsedMs` after the previous frame). */
function marks(background: Background, image: Uint8Array, threshold: number, elapsedMs = 0, keep = all): number[] {
  const changed = new Uint8Array(4).fill(7); // every pixel is written, marked or not
  background.compare(image, threshold, keep, changed, elapsedMs);
  return [...changed];
}

describe('Background', () => {
  it('is not ready until it has a frame, nor after it forgets', () => {
    const background = new Background(2, 2);
    expect(background.ready).toBe(false);
    background.reset(frame(1, 2, 3, 4));
    expect(background.ready).toBe(true);
    background.forget();
    expect(background.ready).toBe(false);
  });

  it('marks the pixels that differ by at least the threshold, either way, counts them and notes their rows', () => {
    const background = make(100, 100, 100, 100);
    const changed = new Uint8Array(4);
    expect(background.compare(frame(124, 125, 75, 76), 25, all, changed, 0)).toBe(2);
    expect([...changed]).toEqual([0, 1, 1, 0]);
    expect(background.changedRows).toEqual({ first: 0, last: 1 });
    expect(background.compare(frame(100, 100, 150, 100), 25, all, changed, 0)).toBe(1);
    expect(background.changedRows).toEqual({ first: 1, last: 1 });
    expect(marks(background, frame(124, 125, 75, 76), 24)).toEqual([1, 1, 1, 1]);
  });

  it('notes no rows when nothing changed', () => {
    const background = make(100, 100, 100, 100);
    expect(marks(background, frame(101, 99, 100, 100), 25)).toEqual([0, 0, 0, 0]);
    expect(background.changedRows.first).toBeGreaterThan(background.changedRows.last);
  });

  it('ignores pixels that are not kept', () => {
    const background = make(0, 0, 0, 0);
    expect(marks(background, frame(200, 200, 200, 200), 25, 0, frame(0xff, 0, 0xff, 0))).toEqual([1, 0, 1, 0]);
  });

  it('follows a still scene with its time constant, whatever the frame rate', () => {
    for (const fps of [2, 5, 15]) {
      const background = make(0, 0, 0, 0);
      const target = frame(200, 200, 200, 200);
      for (let k = 0; k < STILL_SECONDS * fps; k++) marks(background, target, NEVER, 1000 / fps);
      // After one time constant, 1 - 1/e of the way: 126.4, so 73.6 away; just above and below it.
      expect(marks(background, target, 73.6 - 0.5), `${fps} fps`).toEqual([1, 1, 1, 1]);
      expect(marks(background, target, 73.6 + 0.5), `${fps} fps`).toEqual([0, 0, 0, 0]);
    }
  });

  it('learns nothing from a frame taken at the same instant', () => {
    const background = make(0, 0, 0, 0);
    marks(background, frame(200, 200, 200, 200), NEVER, 0);
    expect(marks(background, frame(0, 0, 0, 0), 0.01)).toEqual([0, 0, 0, 0]);
  });

  it('keeps slow changes of less than a grey level a frame', () => {
    const background = make(100, 100, 100, 100);
    // 30 fps: each frame moves the background by a sixtieth of the 10-level difference.
    for (let k = 0; k < 300; k++) marks(background, frame(110, 110, 90, 90), NEVER, 1000 / 30);
    expect(marks(background, frame(110, 110, 90, 90), 0.25)).toEqual([0, 0, 0, 0]);
  });

  it('leaves moving pixels out until they have moved for ABSORB_SECONDS, then takes them in', () => {
    const background = make(50, 50, 50, 50);
    // The top row turns bright (moving); the bottom one a little brighter, under the threshold (still).
    const scene = frame(250, 250, 60, 60);
    for (let ms = 200; ms < ABSORB_SECONDS * 1000; ms += 200) expect(marks(background, scene, 20, 200)).toEqual([1, 1, 0, 0]);
    // The bottom has caught up; the top has not moved at all: still the whole 200 levels away.
    expect(marks(background, scene, 0.5)).toEqual([1, 1, 0, 0]);
    expect(marks(background, scene, 200)).toEqual([1, 1, 0, 0]);
    // Moving for ABSORB_SECONDS now: taken in at the still rate, within a few time constants.
    for (let ms = 0; ms < 4 * STILL_SECONDS * 1000; ms += 200) marks(background, scene, 20, 200);
    expect(marks(background, scene, 20)).toEqual([0, 0, 0, 0]);
  });

  it('starts a pixel’s moving time over when it stops moving', () => {
    const background = make(50, 50, 50, 50);
    const bright = frame(250, 50, 50, 50);
    // Moving for most of ABSORB_SECONDS, one still frame, then moving again as long: never taken in.
    for (let ms = 400; ms < ABSORB_SECONDS * 1000; ms += 200) marks(background, bright, 20, 200);
    marks(background, frame(50, 50, 50, 50), 20, 200);
    for (let ms = 400; ms < ABSORB_SECONDS * 1000; ms += 200) marks(background, bright, 20, 200);
    expect(marks(background, frame(50, 50, 50, 50), 0.01)).toEqual([0, 0, 0, 0]);
  });
});

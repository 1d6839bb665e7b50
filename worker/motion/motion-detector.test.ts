import { describe, expect, it } from 'vitest';
import { ABSORB_SECONDS } from './background.js';
import { QUIET_MS } from './hysteresis.js';
import { MotionDetector, type MotionResult, type MotionSettings } from './motion-detector.js';
import type { Polygon } from './polygons.js';

const W = 320;
const H = 180;
const T0 = 1_700_000_000_000;
/** Frame k of a 5 fps analysis. */
const at = (k: number) => T0 + k * 200;
const DEFAULTS: MotionSettings = { threshold: 25, minArea: 0.005, zones: [], masks: [] };

interface Square {
  x: number;
  y: number;
  size: number;
  /** The grey level inside; or, with `add`, what is added to the scene's. */
  value?: number;
  add?: number;
}

/**
 * A still camera: a textured scene (a horizontal gradient with bands, so that its contrast is
 * ordinary) with fresh noise in every frame, squares drawn over it, and the whole frame brightened
 * or darkened on demand. One buffer is reused for every frame, as ffmpeg's reader does.
 */
class Camera {
  readonly scene = new Uint8Array(W * H);
  private readonly frame = new Uint8Array(W * H);
  private seed = 12345;

  constructor(
    private readonly noise = 16,
    texture: (x: number, y: number) => number = (x, y) => 30 + (x * 180) / W + 20 * Math.sin(y / 5),
  ) {
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) this.scene[y * W + x] = texture(x, y);
  }

  shoot(squares: Square[] = [], brightness = 0): Uint8Array {
    const { frame } = this;
    for (let i = 0; i < frame.length; i++) frame[i] = clamp(this.scene[i]! + brightness + (this.random() - 0.5) * 2 * this.noise);
    for (const { x, y, size, value, add = 0 } of squares) {
      for (let row = Math.max(0, y); row < Math.min(H, y + size); row++) {
        for (let col = Math.max(0, x); col < Math.min(W, x + size); col++) {
          const i = row * W + col;
          frame[i] = value ?? clamp(frame[i]! + add);
        }
      }
    }
    return frame;
  }

  private random(): number {
    this.seed = (Math.imul(this.seed, 1103515245) + 12345) >>> 0;
    return this.seed / 2 ** 32;
  }
}

const clamp = (v: number) => Math.min(255, Math.max(0, Math.round(v)));

/** Runs frames 0 .. count-1 through the detector; `squares(k)` says what is in frame k. */
function run(detector: MotionDetector, camera: Camera, count: number, squares: (k: number) => Square[] = () => [], from = 0): MotionResult[] {
  const results: MotionResult[] = [];
  for (let k = from; k < from + count; k++) results.push(detector.analyse(camera.shoot(squares(k)), at(k)));
  return results;
}

const rect = (x0: number, y0: number, x1: number, y1: number): Polygon => ({
  points: [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
  ],
});

/** A detector that has watched the still scene for two seconds. */
function settled(camera: Camera, settings: Partial<MotionSettings> = {}): MotionDetector {
  const detector = new MotionDetector(W, H, { ...DEFAULTS, ...settings });
  run(detector, camera, 10);
  return detector;
}

const quiet = (results: MotionResult[]) => results.every((r) => !r.motion && !r.started && !r.ended && !r.recalibrated);

describe('MotionDetector', () => {
  it('reports nothing for a noisy still scene', () => {
    const camera = new Camera(20);
    const detector = new MotionDetector(W, H, DEFAULTS);
    const results = run(detector, camera, 100);
    expect(quiet(results)).toBe(true);
    expect(Math.max(...results.map((r) => r.score))).toBe(0);
  });

  it('finds a moving square, with its box', () => {
    const camera = new Camera();
    const detector = settled(camera);
    const square = (k: number): Square => ({ x: 40 + 6 * k, y: 60, size: 30, value: 255 });
    const results = run(detector, camera, 20, (k) => [square(k)], 10);
    for (const [n, result] of results.entries()) {
      const { x } = square(10 + n);
      expect(result.motion).toBe(true);
      expect(result.boxes).toHaveLength(1);
      const box = result.boxes[0]!;
      // The blur and the dilation each add a pixel around the square.
      expect(box.x * W).toBeGreaterThanOrEqual(x - 2);
      expect(box.x * W).toBeLessThanOrEqual(x);
      expect(box.y * H).toBeGreaterThanOrEqual(58);
      expect(box.y * H).toBeLessThanOrEqual(60);
      expect(box.width * W).toBeGreaterThanOrEqual(30);
      expect(box.width * W).toBeLessThanOrEqual(34);
      expect(box.height * H).toBeGreaterThanOrEqual(30);
      expect(box.height * H).toBeLessThanOrEqual(34);
      expect(result.score).toBeCloseTo((box.width * W * box.height * H) / (W * H), 2);
    }
  });

  it('reports boxes largest first', () => {
    const camera = new Camera();
    const detector = settled(camera);
    const [, result] = run(detector, camera, 2, () => [
      { x: 20, y: 20, size: 24, value: 255 },
      { x: 200, y: 100, size: 40, value: 255 },
    ]);
    expect(result!.boxes).toHaveLength(2);
    expect(result!.boxes[0]!.x * W).toBeGreaterThan(190);
    expect(result!.boxes[1]!.x * W).toBeLessThan(30);
  });

  it('ignores regions smaller than minArea', () => {
    const camera = new Camera();
    // A 10 × 10 square comes to about 14 × 14 pixels moving: 0.0034 of the frame.
    const small = (k: number) => [{ x: 50 + 3 * k, y: 80, size: 10, value: 255 }];
    expect(quiet(run(settled(camera), camera, 10, small, 10))).toBe(true);
    expect(run(settled(camera, { minArea: 0.002 }), camera, 10, small, 10).every((r) => r.motion)).toBe(true);
  });

  it('counts a change of brightness as moving from the threshold up', () => {
    const camera = new Camera();
    const brighter = () => [{ x: 100, y: 50, size: 40, add: 45 }];
    expect(run(settled(camera, { threshold: 25 }), camera, 3, brighter, 10).every((r) => r.motion)).toBe(true);
    expect(quiet(run(settled(camera, { threshold: 90 }), camera, 3, brighter, 10))).toBe(true);
  });

  it('ignores motion under a mask, but not beside it', () => {
    const camera = new Camera();
    const masks = [rect(0.5, 0, 1, 0.5)];
    // Inside the mask (x 160..319, y 0..89), then left of it.
    const inside = (k: number) => [{ x: 170 + 3 * k, y: 20, size: 40, value: 255 }];
    const beside = (k: number) => [{ x: 10 + 3 * k, y: 20, size: 40, value: 255 }];
    // Along the inside of the mask's edge: the blur does not carry it out.
    const alongEdge = (k: number) => [{ x: 160, y: 5 + k, size: 40, value: 255 }];
    expect(quiet(run(settled(camera, { masks }), camera, 20, inside, 10))).toBe(true);
    expect(quiet(run(settled(camera, { masks, minArea: 0.001 }), camera, 20, alongEdge, 10))).toBe(true);
    expect(run(settled(camera, { masks }), camera, 20, beside, 10).every((r) => r.motion)).toBe(true);
  });

  it('counts only the part of a region outside the masks', () => {
    const camera = new Camera();
    const detector = settled(camera, { masks: [rect(0.5, 0, 1, 1)] });
    const [, result] = run(detector, camera, 2, () => [{ x: 120, y: 60, size: 80, value: 255 }], 10);
    const box = result!.boxes[0]!;
    expect(box.x * W).toBeGreaterThanOrEqual(118);
    expect((box.x + box.width) * W).toBeLessThanOrEqual(160);
  });

  it('counts only motion inside the zones', () => {
    const camera = new Camera();
    const zones = [rect(0, 0, 0.5, 1)];
    const outside = (k: number) => [{ x: 200 + 4 * k, y: 60, size: 40, value: 255 }];
    const inside = (k: number) => [{ x: 20 + 4 * k, y: 60, size: 40, value: 255 }];
    expect(quiet(run(settled(camera, { zones }), camera, 20, outside, 10))).toBe(true);
    expect(run(settled(camera, { zones }), camera, 20, inside, 10).every((r) => r.motion)).toBe(true);
    // Across the zone's edge, the box stops at the edge.
    const [, across] = run(settled(camera, { zones }), camera, 2, () => [{ x: 120, y: 60, size: 80, value: 255 }], 10);
    expect((across!.boxes[0]!.x + across!.boxes[0]!.width) * W).toBeLessThanOrEqual(160);
  });

  it('takes a global change of brightness for lighting: recalibrates, raises no motion', () => {
    const camera = new Camera();
    const detector = settled(camera);
    const results: MotionResult[] = [];
    for (let k = 10; k < 40; k++) results.push(detector.analyse(camera.shoot([], k >= 20 ? 60 : 0), at(k)));
    expect(results.map((r) => r.recalibrated)).toEqual(results.map((_, n) => n === 10));
    expect(results.some((r) => r.motion || r.started)).toBe(false);
    // Lights off again, darker than at first.
    for (let k = 40; k < 60; k++) {
      const result = detector.analyse(camera.shoot([], -40), at(k));
      expect(result.motion).toBe(false);
      expect(result.recalibrated).toBe(k === 40);
    }
  });

  it('still finds motion in a dark, low-contrast scene', () => {
    const dark = new Camera(3, (x, y) => 12 + (x * 20) / W + 4 * Math.sin(y / 5));
    const object = (k: number) => [{ x: 40 + 5 * k, y: 60, size: 30, add: 15 }];
    expect(run(settled(dark), dark, 10, object, 10).every((r) => r.motion)).toBe(true);
    // The same difference in an ordinary scene is below the threshold.
    const ordinary = new Camera(3);
    expect(quiet(run(settled(ordinary), ordinary, 10, object, 10))).toBe(true);
  });

  it('starts at the first moving frame and ends at the last, once quiet for QUIET_MS', () => {
    const camera = new Camera();
    const detector = settled(camera);
    // Moving in frames 10 .. 19.
    const results = run(detector, camera, 40, (k) => (k >= 10 && k < 20 ? [{ x: 20 + 8 * k, y: 60, size: 30, value: 255 }] : []), 0);
    const started = results.flatMap((r, k) => (r.started ? [{ k, ...r.started }] : []));
    const ended = results.flatMap((r, k) => (r.ended ? [{ k, ...r.ended }] : []));
    expect(started).toEqual([{ k: 11, at: at(10) }]);
    expect(ended).toHaveLength(1);
    expect(ended[0]).toMatchObject({ k: 19 + QUIET_MS / 200, at: at(19), startedAt: at(10) });
    expect(ended[0]!.peakScore).toBeGreaterThan(0.015);
    expect(results.map((r) => r.motion)).toEqual(results.map((_, k) => k >= 10 && k < 20));
  });

  it('leaves no ghost behind a slow object', () => {
    const camera = new Camera();
    const detector = settled(camera);
    // One pixel a frame: each pixel is covered for 6 seconds.
    const results = run(detector, camera, 60, (k) => (k < 50 ? [{ x: 60 + (k - 10), y: 60, size: 30, value: 255 }] : []), 10);
    expect(results.slice(0, 40).every((r) => r.motion)).toBe(true);
    expect(results.slice(40).some((r) => r.motion)).toBe(false);
  });

  it('takes in an object that stays, after ABSORB_SECONDS', () => {
    const camera = new Camera();
    const detector = settled(camera);
    const parked = [{ x: 100, y: 60, size: 40, value: 255 }];
    const results = run(detector, camera, 150, () => parked, 10);
    const end = results.findIndex((r) => r.ended);
    expect(results[1]!.started).toEqual({ at: at(10) });
    // Taken in within a few time constants after ABSORB_SECONDS, then quiet for QUIET_MS.
    expect(end * 200).toBeGreaterThan(ABSORB_SECONDS * 1000);
    expect(end * 200).toBeLessThan(ABSORB_SECONDS * 1000 + 6000 + QUIET_MS);
    expect(quiet(results.slice(end + 1))).toBe(true);
  });

  describe('update', () => {
    // From x = 50 to 150 over frames 10 to 43, left of 0.6.
    const moving = (k: number) => [{ x: 20 + 3 * k, y: 40, size: 40, add: 80 }];

    it('applies a new threshold and minArea from the next frame', () => {
      const camera = new Camera();
      const detector = settled(camera);
      expect(run(detector, camera, 3, moving, 10).every((r) => r.motion)).toBe(true);
      detector.update({ ...DEFAULTS, threshold: 255 });
      expect(run(detector, camera, 3, moving, 13).some((r) => r.motion)).toBe(false);
      detector.update({ ...DEFAULTS, minArea: 0.5 });
      expect(run(detector, camera, 3, moving, 16).some((r) => r.motion)).toBe(false);
      detector.update(DEFAULTS);
      expect(run(detector, camera, 3, moving, 19).every((r) => r.motion)).toBe(true);
    });

    it('applies zones and masks without losing the background or the motion in progress', () => {
      const camera = new Camera();
      const detector = settled(camera);
      const first = run(detector, camera, 4, moving, 10);
      expect(first[1]!.started).toBeDefined();
      // Motion only to the right: the square on the left no longer counts, but the motion goes on until quiet.
      detector.update({ ...DEFAULTS, zones: [rect(0.6, 0, 1, 1)] });
      const zoned = run(detector, camera, 15, moving, 14);
      expect(zoned.some((r) => r.motion || r.recalibrated)).toBe(false);
      expect(zoned.filter((r) => r.ended)).toHaveLength(1);
      // A mask over the left, then none: the background went on learning under it, so nothing shows.
      detector.update({ ...DEFAULTS, masks: [rect(0, 0, 0.5, 1)] });
      expect(quiet(run(detector, camera, 5, () => [], 29))).toBe(true);
      detector.update(DEFAULTS);
      expect(quiet(run(detector, camera, 5, () => [], 34))).toBe(true);
      expect(run(detector, camera, 3, moving, 39).every((r) => r.motion)).toBe(true);
    });
  });

  it('reset ends the motion in progress and starts a new background', () => {
    const camera = new Camera();
    const detector = settled(camera);
    run(detector, camera, 5, (k) => [{ x: 10 * k, y: 10, size: 30, value: 255 }], 10);
    expect(detector.inMotion).toBe(true);
    expect(detector.reset()).toMatchObject({ at: at(14), startedAt: at(10) });
    expect(detector.inMotion).toBe(false);
    // The next frame is the background, whatever is in it.
    expect(quiet(run(detector, camera, 5, () => [{ x: 100, y: 100, size: 50, value: 0 }], 100))).toBe(true);
  });

  it('refuses a frame of the wrong size', () => {
    const detector = new MotionDetector(W, H, DEFAULTS);
    expect(() => detector.analyse(new Uint8Array(W * H - 1), T0)).toThrow(`expected a 320x180 frame of 57600 bytes, got 57599`);
  });
});

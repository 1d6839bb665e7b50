/** How fast the background follows the scene where nothing moves (a time constant, so it does not depend on the analysis rate): shadows and dusk within seconds. */
export const STILL_SECONDS = 2;
/**
 * How long a pixel must keep moving before the background follows it again. Until then a moving
 * pixel is left out of the average, so that a passing object, however slow, leaves no ghost
 * behind; after it, something that stays (a parked car, a moved chair) is taken in at the still
 * rate instead of being motion forever.
 */
export const ABSORB_SECONDS = 10;

/** The background holds grey levels in 1/256ths, so that changes of less than a level a frame still accumulate. */
const SCALE = 256;
/** How long a pixel's moving time is counted (ms, 16 bits), comfortably past ABSORB_SECONDS. */
const MOVING_CAP = 0xffff;

/**
 * The scene without what moves in it: a running average of the (blurred) frames, per pixel.
 * Fixed point in 16 bits rather than floats, and moving times in 16 bits: the per-frame passes
 * are limited by memory more than by arithmetic, so smaller arrays are faster.
 */
export class Background {
  private readonly mean: Uint16Array;
  /** How long each pixel has been moving without a break (ms, up to MOVING_CAP). */
  private readonly movingFor: Uint16Array;
  private seeded = false;

  constructor(readonly size: number) {
    this.mean = new Uint16Array(size);
    this.movingFor = new Uint16Array(size);
  }

  /** False until the first frame, and after `forget`. */
  get ready(): boolean {
    return this.seeded;
  }

  /** Makes `frame` the background: the first frame, or the scene after a change of lighting. */
  reset(frame: Uint8Array): void {
    for (let i = 0; i < this.size; i++) this.mean[i] = frame[i]! * SCALE;
    this.movingFor.fill(0);
    this.seeded = true;
  }

  /** Makes `frame` the background only where `where` is not 0 (pixels whose masking changed). */
  reseed(frame: Uint8Array, where: Uint8Array): void {
    for (let i = 0; i < this.size; i++) {
      if (where[i] === 0) continue;
      this.mean[i] = frame[i]! * SCALE;
      this.movingFor[i] = 0;
    }
  }

  forget(): void {
    this.seeded = false;
  }

  /**
   * Marks with 1 in `changed` the pixels of `frame` that differ from the background by at least
   * `threshold` grey levels, among those where `keep` is not 0, and 0 elsewhere; returns how many
   * are marked.
   */
  difference(frame: Uint8Array, threshold: number, keep: Uint8Array, changed: Uint8Array): number {
    const { mean } = this;
    const limit = threshold * SCALE;
    let count = 0;
    for (let i = 0; i < this.size; i++) {
      const delta = frame[i]! * SCALE - mean[i]!;
      const moved = (delta >= limit || delta <= -limit ? 1 : 0) & keep[i]!;
      changed[i] = moved;
      count += moved;
    }
    return count;
  }

  /**
   * Moves the background toward `frame`, `elapsedMs` after the previous frame, where nothing
   * moves and where something has kept moving for ABSORB_SECONDS; `moving` is 0 or 1 per pixel.
   */
  update(frame: Uint8Array, moving: Uint8Array, elapsedMs: number): void {
    const { mean, movingFor } = this;
    const weight = 1 - Math.exp(-elapsedMs / (STILL_SECONDS * 1000));
    const absorbAfter = ABSORB_SECONDS * 1000;
    const step = Math.min(MOVING_CAP, Math.round(elapsedMs));
    for (let i = 0; i < this.size; i++) {
      if (moving[i] === 0) {
        movingFor[i] = 0;
      } else {
        const moved = Math.min(MOVING_CAP, movingFor[i]! + step);
        movingFor[i] = moved;
        if (moved < absorbAfter) continue;
      }
      // + 0.5: the store truncates, and rounding keeps the average from creeping downward.
      mean[i]! += (frame[i]! * SCALE - mean[i]!) * weight + 0.5;
    }
  }
}

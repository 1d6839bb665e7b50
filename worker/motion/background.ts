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
 * The scene without what moves in it: a running average of the (blurred) frames, per pixel, that
 * leaves out the pixels that differ from it. Averages in 16-bit fixed point and moving times in
 * 16 bits rather than floats: half the memory to go through at every frame.
 */
export class Background {
  readonly size: number;
  private readonly mean: Uint16Array;
  /** How long each pixel has been moving without a break (ms, up to MOVING_CAP). */
  private readonly movingFor: Uint16Array;
  /** How many pixels of each row the last `compare` marked: rows with none have no moving time. */
  private readonly markedInRow: Uint32Array;
  private seeded = false;
  /** The rows holding the pixels the last `compare` marked; `first` > `last` when it marked none. */
  readonly changedRows = { first: 0, last: -1 };

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.size = width * height;
    this.mean = new Uint16Array(this.size);
    this.movingFor = new Uint16Array(this.size);
    this.markedInRow = new Uint32Array(height);
  }

  /** False until the first frame, and after `forget`. */
  get ready(): boolean {
    return this.seeded;
  }

  /** Makes `frame` the background: the first frame, or the scene after a change of lighting. */
  reset(frame: Uint8Array): void {
    const { mean, size } = this;
    for (let i = 0; i < size; i++) mean[i] = frame[i]! * SCALE;
    this.movingFor.fill(0);
    this.markedInRow.fill(0);
    this.seeded = true;
  }

  forget(): void {
    this.seeded = false;
  }

  /**
   * Compares `frame`, taken `elapsedMs` after the previous one, with the background, then takes
   * it in. Marks with 1 in `changed` the pixels that differ by at least `threshold` grey levels,
   * among those where `keep` is not 0, and 0 elsewhere; returns how many are marked, and notes
   * their rows in `changedRows`.
   *
   * The background moves toward the frame with the time constant STILL_SECONDS, except at the
   * marked pixels until they have been marked for ABSORB_SECONDS without a break. One pass does
   * both: the per-frame passes over the image are what the detector's time goes to.
   */
  compare(frame: Uint8Array, threshold: number, keep: Uint8Array, changed: Uint8Array, elapsedMs: number): number {
    const { mean, movingFor, width, size } = this;
    const limit = threshold * SCALE;
    // The new frame's weight, in 1/4096ths so that the loop stays in integers.
    const weight = Math.round(4096 * (1 - Math.exp(-elapsedMs / (STILL_SECONDS * 1000))));
    const absorbAfter = ABSORB_SECONDS * 1000;
    const step = Math.min(MOVING_CAP, Math.round(elapsedMs));
    let count = 0;
    let first = size;
    let last = -1;
    changed.fill(0); // a native fill, then a store only where a pixel is marked
    for (let start = 0, row = 0; start < size; start += width, row++) {
      const end = start + width;
      let marked = 0;
      if (this.markedInRow[row] === 0) {
        // Nothing in this row moved last time, so no moving time to keep or clear: the common
        // case, without a look at `movingFor` for every still pixel.
        for (let i = start; i < end; i++) {
          const m = mean[i]!;
          const delta = frame[i]! * SCALE - m;
          if ((delta >= limit || delta <= -limit) && keep[i] !== 0) {
            changed[i] = 1;
            marked++;
            movingFor[i] = step;
            if (step < absorbAfter) continue;
          }
          // + 2048 rounds the ÷ 4096 (>> 12), so that the average does not creep downward.
          mean[i] = m + ((delta * weight + 2048) >> 12);
        }
      } else {
        for (let i = start; i < end; i++) {
          const m = mean[i]!;
          const delta = frame[i]! * SCALE - m;
          if ((delta >= limit || delta <= -limit) && keep[i] !== 0) {
            changed[i] = 1;
            marked++;
            const moving = Math.min(MOVING_CAP, movingFor[i]! + step);
            movingFor[i] = moving;
            if (moving < absorbAfter) continue;
          } else if (movingFor[i] !== 0) {
            movingFor[i] = 0;
          }
          mean[i] = m + ((delta * weight + 2048) >> 12);
        }
      }
      this.markedInRow[row] = marked;
      if (marked === 0) continue;
      count += marked;
      if (first === size) first = start;
      last = start;
    }
    this.changedRows.first = first / width;
    this.changedRows.last = last < 0 ? -1 : last / width;
    return count;
  }
}

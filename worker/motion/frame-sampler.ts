/**
 * Picks, from every frame the sub stream delivers, the `fps` per second to analyse. The rate can
 * change at any time without restarting the decoder (ffmpeg hands every frame over).
 *
 * Frames are due at a steady pace, one interval after the previous due time rather than after the
 * last frame taken, so the pace does not drift with jitter; a frame is taken when it is closer to
 * its due time than the next frame is likely to be (half the latest gap between frames), so that
 * a 15 fps camera sampled at 5 fps gives every third frame, not every third or fourth by luck.
 */
export class FrameSampler {
  private dueAt: number | undefined;
  private lastAt: number | undefined;
  private intervalMs: number;
  /** Frames taken, and passed over, since the sampler was made. */
  analysed = 0;
  skipped = 0;

  constructor(fps: number) {
    this.intervalMs = FrameSampler.interval(fps);
  }

  setFps(fps: number): void {
    this.intervalMs = FrameSampler.interval(fps);
  }

  /**
   * Whether to analyse the frame that arrived at `at` (ms); counts it either way. `outOfTurn`
   * takes a frame that is not due, leaving the pace as it was: the frames that confirm a motion
   * just seen, so that it is reported a stream frame later rather than an analysis interval later.
   */
  take(at: number, outOfTurn = false): boolean {
    const gap = this.lastAt === undefined ? 0 : Math.max(0, at - this.lastAt);
    this.lastAt = at;
    const interval = this.intervalMs;
    const due = this.dueAt;
    // A due time far ahead means the clock went back: the pace starts again from this frame.
    const restart = due === undefined || due - at > 2 * interval;
    if (!restart && at + gap / 2 < due) {
      if (outOfTurn) {
        this.analysed++;
        return true;
      }
      this.skipped++;
      return false;
    }
    // So it does after a gap longer than an interval (a slow or stalled stream), instead of
    // taking the frames that follow in a burst to catch up.
    this.dueAt = restart || at - due > interval ? at + interval : due + interval;
    this.analysed++;
    return true;
  }

  /** Starts the pace afresh at the next frame (a new connection), keeping the counts. */
  reset(): void {
    this.dueAt = undefined;
    this.lastAt = undefined;
  }

  private static interval(fps: number): number {
    if (!(fps > 0) || !Number.isFinite(fps)) throw new Error(`fps must be a positive number, got ${fps}`);
    return 1000 / fps;
  }
}

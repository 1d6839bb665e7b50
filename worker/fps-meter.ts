/**
 * Frames per second over a sliding window of recent samples: steady enough to show, quick
 * enough to fall to 0 within a window when a stream stops.
 *
 * A new connection starts with a burst (the frames the server and ffmpeg had buffered arrive at
 * once), which would read as twice the camera's rate: samples within `warmupMs` of the first one
 * after a reset only move the baseline, and the meter says 0 until the warm-up is over.
 */
export class FpsMeter {
  private readonly samples: { at: number; frames: number }[] = [];
  private warmupEndsAt: number | undefined;

  constructor(
    private readonly windowMs = 3000,
    private readonly warmupMs = 0,
  ) {}

  /** Records the running frame total at a moment. */
  sample(at: number, totalFrames: number): void {
    this.warmupEndsAt ??= at + this.warmupMs;
    if (at < this.warmupEndsAt) {
      this.samples.length = 0;
      this.samples.push({ at, frames: totalFrames });
      return;
    }
    this.samples.push({ at, frames: totalFrames });
    while (this.samples.length > 2 && (this.samples[1]?.at ?? at) <= at - this.windowMs) this.samples.shift();
  }

  /** Frames per second between the oldest and the newest sample in the window. */
  fps(now: number): number {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || last === first) return 0;
    if (now - last.at > this.windowMs) return 0; // nothing recent: the stream has stopped
    const seconds = (last.at - first.at) / 1000;
    return seconds > 0 ? (last.frames - first.frames) / seconds : 0;
  }

  reset(): void {
    this.samples.length = 0;
    this.warmupEndsAt = undefined;
  }
}

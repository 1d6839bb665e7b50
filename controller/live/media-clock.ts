// When was a fragment's picture taken? ffmpeg writes a fragment out the moment the next frame
// reaches it (the fragment is then complete), so a fragment's arrival here is, give or take a
// millisecond, the arrival at ffmpeg of the frame that starts the next fragment. Hence
// wall clock of media time 0 = arrival(fragment k) - time(fragment k+1), at best; the least of
// these over a sliding window drops the delays of a busy moment and follows the slow drift of
// the camera's clock. Browsers add this origin to their video's currentTime to know how old
// the picture on screen is (camera to screen; a camera's own encoding delay is not visible here).

const WINDOW_MS = 10_000;

export class MediaClock {
  private lastArrivalMs: number | undefined;
  private samples: { atMs: number; originMs: number }[] = [];

  /** A fragment whose media time is `time` seconds arrived at `arrivalMs` (wall clock). */
  observe(time: number | undefined, arrivalMs: number): void {
    if (time === undefined) return;
    if (this.lastArrivalMs !== undefined) {
      const originMs = this.lastArrivalMs - time * 1000;
      while (this.samples.length > 0 && (this.samples[this.samples.length - 1]?.originMs ?? -Infinity) >= originMs) this.samples.pop();
      this.samples.push({ atMs: arrivalMs, originMs });
      while (this.samples.length > 1 && (this.samples[0]?.atMs ?? arrivalMs) < arrivalMs - WINDOW_MS) this.samples.shift();
    }
    this.lastArrivalMs = arrivalMs;
  }

  /** Wall clock (ms since the epoch) of media time 0; undefined until two fragments came. */
  get originMs(): number | undefined {
    return this.samples[0]?.originMs;
  }

  reset(): void {
    this.lastArrivalMs = undefined;
    this.samples = [];
  }
}

/** Observations kept: enough to smooth out scheduling delays, few enough to follow clock drift. */
const OBSERVATIONS = 32;

/**
 * Maps ffmpeg's stream time (seconds from the start of its run) to wall-clock time. ffmpeg
 * closes a segment when the first packet after it arrives, so when the worker learns that a
 * segment ended at stream time `t`, that packet arrived at `t + offset` or earlier: every
 * delay (ffmpeg's, the disk's, the worker's) only makes `now - t` larger. The smallest recent
 * `now - t` is the best estimate of the offset.
 */
export class StreamClock {
  private readonly offsets: number[] = [];
  private offsetMs: number | undefined;

  /** A segment ending at `streamSeconds` was seen at `nowMs`. */
  observe(streamSeconds: number, nowMs: number): void {
    this.offsets.push(nowMs - streamSeconds * 1000);
    if (this.offsets.length > OBSERVATIONS) this.offsets.shift();
    this.offsetMs = Math.min(...this.offsets);
  }

  /** Epoch ms of a stream time; undefined until a first observation. */
  wallTime(streamSeconds: number): number | undefined {
    return this.offsetMs === undefined ? undefined : Math.round(this.offsetMs + streamSeconds * 1000);
  }
}

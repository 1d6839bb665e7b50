/** Consecutive moving frames before motion starts: one frame alone is too often noise. */
export const START_FRAMES = 2;
/** Time without a moving frame after which motion ends: a person pausing mid-scene is still one event. */
export const QUIET_MS = 2000;

export interface MotionStart {
  /** When the first moving frame of the run that started motion was taken (epoch ms). */
  at: number;
}

export interface MotionEnd {
  /** When the last moving frame was taken (epoch ms): the quiet interval that confirmed the end is not part of the motion. */
  at: number;
  startedAt: number;
  /** The largest score of any frame of the motion. */
  peakScore: number;
}

export interface MotionTransitions {
  started?: MotionStart;
  ended?: MotionEnd;
}

/**
 * Turns per-frame "moving or not" into motion events: motion starts after `startFrames`
 * consecutive moving frames and ends after `quietMs` without one. Times are the frames' own, so
 * the start is the first moving frame of the run (exact to one analysed frame, though it is only
 * known a frame or two later), and the end is the last moving frame.
 */
export class MotionHysteresis {
  /** The run of consecutive moving frames while motion has not started. */
  private run = { frames: 0, startedAt: 0, lastAt: 0, peakScore: 0 };
  private active: { startedAt: number; lastMovingAt: number; peakScore: number } | undefined;

  constructor(
    private readonly startFrames = START_FRAMES,
    private readonly quietMs = QUIET_MS,
  ) {}

  get inMotion(): boolean {
    return this.active !== undefined;
  }

  /** A moving frame has been seen, and motion waits for the next ones to start. */
  get confirming(): boolean {
    return this.active === undefined && this.run.frames > 0;
  }

  /** Takes one analysed frame; says what started or ended with it, if anything. */
  observe(moving: boolean, score: number, at: number): MotionTransitions {
    const transitions: MotionTransitions = {};
    const { active, run } = this;
    // Checked before the frame counts, so that a frame arriving after a long gap (a stalled
    // stream) ends the motion before it, instead of stretching it over the gap. A clock that
    // went back is a gap too: waiting for it to catch up could hold the motion open for hours.
    if (active && this.apart(active.lastMovingAt, at)) transitions.ended = this.finish();
    if (!moving) {
      run.frames = 0;
      return transitions;
    }
    if (this.active) {
      this.active.lastMovingAt = at;
      this.active.peakScore = Math.max(this.active.peakScore, score);
      return transitions;
    }
    // Frames far apart (a gap in the stream) are not consecutive.
    if (run.frames > 0 && this.apart(run.lastAt, at)) run.frames = 0;
    if (run.frames === 0) {
      run.startedAt = at;
      run.peakScore = 0;
    }
    run.frames++;
    run.lastAt = at;
    run.peakScore = Math.max(run.peakScore, score);
    if (run.frames >= this.startFrames) {
      this.active = { startedAt: run.startedAt, lastMovingAt: at, peakScore: run.peakScore };
      transitions.started = { at: run.startedAt };
      run.frames = 0;
    }
    return transitions;
  }

  private apart(earlier: number, later: number): boolean {
    return later - earlier >= this.quietMs || later < earlier;
  }

  /** Ends the motion in progress, if any, at its last moving frame (the stream stopped, the detector is reset); forgets a run that has not started. */
  finish(): MotionEnd | undefined {
    const { active } = this;
    this.active = undefined;
    this.run.frames = 0;
    return active && { at: active.lastMovingAt, startedAt: active.startedAt, peakScore: active.peakScore };
  }
}

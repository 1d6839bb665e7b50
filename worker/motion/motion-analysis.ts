import type { CameraSpec } from '../../crds-like-schemas/generated/camera.js';
import type { MotionEnd, MotionStart } from './hysteresis.js';
import { MotionDetector, type MotionBox } from './motion-detector.js';
import { FpsMeter } from '../fps-meter.js';
import { FrameSampler } from './frame-sampler.js';

/** What the heartbeat reports of motion analysis. */
export interface MotionFigures {
  /** Frames analysed per second, over the last few seconds: motion.fps when the stream keeps up. */
  analysedFps: number;
  /** Frames decoded but passed over per second (the stream's rate above motion.fps). */
  skippedFps: number;
  /** Motion is in progress. */
  active: boolean;
}

export interface MotionAnalysisEvents {
  started(start: MotionStart & { score: number; boxes: MotionBox[] }): void;
  ended(end: MotionEnd): void;
}

/**
 * The worker's side of motion: every decoded frame of the analysis stream comes in, `motion.fps`
 * of them per second are analysed (the rest skipped, except those that confirm a moving frame),
 * and motion starts and ends are handed on.
 * The detector is made for the frames' size when the first arrives, and anew if it changes (a
 * new `motion.width`).
 */
export class MotionAnalysis {
  private detector: MotionDetector | undefined;
  private readonly sampler: FrameSampler;
  private readonly analysedMeter = new FpsMeter();
  private readonly skippedMeter = new FpsMeter();

  constructor(
    private settings: CameraSpec['motion'],
    private readonly events: MotionAnalysisEvents,
  ) {
    this.sampler = new FrameSampler(settings.fps);
  }

  figures(now: number): MotionFigures {
    const round = (fps: number) => Math.round(fps * 10) / 10;
    return { analysedFps: round(this.analysedMeter.fps(now)), skippedFps: round(this.skippedMeter.fps(now)), active: this.detector?.inMotion ?? false };
  }

  frame(frame: Uint8Array, width: number, height: number, at: number): void {
    if (!this.settings.enabled) return;
    // A moving frame is confirmed (or not) by the frames right after it, not an interval later.
    const take = this.sampler.take(at, this.detector?.confirming ?? false);
    this.analysedMeter.sample(at, this.sampler.analysed);
    this.skippedMeter.sample(at, this.sampler.skipped);
    if (!take) return;
    if (this.detector?.width !== width || this.detector.height !== height) {
      this.interrupted();
      this.detector = new MotionDetector(width, height, this.settings);
    }
    const result = this.detector.analyse(frame, at);
    if (result.started) this.events.started({ ...result.started, score: result.score, boxes: result.boxes });
    if (result.ended) this.events.ended(result.ended);
  }

  update(settings: CameraSpec['motion']): void {
    this.settings = settings;
    this.sampler.setFps(settings.fps);
    this.detector?.update(settings);
    if (!settings.enabled) this.interrupted();
  }

  /** The analysis stream stopped, reconnected or was turned off: motion in progress ends at its last moving frame. */
  interrupted(): void {
    this.sampler.reset();
    const ended = this.detector?.reset();
    if (ended) this.events.ended(ended);
  }
}

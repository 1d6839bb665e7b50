// Our detector against a reference: OpenCV's BackgroundSubtractorMOG2 (OpenCV.js, a test-only
// dependency) on the same decoded frames of the moving-objects clip, frame by frame.
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeGrayFrames, motionScenarios, writeScenarioClip, type MotionScenario } from '../../test/support/motion-clips.js';
import { FrameSampler } from './frame-sampler.js';
import { MotionDetector } from './motion-detector.js';

/** The little of OpenCV.js used here (its bundled typings leave the video module out). */
interface Mat {
  readonly data: Uint8Array;
  delete(): void;
}
interface OpenCv {
  CV_8UC1: number;
  Mat: new (rows?: number, cols?: number, type?: number) => Mat;
  BackgroundSubtractorMOG2: new (history: number, varThreshold: number, detectShadows: boolean) => { apply(frame: Mat, foreground: Mat, learningRate: number): void; delete(): void };
  countNonZero(mat: Mat): number;
  onRuntimeInitialized?: () => void;
}

/**
 * OpenCV.js is an emscripten build (CommonJS) whose module object fills in once its WebAssembly is
 * compiled. That object has a `then` of its own that never settles here, so it must never reach
 * `await` or a promise's resolution: it is required rather than imported (an import's namespace
 * would carry the `then`), and handed back wrapped.
 */
async function loadOpenCv(): Promise<{ cv: OpenCv }> {
  const cv = createRequire(import.meta.url)('@techstark/opencv-js') as OpenCv;
  if (typeof cv.Mat !== 'function') await new Promise<void>((resolve) => (cv.onRuntimeInitialized = resolve));
  return { cv };
}

const WIDTH = 320;
const HEIGHT = 180;
const ANALYSIS_FPS = 5;
/** Frames MOG2 needs to learn the scene before its answers mean anything (2 s). */
const WARM_UP = 10;
/** The foreground fraction above which MOG2 is taken to see motion: our minArea. */
const MOG2_MOTION = 0.005;

describe('MotionDetector against OpenCV MOG2', () => {
  const scenario: MotionScenario = motionScenarios().find((s) => s.name === 'moving-objects')!;
  let folder: string;
  let frames: Uint8Array[];
  let cv: OpenCv;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'camlet-motion-mog2-'));
    const file = join(folder, 'clip.mp4');
    [{ cv }] = await Promise.all([loadOpenCv(), writeScenarioClip(file, scenario)]);
    frames = await decodeGrayFrames(file, WIDTH, HEIGHT);
  });

  afterAll(async () => {
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('agrees with MOG2 on which frames of the moving-objects clip have motion', () => {
    const detector = new MotionDetector(WIDTH, HEIGHT, { threshold: 25, minArea: 0.005, ...scenario.motion });
    const sampler = new FrameSampler(ANALYSIS_FPS);
    const mog2 = new cv.BackgroundSubtractorMOG2(500, 16, false);
    const input = new cv.Mat(HEIGHT, WIDTH, cv.CV_8UC1);
    const foreground = new cv.Mat();
    const verdicts: { ours: boolean; mog2: boolean; truth: boolean }[] = [];
    try {
      frames.forEach((frame, k) => {
        const seconds = k / scenario.clip.fps;
        if (!sampler.take(seconds * 1000)) return;
        const ours = detector.analyse(frame, seconds * 1000).motion;
        input.data.set(frame);
        mog2.apply(input, foreground, -1);
        const fraction = cv.countNonZero(foreground) / (WIDTH * HEIGHT);
        const truth = scenario.intervals.some(({ start, end }) => seconds >= start && seconds <= end);
        verdicts.push({ ours, mog2: fraction > MOG2_MOTION, truth });
      });
    } finally {
      for (const object of [mog2, input, foreground]) object.delete();
    }
    const judged = verdicts.slice(WARM_UP);
    const share = (agree: (v: (typeof judged)[number]) => boolean) => judged.filter(agree).length / judged.length;
    const agreement = share((v) => v.ours === v.mog2);
    const percent = (x: number) => `${(100 * x).toFixed(1)}%`;
    console.log(
      `motion vs MOG2 on ${scenario.name}: agree on ${percent(agreement)} of ${judged.length} frames; ` +
        `right about the truth: ours ${percent(share((v) => v.ours === v.truth))}, MOG2 ${percent(share((v) => v.mog2 === v.truth))}`,
    );
    expect(agreement).toBeGreaterThanOrEqual(0.8);
  });
});

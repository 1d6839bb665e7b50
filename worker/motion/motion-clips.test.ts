// The motion detector on real H.264 clips whose motion is known by construction
// (test/support/motion-clips.ts): encoded by ffmpeg, decoded by ffmpeg to gray frames at the
// analysis size, sampled at the analysis rate as the worker does, and compared with the truth.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeGrayFrames, motionScenarios, writeScenarioClip, type MotionInterval, type MotionScenario } from '../../test/support/motion-clips.js';
import { FrameSampler } from './frame-sampler.js';
import { MotionDetector } from './motion-detector.js';

const WIDTH = 320;
const HEIGHT = 180;
const ANALYSIS_FPS = 5;
const FRAME_S = 1 / ANALYSIS_FPS;
/** Clip time 0, as epoch ms. */
const T0 = 1_700_000_000_000;

/** The motion intervals the detector reports over a clip's frames (seconds from the clip's start), and how often it recalibrated. */
function detect(scenario: MotionScenario, frames: Uint8Array[]): { intervals: MotionInterval[]; recalibrations: number; knownAfter: number[] } {
  const detector = new MotionDetector(WIDTH, HEIGHT, { threshold: 25, minArea: 0.005, ...scenario.motion });
  const sampler = new FrameSampler(ANALYSIS_FPS);
  const seconds = (at: number) => (at - T0) / 1000;
  const intervals: MotionInterval[] = [];
  let recalibrations = 0;
  /** For each motion, how long after the true onset the frame that started it was taken (s). */
  const knownAfter: number[] = [];
  frames.forEach((frame, k) => {
    const at = T0 + (k * 1000) / scenario.clip.fps;
    // As MotionAnalysis does: the frames right after a moving one confirm it.
    if (!sampler.take(at, detector.confirming)) return;
    const { started, ended, recalibrated } = detector.analyse(frame, at);
    const onset = scenario.intervals.find((interval) => Math.abs(interval.start - seconds(at)) <= 2 * FRAME_S);
    if (started && onset) knownAfter.push(seconds(at) - onset.start);
    if (ended) intervals.push({ start: seconds(ended.startedAt), end: seconds(ended.at) });
    if (recalibrated) recalibrations++;
  });
  const last = detector.reset(); // motion still going at the end of the clip
  if (last) intervals.push({ start: seconds(last.startedAt), end: seconds(last.at) });
  return { intervals, recalibrations, knownAfter };
}

const overlaps = (a: MotionInterval, b: MotionInterval) => a.start <= b.end + FRAME_S && b.start <= a.end + FRAME_S;

/** Interval precision and recall, and how far each true interval's detected onset and end are from the truth. */
function score(truth: MotionInterval[], found: MotionInterval[]) {
  const matched = found.filter((f) => truth.some((t) => overlaps(t, f)));
  const recalled = truth.filter((t) => found.some((f) => overlaps(t, f)));
  const errors = truth.flatMap((t) => {
    const match = found.find((f) => overlaps(t, f));
    return match ? [{ onset: match.start - t.start, end: match.end - t.end }] : [];
  });
  return {
    precision: found.length === 0 ? 1 : matched.length / found.length,
    recall: truth.length === 0 ? 1 : recalled.length / truth.length,
    errors,
  };
}

const scenarios = motionScenarios();

describe('MotionDetector on H.264 clips', () => {
  let folder: string;
  const frames = new Map<string, Uint8Array[]>();

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'camlet-motion-clips-'));
    await Promise.all(
      scenarios.map(async (scenario) => {
        const file = join(folder, `${scenario.name}.mp4`);
        await writeScenarioClip(file, scenario);
        frames.set(scenario.name, await decodeGrayFrames(file, WIDTH, HEIGHT));
      }),
    );
  });

  afterAll(async () => {
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  for (const scenario of scenarios) {
    it(`${scenario.name}: ${scenario.description}`, () => {
      const clipFrames = frames.get(scenario.name)!;
      expect(clipFrames).toHaveLength(scenario.clip.seconds * scenario.clip.fps);
      const { intervals: found, recalibrations, knownAfter } = detect(scenario, clipFrames);
      const { precision, recall, errors } = score(scenario.intervals, found);
      const show = (list: MotionInterval[]) => list.map((i) => `${i.start.toFixed(1)}–${i.end.toFixed(1)} s`).join(', ') || 'none';
      const worst = (key: 'onset' | 'end') => Math.max(0, ...errors.map((e) => Math.abs(e[key]))).toFixed(1);
      console.log(
        `motion clip ${scenario.name}: true ${show(scenario.intervals)}; detected ${show(found)}; ` +
          `precision ${precision.toFixed(2)}, recall ${recall.toFixed(2)}, worst onset error ${worst('onset')} s, worst end error ${worst('end')} s; ` +
          `recalibrated ${recalibrations} times; motion known ${knownAfter.map((s) => `${Math.round(s * 1000)} ms`).join(', ') || '-'} after its onset`,
      );
      // Started by the first analysed moving frame and the stream frame after it: within one
      // analysis interval and one stream frame of the onset, not START_FRAMES analysis intervals.
      expect(knownAfter).toHaveLength(scenario.intervals.length);
      for (const after of knownAfter) expect(after).toBeLessThanOrEqual(FRAME_S + 1 / scenario.clip.fps + 1e-9);
      expect(found).toHaveLength(scenario.intervals.length);
      expect(precision).toBe(1);
      expect(recall).toBe(1);
      for (const error of errors) {
        expect(Math.abs(error.onset)).toBeLessThanOrEqual(FRAME_S + 1e-9);
        expect(Math.abs(error.end)).toBeLessThanOrEqual(2 * FRAME_S + 1e-9);
      }
      // The lights going on and off are taken for what they are; nothing else is.
      if (scenario.name === 'lighting-change') expect(recalibrations).toBeGreaterThanOrEqual(2);
      else expect(recalibrations).toBe(0);
    });
  }
});

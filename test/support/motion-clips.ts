// Clips whose motion is known by construction, made by ffmpeg's lavfi: a still, textured, noisy
// scene, boxes crossing it during known intervals, and lighting changes. Each scenario gives the
// clip's parameters for `encodeH264Clip`, the zones and masks the camera needs, and the intervals
// (seconds from the clip's start) during which motion that counts is in the picture. Motion tests
// decode the clips themselves; end-to-end tests serve them over RTSP.
//
//   for (const scenario of motionScenarios()) await writeScenarioClip(join(dir, `${scenario.name}.mp4`), scenario);
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { CameraSpec } from '../../crds-like-schemas/generated/camera.js';
import { encodeH264Clip, type H264ClipOptions } from './h264-clip.js';

const run = promisify(execFile);

/** Seconds from the clip's start: the first and the last frame that show the motion. */
export interface MotionInterval {
  start: number;
  end: number;
}

export interface MotionScenario {
  name: string;
  /** What happens in the clip, for test titles and logs. */
  description: string;
  clip: H264ClipOptions;
  /** The zones and masks the camera needs for `intervals` to hold. */
  motion: Pick<CameraSpec['motion'], 'zones' | 'masks'>;
  /** When motion that counts is in the picture; empty when nothing should be detected. */
  intervals: MotionInterval[];
}

export interface ScenarioOptions {
  /** The clips' size (default 640 × 360) and rate (default 10 fps). */
  width?: number;
  height?: number;
  fps?: number;
}

type Point = [x: number, y: number];

/** A flat box crossing the picture in a straight line, shown from `from` to `to` seconds; sizes and positions (its top-left corner) in fractions of the frame. */
export interface Mover {
  from: number;
  to: number;
  size: Point;
  colour: string;
  path: [start: Point, end: Point];
}

export const LIGHT = '0xe0e0e0';
const DARK = '0x202020';
/** Masks and zones are polygons in fractions of the frame. */
const rect = (x0: number, y0: number, x1: number, y1: number) => ({
  points: [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
  ],
});

/** The scenarios; every clip is 10 to 12 seconds long. */
export function motionScenarios(options: ScenarioOptions = {}): MotionScenario[] {
  const { width = 640, height = 360, fps = 10 } = options;
  const clip = (seconds: number, movers: Mover[], lighting?: { from: number; to: number; brightness: number }): H264ClipOptions => ({
    source: sceneGraph(width, height, fps, movers, lighting),
    seconds,
    fps,
  });
  const mask = rect(0.5, 0, 1, 0.5);
  // The left half, narrowing toward the bottom: a zone need not be a rectangle.
  const zone = {
    name: 'left',
    points: [
      [0, 0],
      [0.5, 0],
      [0.45, 1],
      [0, 1],
    ],
  };
  return [
    {
      name: 'moving-objects',
      description: 'a light box crosses the scene from 2 to 5 s, a smaller dark one from 8 to 10.5 s',
      clip: clip(12, [
        { from: 2, to: 5, size: [0.1, 0.18], colour: LIGHT, path: [[0.05, 0.4], [0.8, 0.45]] },
        { from: 8, to: 10.5, size: [0.08, 0.14], colour: DARK, path: [[0.7, 0.1], [0.3, 0.7]] },
      ]),
      motion: { zones: [], masks: [] },
      intervals: [
        { start: 2, end: 5 },
        { start: 8, end: 10.5 },
      ],
    },
    {
      name: 'lighting-change',
      description: 'nothing moves; the whole scene brightens at 3 s and darkens back at 7 s',
      clip: clip(10, [], { from: 3, to: 7, brightness: 0.25 }),
      motion: { zones: [], masks: [] },
      intervals: [],
    },
    {
      name: 'masked-motion',
      description: 'a box moves under the mask (top right) from 2 to 5 s, then outside it from 7 to 9 s',
      clip: clip(11, [
        { from: 2, to: 5, size: [0.1, 0.18], colour: LIGHT, path: [[0.6, 0.08], [0.85, 0.28]] },
        { from: 7, to: 9, size: [0.1, 0.18], colour: LIGHT, path: [[0.1, 0.6], [0.35, 0.75]] },
      ]),
      motion: { zones: [], masks: [mask] },
      intervals: [{ start: 7, end: 9 }],
    },
    {
      name: 'outside-zone',
      description: 'a box moves outside the zone (right) from 2 to 5 s, then inside it (left) from 7 to 9 s',
      clip: clip(11, [
        { from: 2, to: 5, size: [0.1, 0.18], colour: DARK, path: [[0.6, 0.5], [0.85, 0.75]] },
        { from: 7, to: 9, size: [0.1, 0.18], colour: DARK, path: [[0.05, 0.35], [0.25, 0.6]] },
      ]),
      motion: { zones: [zone], masks: [] },
      intervals: [{ start: 7, end: 9 }],
    },
  ];
}

/**
 * The lavfi graph of a scenario: a grey scene with a grid and two still boxes (texture for the
 * background model to hold), the movers overlaid while they are shown, the lighting change, and
 * fresh noise in every frame (as a sensor gives) over everything.
 */
export function sceneGraph(width: number, height: number, fps: number, movers: Mover[], lighting?: { from: number; to: number; brightness: number }): string {
  const px = (fraction: number, of: number) => Math.round(fraction * of);
  const scene = [
    `color=c=0x6a6a6a:s=${width}x${height}:r=${fps}`,
    `drawgrid=w=${px(0.1, width)}:h=${px(0.135, height)}:t=${Math.max(1, px(0.005, width))}:c=0x404040`,
    `drawbox=x=${px(0.62, width)}:y=${px(0.6, height)}:w=${px(0.25, width)}:h=${px(0.25, height)}:c=0x9a9a9a:t=fill`,
    `drawbox=x=${px(0.1, width)}:y=${px(0.1, height)}:w=${px(0.18, width)}:h=${px(0.2, height)}:c=0x303030:t=fill`,
  ].join(',');
  const chains = [`${scene}[v0]`];
  movers.forEach(({ from, to, size, colour, path: [[x0, y0], [x1, y1]] }, i) => {
    chains.push(`color=c=${colour}:s=${px(size[0], width)}x${px(size[1], height)}:r=${fps}[m${i}]`);
    // Linear from the start point at `from` to the end point at `to`.
    const along = (a: number, b: number, of: string) => `${of}*${a}+(t-${from})/${to - from}*${of}*${b - a}`;
    chains.push(`[v${i}][m${i}]overlay=x='${along(x0, x1, 'W')}':y='${along(y0, y1, 'H')}':enable='between(t,${from},${to})'[v${i + 1}]`);
  });
  const light = lighting ? `eq=brightness=${lighting.brightness}:enable='between(t,${lighting.from},${lighting.to})',` : '';
  chains.push(`[v${movers.length}]${light}noise=alls=12:allf=t`);
  return chains.join(';');
}

/** Encodes a scenario's clip to `output` (.mp4 or .h264). */
export async function writeScenarioClip(output: string, scenario: MotionScenario): Promise<void> {
  await encodeH264Clip(output, scenario.clip);
}

/**
 * Decodes every frame of a clip to 8-bit gray at `width` × `height`, as the worker's sub-stream
 * ffmpeg does (`scale`, `-pix_fmt gray -f rawvideo`), one buffer per frame.
 */
export async function decodeGrayFrames(file: string, width: number, height: number): Promise<Uint8Array[]> {
  const { stdout } = await run(
    'ffmpeg',
    ['-hide_banner', '-loglevel', 'error', '-threads', '1', '-i', file, '-an', '-vf', `scale=${width}:${height}`, '-pix_fmt', 'gray', '-f', 'rawvideo', 'pipe:1'],
    { encoding: 'buffer', maxBuffer: 1 << 30 },
  );
  const size = width * height;
  if (stdout.length % size !== 0) throw new Error(`${file}: ${stdout.length} bytes of gray frames is not a whole number of ${width}x${height} frames`);
  return Array.from({ length: stdout.length / size }, (_, k) => new Uint8Array(stdout.buffer, stdout.byteOffset + k * size, size));
}

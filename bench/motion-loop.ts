// The worker benchmark's camera: a clip whose motion is known by construction, served looped by
// the RTSP server, and a plain ffmpeg client on the same stream that timestamps when the motion
// appears and ends, which is what camlet's events are measured against.
//
// The scene is still (a grey, gridded room with two fixed boxes, and fresh sensor noise in every
// frame); once per loop a light box appears at ONSET_SECONDS, crosses the picture and vanishes
// after END_SECONDS. The same graph is encoded at the MAIN and the SUB size, so both streams show
// the same motion at the same clip time.
import type { ChildProcess } from 'node:child_process';
import { spawnTiedToParent, stopGracefully } from '../lib/child-process.js';
import { grayFramesArgs, rawOutputSize } from '../worker/ffmpeg-commands.js';
import { FrameReader } from '../worker/frame-reader.js';
import type { WorkerStream } from '../worker/protocol.js';
import { encodeH264Clip } from '../test/support/h264-clip.js';
import { LIGHT, sceneGraph, type Mover } from '../test/support/motion-clips.js';

export const FPS = 15;
/**
 * One loop: long enough that a recording (pre-roll + motion + post-roll) ends before the next
 * motion starts; one frame more than 12 s, so that the worker, which analyses every third frame
 * (5 of 15 fps), meets each onset at a different phase from one loop to the next, rather than
 * always the same (180 frames would be a multiple of 3).
 */
export const LOOP_FRAMES = 12 * 15 + 1;
export const LOOP_SECONDS = LOOP_FRAMES / FPS;
/** The first frame showing the box (a whole number of frames at FPS). */
export const ONSET_SECONDS = 3;
/** The box is shown while t <= END_SECONDS: its last frame is the one at or just before. */
export const END_SECONDS = 5.5;

type Rect = { x: number; y: number; w: number; h: number };

/** The box, in fractions of the frame: its size, and where its top-left corner is at ONSET and at END. */
const BOX = { w: 0.12, h: 0.2, from: { x: 0.15, y: 0.4 }, to: { x: 0.7, y: 0.45 } };

/** The box's place at clip time t (fractions of the frame). */
function boxAt(t: number): Rect {
  const along = (t - ONSET_SECONDS) / (END_SECONDS - ONSET_SECONDS);
  return { x: BOX.from.x + along * (BOX.to.x - BOX.from.x), y: BOX.from.y + along * (BOX.to.y - BOX.from.y), w: BOX.w, h: BOX.h };
}

/** The lavfi graph of the clip at width × height: the test clips' still scene, the box crossing it once. */
export function motionLoopGraph(width: number, height: number): string {
  const path: Mover['path'] = [
    [BOX.from.x, BOX.from.y],
    [BOX.to.x, BOX.to.y],
  ];
  return sceneGraph(width, height, FPS, [{ from: ONSET_SECONDS, to: END_SECONDS, size: [BOX.w, BOX.h], colour: LIGHT, path }]);
}

/** Encodes the clip at a camera stream's size and bitrate. */
export async function writeMotionLoop(output: string, width: number, height: number, bitrateKbps: number): Promise<void> {
  await encodeH264Clip(output, { source: motionLoopGraph(width, height), seconds: LOOP_SECONDS, fps: FPS, bitrateKbps });
}

/** One motion as the reference client saw it: wall-clock ms when its first frame and its last frame arrived. */
export interface SeenMotion {
  onsetAt: number;
  endAt?: number;
}

export interface MotionReference {
  /** Every motion seen so far, in order. */
  readonly motions: readonly SeenMotion[];
  /** Frames received so far. */
  readonly frames: number;
  /** The ffmpeg's pid; a new one after a restart. */
  readonly pid: number;
  /** How many times ffmpeg was started again (it ends on a socket timeout when the machine is overloaded). */
  readonly restarts: number;
  stop(): Promise<void>;
}

/**
 * A plain ffmpeg client of the SUB stream, run with the worker's own command (so it decodes and
 * scales exactly as the worker's ffmpeg does, and receives each frame when the worker's ffmpeg
 * does: the RTSP server sends one shared stream to every client). Each frame is timestamped on
 * arrival; the box is seen by the brightness of two patches: where it appears (onset) and where
 * it vanishes (end). This is the most honest "when the motion happened" a client can know: the
 * frame is decoded and in hand. What camlet adds after it (sampling to motion.fps, the frames the
 * hysteresis waits for, analysis, IPC, the controller, the API) is what the benchmark measures.
 * Restarted when it exits: it must outlive an overloaded level for the next.
 */
export function startMotionReference(stream: WorkerStream, width: number): MotionReference {
  const motions: SeenMotion[] = [];
  let frames = 0;
  let restarts = -1;
  let stopping = false;
  let child: ChildProcess;
  // Patches inside the box at its first and at its last frame, clear of its edges.
  const inset = (r: Rect): Rect => ({ x: r.x + 0.15 * r.w, y: r.y + 0.15 * r.h, w: 0.7 * r.w, h: 0.7 * r.h });
  const onsetPatch = inset(boxAt(ONSET_SECONDS));
  const endPatch = inset(boxAt(Math.floor(END_SECONDS * FPS) / FPS));

  const launch = () => {
    restarts++;
    child = spawnTiedToParent('ffmpeg', grayFramesArgs(stream, width), { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let reader: FrameReader | undefined;
    // Lit until seen dark: a client that joins while the box is shown has not seen its onset.
    let onsetLit = true;
    let endLit = false;
    let lastEndLitAt: number | undefined;
    child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      if (stderr.length < 64 * 1024) stderr += text;
    });
    // Frames that came before the size was read on stderr (the two pipes are read independently).
    const early: Buffer[] = [];
    /** When the chunk being cut into frames arrived. */
    let at = 0;
    child.stdout?.on('data', (chunk: Buffer) => {
      at = Date.now();
      if (!reader) {
        const size = rawOutputSize(stderr);
        if (!size) {
          early.push(chunk);
          return;
        }
        reader = new FrameReader(size.width * size.height, (frame) => {
          frames++;
          // Light box (0xe0) over a grey scene (0x6a and darker): a mean above 165 is the box, below 140 is not.
          const onset = patchMean(frame, size.width, size.height, onsetPatch);
          const end = patchMean(frame, size.width, size.height, endPatch);
          if (!onsetLit && onset > 165) {
            onsetLit = true;
            motions.push({ onsetAt: at });
          } else if (onsetLit && onset < 140) onsetLit = false;
          if (end > 165) {
            endLit = true;
            lastEndLitAt = at;
          } else if (endLit && end < 140) {
            endLit = false;
            const last = motions.at(-1);
            // The end of the last onset seen, not of one this client joined too late to see begin.
            if (last && last.endAt === undefined && lastEndLitAt !== undefined && lastEndLitAt - last.onsetAt < ((END_SECONDS - ONSET_SECONDS) * 1000) * 2) {
              last.endAt = lastEndLitAt;
            }
          }
        });
        for (const held of early.splice(0)) reader.push(held);
      }
      reader.push(chunk);
    });
    child.once('exit', () => {
      if (!stopping) setTimeout(() => stopping || launch(), 500);
    });
  };
  launch();
  return {
    motions,
    get frames() {
      return frames;
    },
    get pid() {
      return child.pid as number;
    },
    get restarts() {
      return restarts;
    },
    stop: () => {
      stopping = true;
      return stopGracefully(child, 2000, 'SIGINT');
    },
  };
}

function patchMean(frame: Uint8Array, width: number, height: number, patch: Rect): number {
  const x0 = Math.round(patch.x * width);
  const x1 = Math.round((patch.x + patch.w) * width);
  const y0 = Math.round(patch.y * height);
  const y1 = Math.round((patch.y + patch.h) * height);
  let sum = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) sum += frame[y * width + x] ?? 0;
  return sum / Math.max(1, (x1 - x0) * (y1 - y0));
}

// The recordings index of a month of a site, for `npm run bench:index`: 32 cameras, 30 days,
// each camera with back-to-back 10-minute continuous recordings and, on top, motion recordings
// (about six an hour, 10 to 60 s) holding one or two motion events each, plus motion during the
// continuous recordings. Rows only: the files are not needed to measure the index.
import { recordingRelativePath } from '../worker/recording/recording-path.js';
import type { RecordingsIndex } from '../controller/recordings/recordings-index.js';
import type { NewRecording } from '../controller/recordings/types.js';

export const CAMERAS = 32;
export const DAYS = Number(process.env.BENCH_INDEX_DAYS ?? 30);
const SEGMENT_MS = 10 * 60_000;
const MOTION_PER_HOUR = 6;
const BATCH = 5000;

export const cameraName = (i: number) => `cam-${String(i).padStart(2, '0')}`;

/** Deterministic, so that two runs measure the same index. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Planned {
  recording: NewRecording;
  motion: { startMs: number; endMs: number; score: number }[];
}

/** One camera-hour's recordings, in start order. */
function hourOf(camera: string, hourStart: number, next: () => number): Planned[] {
  const planned: Planned[] = [];
  const continuous = (startMs: number): NewRecording => ({
    id: `${camera}-c-${startMs}`,
    camera,
    path: recordingRelativePath(camera, startMs),
    startMs,
    endMs: startMs + SEGMENT_MS,
    durationSeconds: SEGMENT_MS / 1000,
    bytes: 75_000_000 + Math.floor(next() * 10_000_000),
    codec: 'h264',
    width: 2560,
    height: 1440,
    trigger: 'continuous',
  });
  for (let start = hourStart; start < hourStart + 3_600_000; start += SEGMENT_MS) {
    // Motion during continuous recording: one event in about half the segments.
    const motion = next() < 0.5 ? [{ startMs: start + Math.floor(next() * 500_000), endMs: 0, score: next() }] : [];
    for (const m of motion) m.endMs = m.startMs + 2000 + Math.floor(next() * 20_000);
    planned.push({ recording: continuous(start), motion });
  }
  for (let i = 0; i < MOTION_PER_HOUR; i++) {
    const startMs = hourStart + Math.floor(next() * 3_590_000);
    const seconds = 10 + Math.floor(next() * 50);
    const events = 1 + (next() < 0.3 ? 1 : 0);
    const motion = Array.from({ length: events }, (_, k) => {
      const at = startMs + 5000 + k * Math.floor((seconds * 1000) / 3);
      return { startMs: at, endMs: at + 3000 + Math.floor(next() * 5000), score: next() };
    });
    planned.push({
      recording: {
        id: `${camera}-m-${startMs}`,
        camera,
        // Two recordings of a camera may start in the same second: the suffix a worker would add.
        path: recordingRelativePath(camera, startMs, 1 + i),
        startMs,
        endMs: startMs + seconds * 1000,
        durationSeconds: seconds,
        bytes: seconds * 250_000,
        codec: 'h264',
        width: 2560,
        height: 1440,
        trigger: 'motion',
      },
      motion,
    });
  }
  return planned.sort((a, b) => a.recording.startMs - b.recording.startMs);
}

export interface FillFigures {
  recordings: number;
  motionEvents: number;
  seconds: number;
}

/**
 * Writes the month hour by hour, every camera's hour before the next hour, as the controller
 * would have: each motion event opened and closed, then the recording that holds it committed
 * (which links it). Batched in transactions of a few thousand rows: the controller commits
 * (and fsyncs) once per row, which bench/index.ts measures apart.
 */
export function fillIndex(index: RecordingsIndex, endMs: number): FillFigures {
  const next = random(20250901);
  const firstHour = endMs - DAYS * 86_400_000;
  let recordings = 0;
  let motionEvents = 0;
  let pending: Planned[] = [];
  const flush = index.db.transaction((batch: Planned[]) => {
    for (const { recording, motion } of batch) {
      for (const m of motion) {
        index.startMotion({ camera: recording.camera, startMs: m.startMs, score: m.score, boxes: [{ x: 0.4, y: 0.3, width: 0.2, height: 0.3 }] });
        index.endMotion({ camera: recording.camera, startMs: m.startMs, endMs: m.endMs, peakScore: m.score });
      }
      index.insertRecording(recording);
    }
  });
  const started = performance.now();
  for (let hour = firstHour; hour < endMs; hour += 3_600_000) {
    for (let c = 0; c < CAMERAS; c++) {
      for (const planned of hourOf(cameraName(c), hour, next)) {
        pending.push(planned);
        recordings++;
        motionEvents += planned.motion.length;
      }
    }
    if (pending.length >= BATCH) {
      flush(pending);
      pending = [];
    }
  }
  flush(pending);
  return { recordings, motionEvents, seconds: (performance.now() - started) / 1000 };
}

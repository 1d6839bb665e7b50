/**
 * How long the storage lasts at the current rate. The rate is what the cameras recorded over the
 * last days, from the recordings index rather than from metrics: the index remembers across
 * restarts of the controller and needs no Prometheus, where camlet_recorded_bytes_total starts
 * from zero at every start. Recordings retention already deleted inside the window are not
 * counted, so a camera held at its maxBytes shows less than it writes.
 */

const DAY_MS = 86_400_000;
/** The rate looks this far back: a week evens out days and nights, weekdays and weekends. */
export const RATE_WINDOW_MS = 7 * DAY_MS;
/** Not less than this: a fresh index's first recording would give an absurd rate. */
export const MIN_RATE_WINDOW_MS = 60_000;

export interface RateWindow {
  startMs: number;
  /** now - startMs, at least MIN_RATE_WINDOW_MS. */
  lengthMs: number;
}

/**
 * The last RATE_WINDOW_MS, or less when the index holds nothing older: a week-old average over
 * two days of recordings would understate the rate by more than half.
 */
export function rateWindow(nowMs: number, oldestStartMs: number | undefined): RateWindow {
  const startMs = Math.min(nowMs, Math.max(nowMs - RATE_WINDOW_MS, oldestStartMs ?? nowMs));
  return { startMs, lengthMs: Math.max(MIN_RATE_WINDOW_MS, nowMs - startMs) };
}

export function bytesPerDay(bytes: number, window: RateWindow): number {
  return Math.round((bytes * DAY_MS) / window.lengthMs);
}

/**
 * Days until the free space falls to the floor at `perDay` bytes a day: from then on retention
 * deletes the oldest recordings of every camera to make room, so the history starts to shrink.
 * Undefined when nothing is being recorded (it never runs out).
 */
export function daysLeft(freeBytes: number, floorBytes: number | undefined, perDay: number): number | undefined {
  if (perDay <= 0) return undefined;
  return Math.max(0, freeBytes - (floorBytes ?? 0)) / perDay;
}

// The timeline bar's geometry: the span of time it shows (a View), where a time falls on it in
// pixels and back, zooming about a point, panning, following "now", and the labelled ticks.

/** Epoch milliseconds, [startMs, endMs). */
export interface View {
  startMs: number;
  endMs: number;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
/** Zoomed in, the bar still shows a couple of minutes: a motion recording is tens of seconds. */
export const MIN_SPAN_MS = 2 * MINUTE_MS;
/** Zoomed out, a day: the 24-hour bar. */
export const MAX_SPAN_MS = 24 * HOUR_MS;
/** The bar may reach this far (a fraction of its span) past now, so that "now" is not on its very edge. */
const FUTURE_FRACTION = 0.02;

export const spanOf = (view: View): number => view.endMs - view.startMs;

export function timeToX(view: View, widthPx: number, timeMs: number): number {
  return ((timeMs - view.startMs) / spanOf(view)) * widthPx;
}

export function xToTime(view: View, widthPx: number, x: number): number {
  return view.startMs + (x / widthPx) * spanOf(view);
}

/** The last `spanMs` up to now, with now a little in from the right edge. */
export function viewEndingNow(nowMs: number, spanMs = MAX_SPAN_MS): View {
  const endMs = nowMs + spanMs * FUTURE_FRACTION;
  return { startMs: endMs - spanMs, endMs };
}

/** The span kept within [MIN_SPAN_MS, MAX_SPAN_MS] (about the view's centre), the end no later than the margin past now. */
export function clampView(view: View, nowMs: number): View {
  const span = Math.min(MAX_SPAN_MS, Math.max(MIN_SPAN_MS, spanOf(view)));
  const centre = (view.startMs + view.endMs) / 2;
  const endMs = Math.min(centre + span / 2, nowMs + span * FUTURE_FRACTION);
  return { startMs: endMs - span, endMs };
}

/** Zoomed by `factor` (below 1: in), the time `anchorMs` staying where it is on the bar. */
export function zoomView(view: View, factor: number, anchorMs: number, nowMs: number): View {
  const span = Math.min(MAX_SPAN_MS, Math.max(MIN_SPAN_MS, spanOf(view) * factor));
  const scale = span / spanOf(view);
  const startMs = anchorMs - (anchorMs - view.startMs) * scale;
  return clampView({ startMs, endMs: startMs + span }, nowMs);
}

/** Moved later by `deltaMs` (earlier when negative), never past the margin after now. */
export function panView(view: View, deltaMs: number, nowMs: number): View {
  return clampView({ startMs: view.startMs + deltaMs, endMs: view.endMs + deltaMs }, nowMs);
}

/** Centred on `timeMs`, the span kept. */
export function centreView(view: View, timeMs: number, nowMs: number): View {
  const half = spanOf(view) / 2;
  return clampView({ startMs: timeMs - half, endMs: timeMs + half }, nowMs);
}

/** Whether the view shows now: such a view moves along with the clock. */
export function showsNow(view: View, nowMs: number): boolean {
  return view.startMs <= nowMs && nowMs <= view.endMs;
}

/** A view that showed now at `previousNowMs`, moved along to `nowMs`; any other view as it is. */
export function followNow(view: View, previousNowMs: number, nowMs: number): View {
  return showsNow(view, previousNowMs) ? { startMs: view.startMs + nowMs - previousNowMs, endMs: view.endMs + nowMs - previousNowMs } : view;
}

/** Tick intervals, each a whole number of seconds, minutes or hours of the local clock. */
const TICK_STEPS_MS = [10_000, 15_000, 30_000, ...[1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720].map((minutes) => minutes * MINUTE_MS)];

export interface Tick {
  timeMs: number;
  /** Local midnight: labelled with the date. */
  midnight: boolean;
  /** Ticks less than a minute apart are labelled with seconds. */
  seconds: boolean;
}

/** The smallest tick step that leaves at least `minSpacingPx` between ticks. */
export function tickStepMs(view: View, widthPx: number, minSpacingPx = 64): number {
  const needed = (spanOf(view) / widthPx) * minSpacingPx;
  return TICK_STEPS_MS.find((step) => step >= needed) ?? 24 * HOUR_MS;
}

/** Ticks on whole steps of the local clock (10:00:30, 10:01:00, …; 10:00, 10:15, …; 00:00, 03:00, …) within the view. */
export function ticks(view: View, widthPx: number, minSpacingPx?: number): Tick[] {
  const step = tickStepMs(view, widthPx, minSpacingPx);
  const at = new Date(view.startMs);
  // Counted on the local clock (Date's setters), so that hour ticks stay on the hour across a change of summer time.
  if (step < MINUTE_MS) {
    const seconds = step / 1000;
    at.setSeconds(Math.floor(at.getSeconds() / seconds) * seconds, 0);
  } else if (step < HOUR_MS) {
    const minutes = step / MINUTE_MS;
    at.setMinutes(Math.floor(at.getMinutes() / minutes) * minutes, 0, 0);
  } else {
    const hours = step / HOUR_MS;
    at.setHours(Math.floor(at.getHours() / hours) * hours, 0, 0, 0);
  }
  const result: Tick[] = [];
  while (at.getTime() <= view.endMs) {
    const midnight = at.getHours() === 0 && at.getMinutes() === 0 && at.getSeconds() === 0;
    if (at.getTime() >= view.startMs) result.push({ timeMs: at.getTime(), midnight, seconds: step < MINUTE_MS });
    if (step < MINUTE_MS) at.setSeconds(at.getSeconds() + step / 1000);
    else if (step < HOUR_MS) at.setMinutes(at.getMinutes() + step / MINUTE_MS);
    else at.setHours(at.getHours() + step / HOUR_MS);
  }
  return result;
}

/**
 * What to fetch for a view: it and half a span or more either side (next and previous reach past
 * its edges, a drag shows what is already there), on a grid of half spans, so that a view that
 * moves along with the clock or is dragged a little keeps the same window.
 */
export function fetchWindow(view: View): View {
  const span = spanOf(view);
  const half = span / 2;
  const startMs = Math.floor(view.startMs / half) * half - half;
  return { startMs, endMs: startMs + 3 * span };
}

/** The timeline's resolution for the view: about a pixel, in whole seconds (finer draws nothing more). */
export function resolutionSecondsFor(view: View, widthPx: number): number {
  return Math.max(1, Math.round(spanOf(view) / Math.max(1, widthPx) / 1000));
}

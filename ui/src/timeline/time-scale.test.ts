import { describe, expect, it } from 'vitest';
import { centreView, clampView, fetchWindow, followNow, MAX_SPAN_MS, MIN_SPAN_MS, panView, resolutionSecondsFor, showsNow, spanOf, ticks, tickStepMs, timeToX, viewEndingNow, xToTime, zoomView } from './time-scale';

const HOUR = 3_600_000;
const NOW = Date.parse('2026-11-23T18:00:00Z');

describe('time ↔ pixel', () => {
  const view = { startMs: NOW - 24 * HOUR, endMs: NOW };
  it('maps the ends of the view to the ends of the bar, and back', () => {
    expect(timeToX(view, 1200, view.startMs)).toBe(0);
    expect(timeToX(view, 1200, view.endMs)).toBe(1200);
    expect(timeToX(view, 1200, NOW - 12 * HOUR)).toBe(600);
    expect(xToTime(view, 1200, 300)).toBe(NOW - 18 * HOUR);
    for (const x of [0, 1, 417.5, 1199]) expect(timeToX(view, 1200, xToTime(view, 1200, x))).toBeCloseTo(x, 6);
  });
});

describe('the view', () => {
  it('starts as the last 24 hours, now just in from the right edge', () => {
    const view = viewEndingNow(NOW);
    expect(spanOf(view)).toBe(MAX_SPAN_MS);
    expect(showsNow(view, NOW)).toBe(true);
    expect(timeToX(view, 1000, NOW)).toBeGreaterThan(970);
  });

  it('zooms about the anchor, which stays where it was on the bar', () => {
    const view = { startMs: NOW - 10 * HOUR, endMs: NOW - 2 * HOUR };
    const anchor = NOW - 7 * HOUR;
    const zoomed = zoomView(view, 0.5, anchor, NOW);
    expect(spanOf(zoomed)).toBe(4 * HOUR);
    expect(timeToX(zoomed, 800, anchor)).toBeCloseTo(timeToX(view, 800, anchor), 6);
    // And out again: back where it was.
    expect(zoomView(zoomed, 2, anchor, NOW)).toEqual(view);
  });

  it('zooms to minutes and no further, out to a day and no further', () => {
    let view = viewEndingNow(NOW);
    for (let i = 0; i < 20; i++) view = zoomView(view, 0.5, NOW, NOW);
    expect(spanOf(view)).toBe(MIN_SPAN_MS);
    expect(showsNow(view, NOW)).toBe(true);
    for (let i = 0; i < 20; i++) view = zoomView(view, 2, NOW - HOUR, NOW);
    expect(spanOf(view)).toBe(MAX_SPAN_MS);
  });

  it('pans into the past freely, into the future only up to the margin', () => {
    const view = viewEndingNow(NOW, HOUR);
    expect(panView(view, -3 * HOUR, NOW)).toEqual({ startMs: view.startMs - 3 * HOUR, endMs: view.endMs - 3 * HOUR });
    expect(panView(view, 5 * HOUR, NOW)).toEqual(view);
    expect(clampView({ startMs: NOW, endMs: NOW + 2 * HOUR }, NOW)).toEqual(viewEndingNow(NOW, 2 * HOUR));
  });

  it('centres on a time, the span kept', () => {
    const view = { startMs: NOW - 10 * HOUR, endMs: NOW - 8 * HOUR };
    expect(centreView(view, NOW - 20 * HOUR, NOW)).toEqual({ startMs: NOW - 21 * HOUR, endMs: NOW - 19 * HOUR });
  });

  it('moves along with the clock while it shows now, and stays put when it shows the past', () => {
    const live = viewEndingNow(NOW, HOUR);
    expect(followNow(live, NOW, NOW + 30_000)).toEqual({ startMs: live.startMs + 30_000, endMs: live.endMs + 30_000 });
    const past = { startMs: NOW - 5 * HOUR, endMs: NOW - 4 * HOUR };
    expect(followNow(past, NOW, NOW + 30_000)).toBe(past);
  });
});

describe('ticks', () => {
  it('picks a step that leaves room for the labels', () => {
    expect(tickStepMs({ startMs: 0, endMs: 24 * HOUR }, 1200)).toBe(2 * HOUR);
    expect(tickStepMs({ startMs: 0, endMs: 24 * HOUR }, 360)).toBe(6 * HOUR);
    expect(tickStepMs({ startMs: 0, endMs: 2 * 60_000 }, 1200)).toBe(10_000);
    expect(tickStepMs({ startMs: 0, endMs: 2 * 60_000 }, 360)).toBe(30_000);
    expect(tickStepMs({ startMs: 0, endMs: HOUR }, 1200)).toBe(5 * 60_000);
  });

  it('falls on whole steps of the local clock, inside the view, every step', () => {
    const view = { startMs: NOW - 24 * HOUR + 12_345, endMs: NOW };
    const hourly = ticks(view, 1200);
    expect(hourly.length).toBeGreaterThanOrEqual(11);
    for (const tick of hourly) {
      const at = new Date(tick.timeMs);
      expect(at.getHours() % 2).toBe(0);
      expect([at.getMinutes(), at.getSeconds(), at.getMilliseconds()]).toEqual([0, 0, 0]);
      expect(tick.timeMs).toBeGreaterThanOrEqual(view.startMs);
      expect(tick.timeMs).toBeLessThanOrEqual(view.endMs);
      expect(tick.midnight).toBe(at.getHours() === 0);
    }
    expect(hourly.filter((tick) => tick.midnight)).toHaveLength(1);
    const minutes = ticks({ startMs: NOW - 20 * 60_000 - 500, endMs: NOW }, 1200);
    expect(minutes.map((tick) => new Date(tick.timeMs).getSeconds())).toEqual(Array(minutes.length).fill(0));
    expect(minutes.map((tick) => new Date(tick.timeMs).getMinutes() % 2)).toEqual(Array(minutes.length).fill(0));
    expect(minutes).toHaveLength(11); // every 2 minutes from 17:40 to 18:00, both ends in
    expect(minutes.some((tick) => tick.seconds)).toBe(false);
    const seconds = ticks({ startMs: NOW - 2 * 60_000 + 3_000, endMs: NOW }, 1200);
    expect(seconds.map((tick) => new Date(tick.timeMs).getSeconds() % 10)).toEqual(Array(seconds.length).fill(0));
    expect(seconds).toHaveLength(12);
    expect(seconds.every((tick) => tick.seconds)).toBe(true);
  });
});

describe('what to fetch', () => {
  it('covers the view and half a span or more either side', () => {
    for (const startMs of [NOW - 24 * HOUR, NOW - 24 * HOUR + 1, NOW - 5 * HOUR - 12_345]) {
      const view = { startMs, endMs: startMs + 2 * HOUR };
      const window = fetchWindow(view);
      expect(window.startMs).toBeLessThanOrEqual(view.startMs - HOUR);
      expect(window.endMs).toBeGreaterThanOrEqual(view.endMs + HOUR);
    }
  });

  it('stays the same while the view moves a little, so that following the clock fetches nothing new', () => {
    const view = { startMs: NOW - HOUR, endMs: NOW };
    expect(fetchWindow(followNow(view, NOW, NOW + 1_000))).toEqual(fetchWindow(view));
    expect(fetchWindow(zoomView(view, 0.5, NOW, NOW))).not.toEqual(fetchWindow(view));
  });

  it('asks for about a pixel per slot, in whole seconds', () => {
    expect(resolutionSecondsFor({ startMs: 0, endMs: 24 * HOUR }, 1200)).toBe(72);
    expect(resolutionSecondsFor({ startMs: 0, endMs: 2 * 60_000 }, 1200)).toBe(1);
  });
});

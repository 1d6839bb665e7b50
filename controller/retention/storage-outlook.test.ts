import { describe, expect, it } from 'vitest';
import { bytesPerDay, daysLeft, MIN_RATE_WINDOW_MS, RATE_WINDOW_MS, rateWindow } from './storage-outlook.js';

const NOW = Date.UTC(2026, 10, 23, 12);
const DAY = 86_400_000;

describe('rateWindow', () => {
  it('looks back a week when the index holds older recordings', () => {
    expect(rateWindow(NOW, NOW - 30 * DAY)).toEqual({ startMs: NOW - RATE_WINDOW_MS, lengthMs: RATE_WINDOW_MS });
  });

  it('starts at the oldest recording of a younger index', () => {
    expect(rateWindow(NOW, NOW - 2 * DAY)).toEqual({ startMs: NOW - 2 * DAY, lengthMs: 2 * DAY });
  });

  it('is never shorter than a minute, and empty when there is no recording', () => {
    expect(rateWindow(NOW, NOW - 5_000)).toEqual({ startMs: NOW - 5_000, lengthMs: MIN_RATE_WINDOW_MS });
    expect(rateWindow(NOW, undefined)).toEqual({ startMs: NOW, lengthMs: MIN_RATE_WINDOW_MS });
    // A clock that went back: a recording "from the future" does not make a negative window.
    expect(rateWindow(NOW, NOW + DAY)).toEqual({ startMs: NOW, lengthMs: MIN_RATE_WINDOW_MS });
  });
});

describe('bytesPerDay', () => {
  it('scales the bytes of the window to a day', () => {
    expect(bytesPerDay(7_000, { startMs: 0, lengthMs: 7 * DAY })).toBe(1_000);
    expect(bytesPerDay(500, { startMs: 0, lengthMs: DAY / 2 })).toBe(1_000);
  });
});

describe('daysLeft', () => {
  it('counts the days until the free space reaches the floor', () => {
    expect(daysLeft(110, 10, 20)).toBe(5);
    expect(daysLeft(100, undefined, 20)).toBe(5);
  });

  it('is 0 below the floor, and undefined when nothing is recorded', () => {
    expect(daysLeft(5, 10, 20)).toBe(0);
    expect(daysLeft(100, 10, 0)).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { DurationError, parseDuration } from './duration.js';

describe('parseDuration', () => {
  it('reads Go durations', () => {
    expect(parseDuration('10m')).toBe(600_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('0')).toBe(0);
  });

  it('takes a bare number as seconds only where kubectl does (--request-timeout)', () => {
    expect(parseDuration('5', { bareSeconds: true })).toBe(5000);
    expect(() => parseDuration('5')).toThrow(DurationError);
  });

  it('refuses what is no duration', () => {
    for (const text of ['', 'abc', '10', '5 m', '1h30', 'm']) expect(() => parseDuration(text), text).toThrow(/invalid duration/);
  });
});

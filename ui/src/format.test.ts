import { describe, expect, it } from 'vitest';
import { age, fps, gridPage, isLayout, phaseTone } from './format';

describe('format', () => {
  it('writes ages as kubectl does', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    expect(age('2026-01-01T11:59:48Z', now)).toBe('12s');
    expect(age('2026-01-01T11:54:30Z', now)).toBe('5m30s');
    expect(age('2026-01-01T09:00:00Z', now)).toBe('3h');
    expect(age('2025-12-28T12:00:00Z', now)).toBe('4d');
    expect(age(undefined, now)).toBe('—');
  });

  it('colours phases and writes fps', () => {
    expect(phaseTone('Running')).toBe('ok');
    expect(phaseTone('Backoff')).toBe('warn');
    expect(phaseTone('Invalid')).toBe('bad');
    expect(phaseTone('Stopped')).toBe('idle');
    expect(fps(4.96)).toBe('5.0 fps');
    expect(fps(25.2)).toBe('25 fps');
    expect(fps(undefined)).toBe('— fps');
  });

  it('pages cameras over the grid', () => {
    const names = Array.from({ length: 11 }, (_, i) => i);
    expect(gridPage(names, 9, 0)).toEqual({ items: [0, 1, 2, 3, 4, 5, 6, 7, 8], page: 0, pages: 2 });
    expect(gridPage(names, 9, 5)).toEqual({ items: [9, 10], page: 1, pages: 2 });
    expect(gridPage([], 4, 0)).toEqual({ items: [], page: 0, pages: 1 });
    expect(isLayout(16)).toBe(true);
    expect(isLayout(12)).toBe(false);
  });
});

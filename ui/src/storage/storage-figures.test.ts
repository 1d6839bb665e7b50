import { describe, expect, it } from 'vitest';
import type { Storage } from '../api/types';
import { daysText, diskSegments, windowText } from './storage-figures';

const GiB = 2 ** 30;

function status(cameras: [string, number][], figures: Partial<Storage['status']> = {}): Storage['status'] {
  return {
    path: '/data',
    totalBytes: 100 * GiB,
    usedBytes: 60 * GiB,
    freeBytes: 35 * GiB,
    freeSpaceFloor: '5%',
    freeSpaceFloorBytes: 5 * GiB,
    recordings: { count: cameras.length, bytes: cameras.reduce((sum, [, bytes]) => sum + bytes, 0) },
    cameras: cameras.map(([camera, bytes]) => ({ camera, count: 1, bytes, declared: true, percent: 0, bytesPerDay: 0 })),
    rate: { windowStart: '', windowSeconds: 60, bytes: 0, bytesPerDay: 0 },
    retention: { intervalSeconds: 60 },
    conditions: [],
    ...figures,
  };
}

describe('diskSegments', () => {
  it('draws the biggest cameras first, then other files, then the free space, as shares of the disk', () => {
    expect(diskSegments(status([['gate', 10 * GiB], ['porch', 30 * GiB]]))).toEqual([
      { key: 'camera:porch', label: 'porch', bytes: 30 * GiB, percent: 30 },
      { key: 'camera:gate', label: 'gate', bytes: 10 * GiB, percent: 10 },
      // 60 used - 40 recordings.
      { key: 'other', label: 'Other files', bytes: 20 * GiB, percent: 20 },
      // 100 - 60 used - 35 free: root's reserve, free but not to camlet.
      { key: 'reserved', label: 'Reserved', bytes: 5 * GiB, percent: 5 },
      { key: 'free', label: 'Free', bytes: 35 * GiB, percent: 35 },
    ]);
  });

  it('sums the smaller cameras beyond the first six', () => {
    const segments = diskSegments(status(Array.from({ length: 8 }, (_, i) => [`c${i}`, (i + 1) * GiB] as [string, number])));
    expect(segments.map((s) => s.label)).toEqual(['c7', 'c6', 'c5', 'c4', 'c3', 'c2', '2 more cameras', 'Other files', 'Reserved', 'Free']);
    expect(segments[6]?.bytes).toBe(3 * GiB);
  });

  it('is empty when the disk could not be read', () => {
    expect(diskSegments(status([], { totalBytes: undefined, usedBytes: undefined, freeBytes: undefined, error: 'statfs: ENOENT' }))).toEqual([]);
  });
});

describe('daysText', () => {
  it('rounds as a person says it', () => {
    expect([undefined, 5000, 42.4, 3.25, 0.5, 0.01].map(daysText)).toEqual(['—', 'over 10 years', '42 days', '3.3 days', '12 h', 'less than an hour']);
  });
});

describe('windowText', () => {
  it('names the window in days, hours or minutes', () => {
    expect([7 * 86_400, 5 * 3_600, 180, 20].map(windowText)).toEqual(['the last 7 days', 'the last 5 h', 'the last 3 min', 'the last 1 min']);
  });
});

import { describe, expect, it } from 'vitest';
import { age, humanDuration } from './age.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('humanDuration', () => {
  // The cases of k8s.io/apimachinery/pkg/util/duration's TestHumanDuration, and the examples.
  it.each([
    [0, '0s'],
    [-1 * S, '0s'],
    [-2 * S, '<invalid>'],
    [45 * S, '45s'],
    [119 * S, '119s'],
    [2 * M, '2m'],
    [3 * M + 12 * S, '3m12s'],
    [9 * M + 59 * S, '9m59s'],
    [10 * M + 30 * S, '10m'],
    [179 * M, '179m'],
    [3 * H, '3h'],
    [5 * H, '5h'],
    [7 * H + 59 * M, '7h59m'],
    [8 * H, '8h'],
    [47 * H + 59 * M, '47h'],
    [2 * D, '2d'],
    [2 * D + 5 * H, '2d5h'],
    [8 * D, '8d'],
    [367 * D, '367d'],
    [365 * 2 * D + 10 * D, '2y10d'],
    [365 * 8 * D, '8y'],
  ])('%d ms is %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});

describe('age', () => {
  it('is the time since an RFC 3339 timestamp, <unknown> without one', () => {
    const now = Date.parse('2024-05-01T12:00:00Z');
    expect(age('2024-05-01T11:56:48Z', now)).toBe('3m12s');
    expect(age(undefined, now)).toBe('<unknown>');
    expect(age('yesterday', now)).toBe('<invalid>');
  });
});

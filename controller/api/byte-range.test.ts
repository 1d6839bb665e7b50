import { describe, expect, it } from 'vitest';
import { parseRange } from './byte-range.js';

describe('parseRange', () => {
  it.each([
    ['bytes=0-99', { kind: 'range', start: 0, end: 99 }],
    ['bytes=100-', { kind: 'range', start: 100, end: 999 }],
    ['bytes=-100', { kind: 'range', start: 900, end: 999 }],
    ['bytes=-5000', { kind: 'range', start: 0, end: 999 }],
    ['bytes=990-5000', { kind: 'range', start: 990, end: 999 }],
    ['bytes=999-999', { kind: 'range', start: 999, end: 999 }],
    [' BYTES = 5-6 ', { kind: 'range', start: 5, end: 6 }],
  ])('%j of 1000 bytes is %j', (header, expected) => {
    expect(parseRange(header, 1000)).toEqual(expected);
  });

  it('is the whole file without a header, with another unit, or for several ranges', () => {
    expect(parseRange(undefined, 1000)).toEqual({ kind: 'full' });
    expect(parseRange('items=0-5', 1000)).toEqual({ kind: 'full' });
    expect(parseRange('bytes=0-1, 5-6', 1000)).toEqual({ kind: 'full' });
  });

  it.each([
    'bytes=1000-',
    'bytes=1000-2000',
    'bytes=-0',
    'bytes=5-4',
    'bytes=abc',
    'bytes=',
    'bytes=-',
    'bytes=1-2-3',
    'bytes=0x10-20',
    'bytes=-1.5',
    'bytes=0-1,zz',
    'bytes=99999999999999999999-',
    'bytes 0-5',
  ])('%j of 1000 bytes is unsatisfiable (416)', (header) => {
    expect(parseRange(header, 1000)).toMatchObject({ kind: 'unsatisfiable' });
  });

  it('satisfies nothing in an empty file', () => {
    expect(parseRange('bytes=0-', 0)).toMatchObject({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=-1', 0)).toMatchObject({ kind: 'unsatisfiable' });
  });
});

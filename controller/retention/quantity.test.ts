import { describe, expect, it } from 'vitest';
import { floorBytes, parseFreeSpaceFloor } from './free-space-floor.js';
import { formatBytes, parseByteQuantity } from './quantity.js';

const field = 'spec.recording.retention.maxBytes';

describe('parseByteQuantity', () => {
  it.each([
    ['50Gi', 50 * 2 ** 30],
    ['1.5Ti', 1.5 * 2 ** 40],
    ['1Ki', 1024],
    ['1.1Ki', 1127], // 1126.4, rounded up as Kubernetes does
    ['500M', 500_000_000],
    ['2k', 2000],
    ['0.1k', 100],
    ['1e9', 1_000_000_000],
    ['5E3', 5000],
    ['1P', 1e15],
    ['7', 7],
    ['  12Mi ', 12 * 2 ** 20],
    ['0', 0],
    ['.5Gi', 2 ** 29],
    ['1500m', 2], // 1.5 bytes, rounded up
    ['+3', 3],
  ])('%s is %d bytes', (text, bytes) => {
    expect(parseByteQuantity(text, field)).toBe(bytes);
  });

  it('takes a number as bytes (int-or-string in the CRD)', () => {
    expect(parseByteQuantity(1073741824, field)).toBe(2 ** 30);
  });

  it.each([
    ['lots', 'is not a quantity'],
    ['50GB', 'is not a quantity'],
    ['50 Gi', 'is not a quantity'],
    ['Gi', 'is not a quantity'],
    ['', 'is not a quantity'],
    ['1e', 'is not a quantity'],
    ['-1Gi', 'must be a quantity of 0 bytes or more'],
    ['9Ei', 'is more bytes than camlet counts'],
  ])('refuses %j, naming the field and the value', (text, why) => {
    expect(() => parseByteQuantity(text, field)).toThrow(`${field}: ${JSON.stringify(text)} ${why}`);
  });

  it('refuses what is neither a number nor a string', () => {
    expect(() => parseByteQuantity(null, field)).toThrow(`${field}: null is not a quantity`);
    expect(() => parseByteQuantity(-5, field)).toThrow(`${field}: -5 must be a quantity of 0 bytes or more`);
  });
});

describe('free-space floor', () => {
  it('is a percent of the filesystem or a quantity of bytes', () => {
    expect(parseFreeSpaceFloor('5%')).toEqual({ percent: 5 });
    expect(parseFreeSpaceFloor('0.5 %')).toEqual({ percent: 0.5 });
    expect(parseFreeSpaceFloor('10Gi')).toEqual({ bytes: 10 * 2 ** 30 });
    expect(parseFreeSpaceFloor(4096)).toEqual({ bytes: 4096 });
    expect(floorBytes({ percent: 5 }, 1000)).toBe(50);
    expect(floorBytes({ percent: 0.5 }, 1001)).toBe(6);
    expect(floorBytes({ bytes: 123 }, 1000)).toBe(123);
  });

  it('refuses 100% and more, and nonsense, naming the setting', () => {
    expect(() => parseFreeSpaceFloor('100%')).toThrow('retention.freeSpaceFloor: "100%" must be below 100%');
    expect(() => parseFreeSpaceFloor('five%')).toThrow('retention.freeSpaceFloor: "five%" is not a quantity');
  });
});

describe('formatBytes', () => {
  it('reads as a person reads sizes', () => {
    expect(formatBytes(7)).toBe('7 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(300 * 2 ** 20)).toBe('300 MiB');
  });
});

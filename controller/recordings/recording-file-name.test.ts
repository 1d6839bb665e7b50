import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordingRelativePath } from '../../worker/recording/recording-path.js';
import { startFromFileName } from './recording-file-name.js';

describe('the start time in a recording file name', () => {
  it('reads back what the worker writes, to the second, suffix or not', () => {
    for (const ms of [Date.UTC(2025, 0, 1, 0, 0, 0), Date.UTC(2024, 1, 29, 23, 59, 59, 999), Date.UTC(2031, 11, 31, 12, 30, 7, 250)]) {
      for (const attempt of [0, 1, 9]) {
        expect(startFromFileName('front-door', basename(recordingRelativePath('front-door', ms, attempt)))).toBe(Math.floor(ms / 1000) * 1000);
      }
    }
  });

  it('is undefined for another camera, another shape, or a date that does not exist', () => {
    expect(startFromFileName('front', 'front-door-20250101T000000Z.mp4')).toBeUndefined();
    expect(startFromFileName('door', 'front-door-20250101T000000Z.mp4')).toBeUndefined();
    expect(startFromFileName('porch', 'porch-20250101T000000.mp4')).toBeUndefined();
    expect(startFromFileName('porch', 'porch-20250101T000000Z.mkv')).toBeUndefined();
    expect(startFromFileName('porch', 'porch-20250231T000000Z.mp4')).toBeUndefined();
    expect(startFromFileName('porch', 'porch-20250101T246000Z.mp4')).toBeUndefined();
    expect(startFromFileName('porch', 'porch-20250101T000000Z-x.mp4')).toBeUndefined();
  });
});

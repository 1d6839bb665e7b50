import { appendFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isNoSpace } from './no-space.js';

describe('isNoSpace', () => {
  it('knows the errors of a full filesystem, from Node, ffmpeg and SQLite', () => {
    expect(isNoSpace(Object.assign(new Error('write failed'), { code: 'ENOSPC' }))).toBe(true);
    expect(isNoSpace(Object.assign(new Error('quota'), { code: 'EDQUOT' }))).toBe(true);
    expect(isNoSpace(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }))).toBe(true);
    expect(isNoSpace(new Error('ffmpeg exited with code 1: av_interleaved_write_frame(): No space left on device'))).toBe(true);
    expect(isNoSpace('Error writing trailer of seg-%06d.ts: Disk quota exceeded')).toBe(true);
  });

  it('tells other failures apart', () => {
    expect(isNoSpace(Object.assign(new Error('denied'), { code: 'EACCES' }))).toBe(false);
    expect(isNoSpace(new Error('ffmpeg exited with code 1: Invalid data found when processing input'))).toBe(false);
    expect(isNoSpace(undefined)).toBe(false);
    expect(isNoSpace('Connection refused')).toBe(false);
  });

  it('knows the ENOSPC of a real write (to /dev/full, which answers every write so)', () => {
    let caught: unknown;
    try {
      appendFileSync('/dev/full', Buffer.alloc(4096));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeDefined();
    expect(isNoSpace(caught)).toBe(true);
  });
});

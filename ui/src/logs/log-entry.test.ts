import { describe, expect, it } from 'vitest';
import { clockTime, levelOf, matchesFilter, toLogEntry, visibleEntries, type LogFilter, type LogLevel } from './log-entry';

const ALL = new Set<LogLevel>(['debug', 'info', 'warn', 'error']);

describe('toLogEntry', () => {
  it('takes time, level and message, and shows the other fields as key=value', () => {
    const entry = toLogEntry(
      { level: 'warn', time: '2026-11-23T18:00:01.250Z', component: 'worker', camera: 'porch', msg: 'stream stalled', stream: 'sub', seconds: 5, url: 'rtsp://u:***@h/x y' },
      7,
    );
    expect(entry).toEqual({
      seq: 7,
      time: Date.UTC(2026, 10, 23, 18, 0, 1, 250),
      level: 'warn',
      message: 'stream stalled',
      fields: 'stream=sub seconds=5 url="rtsp://u:***@h/x y"',
      searchable: 'stream stalled stream=sub seconds=5 url="rtsp://u:***@h/x y"',
    });
  });

  it('keeps a line that is no object, and one without a time', () => {
    expect(toLogEntry('plain text', 0)).toMatchObject({ message: 'plain text', level: 'info', fields: '' });
    expect(toLogEntry({ msg: 'x', time: 'not a time' }, 0).time).toBeUndefined();
  });
});

describe('levelOf', () => {
  it("folds pino's names and numbers into debug, info, warn and error", () => {
    expect(['trace', 'debug', 'info', 'warn', 'error', 'fatal', undefined].map(levelOf)).toEqual(['debug', 'debug', 'info', 'warn', 'error', 'error', 'info']);
    expect([10, 20, 30, 40, 50, 60].map(levelOf)).toEqual(['debug', 'debug', 'info', 'warn', 'error', 'error']);
  });
});

describe('filters', () => {
  const entries = [
    toLogEntry({ level: 'info', msg: 'ffmpeg started', stream: 'main' }, 0),
    toLogEntry({ level: 'error', msg: 'ffmpeg exited', code: 1 }, 1),
    toLogEntry({ level: 'warn', msg: 'Stream stalled', stream: 'sub' }, 2),
    toLogEntry({ level: 'debug', msg: 'segment written' }, 3),
  ];

  it('by level and by text in the message or the fields, whatever the case', () => {
    const only = (levels: LogLevel[], text = ''): LogFilter => ({ levels: new Set(levels), text });
    expect(entries.filter((e) => matchesFilter(e, only(['warn', 'error']))).map((e) => e.seq)).toEqual([1, 2]);
    expect(entries.filter((e) => matchesFilter(e, only([...ALL], '  FFMPEG '))).map((e) => e.seq)).toEqual([0, 1]);
    expect(entries.filter((e) => matchesFilter(e, only([...ALL], 'stream=sub'))).map((e) => e.seq)).toEqual([2]);
  });

  it('shows the newest lines that pass, oldest first, at most `limit`', () => {
    const newest = visibleEntries(entries, { levels: ALL, text: '' }, 2);
    expect({ shown: newest.shown.map((e) => e.seq), matching: newest.matching }).toEqual({ shown: [2, 3], matching: 4 });
    const some = visibleEntries(entries, { levels: new Set(['info', 'error']), text: '' }, 10);
    expect({ shown: some.shown.map((e) => e.seq), matching: some.matching }).toEqual({ shown: [0, 1], matching: 2 });
  });
});

describe('clockTime', () => {
  it('is the local time to the millisecond', () => {
    const at = new Date(2026, 10, 23, 9, 5, 7, 42).getTime();
    expect(clockTime(at)).toBe('09:05:07.042');
  });
});

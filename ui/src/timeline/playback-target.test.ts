import { describe, expect, it } from 'vitest';
import { eventMarks, nextMark, playbackAt, previousMark, recordingAfter } from './playback-target';

const recordings = [
  { id: 'a', startMs: 10_000, endMs: 20_000 },
  { id: 'b', startMs: 30_000, endMs: 45_000 },
  { id: 'c', startMs: 60_000, endMs: 70_000 },
];

describe('playbackAt', () => {
  it('plays the recording covering the time, from the offset there', () => {
    expect(playbackAt(recordings, 10_000)).toEqual({ recording: recordings[0], offsetSeconds: 0 });
    expect(playbackAt(recordings, 37_250)).toEqual({ recording: recordings[1], offsetSeconds: 7.25 });
  });

  it('in a gap (or before the first), plays the next recording from its start', () => {
    expect(playbackAt(recordings, 20_000)).toEqual({ recording: recordings[1], offsetSeconds: 0 });
    expect(playbackAt(recordings, 50_000)).toEqual({ recording: recordings[2], offsetSeconds: 0 });
    expect(playbackAt(recordings, 0)).toEqual({ recording: recordings[0], offsetSeconds: 0 });
  });

  it('has nothing to play after the last recording, or with none', () => {
    expect(playbackAt(recordings, 70_000)).toBeUndefined();
    expect(playbackAt([], 1)).toBeUndefined();
  });

  it('where recordings overlap, plays the one that started last', () => {
    const overlapping = [
      { id: 'continuous', startMs: 0, endMs: 600_000 },
      { id: 'manual', startMs: 100_000, endMs: 130_000 },
    ];
    expect(playbackAt(overlapping, 120_000)?.recording.id).toBe('manual');
    expect(playbackAt(overlapping, 140_000)?.recording.id).toBe('continuous');
  });
});

describe('recordingAfter', () => {
  it('is the next recording once one ends, and none after the last', () => {
    expect(recordingAfter(recordings, recordings[0]!)?.id).toBe('b');
    expect(recordingAfter(recordings, recordings[2]!)).toBeUndefined();
  });
});

describe('next and previous event', () => {
  // 75 s: motion whose recording is not finished yet; 25 s: motion in a gap (nothing recorded it).
  const marks = eventMarks(recordings, [12_000, 33_000, 30_000, 62_000, 75_000, 25_000]);

  it('are the recording starts and the recorded motion starts, in order, once each', () => {
    expect(marks).toEqual([10_000, 12_000, 30_000, 33_000, 60_000, 62_000]);
  });

  it('step forward across recordings, and nowhere after the last', () => {
    expect(nextMark(marks, 0)).toBe(10_000);
    expect(nextMark(marks, 12_000)).toBe(30_000);
    expect(nextMark(marks, 20_000)).toBe(30_000);
    // Read a hair before the mark just reached: still the one after it.
    expect(nextMark(marks, 29_999.9)).toBe(33_000);
    expect(nextMark(marks, 62_000)).toBeUndefined();
  });

  it('step back, past the one just reached while playback moves on', () => {
    expect(previousMark(marks, 40_000)).toBe(33_000);
    expect(previousMark(marks, 33_600)).toBe(30_000);
    expect(previousMark(marks, 31_000)).toBe(12_000);
    expect(previousMark(marks, 10_500)).toBeUndefined();
  });
});

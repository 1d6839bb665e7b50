import { describe, expect, it } from 'vitest';
import { audioDroppedWarning, mp4HoldsAudio, segmentAudio } from './audio-policy.js';

describe('segmentAudio', () => {
  it('copies what an MP4 holds, drops or converts the rest, and records no sound when off or absent', () => {
    expect(segmentAudio('aac', 'keep')).toBe('copy');
    expect(segmentAudio('mp3', 'aac')).toBe('copy');
    expect(segmentAudio('pcm_mulaw', 'keep')).toBe('none');
    expect(segmentAudio('pcm_alaw', 'aac')).toBe('aac');
    expect(segmentAudio('aac', 'off')).toBe('none');
    expect(segmentAudio(null, 'aac')).toBe('none');
  });

  it('copies a sound not yet listed, so that the first run learns its codec', () => {
    expect(segmentAudio(undefined, 'keep')).toBe('copy');
    expect(segmentAudio(undefined, 'off')).toBe('none');
  });
});

describe('mp4HoldsAudio', () => {
  it('holds AAC and MPEG audio (ffmpeg calls MPEG audio over RTP mp2 until it has seen a frame), not G.711', () => {
    expect(['aac', 'mp3', 'mp2', 'ac3'].filter(mp4HoldsAudio)).toHaveLength(4);
    expect(['pcm_mulaw', 'pcm_alaw', 'opus', undefined].filter(mp4HoldsAudio)).toEqual([]);
  });
});

describe('audioDroppedWarning', () => {
  it('warns only when sound is dropped for its codec', () => {
    expect(audioDroppedWarning('pcm_mulaw', 'keep')).toMatch(/pcm_mulaw.*no sound.*spec\.recording\.audio/);
    expect(audioDroppedWarning('pcm_mulaw', 'aac')).toBeUndefined();
    expect(audioDroppedWarning('pcm_mulaw', 'off')).toBeUndefined();
    expect(audioDroppedWarning('aac', 'keep')).toBeUndefined();
    expect(audioDroppedWarning(null, 'keep')).toBeUndefined();
    expect(audioDroppedWarning(undefined, 'keep')).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { liveEdgeAction, trimRange } from './live-edge';

describe('liveEdgeAction', () => {
  it('jumps to the live edge when too far behind, or before the buffered range', () => {
    expect(liveEdgeAction(0, [[37.2, 37.6]]).seekTo).toBeCloseTo(37.55, 9);
    expect(liveEdgeAction(10, [[5, 12]]).seekTo).toBeCloseTo(11.95, 9);
    // After a gap (a viewer that skipped to the next keyframe), the last range counts.
    expect(liveEdgeAction(10, [[5, 10.2], [11, 11.3]]).seekTo).toBeCloseTo(11.25, 9);
  });

  it('plays a little faster when slightly behind, at 1x at the edge', () => {
    expect(liveEdgeAction(11.5, [[5, 12]])).toEqual({ playbackRate: 1.15 });
    expect(liveEdgeAction(11.9, [[5, 12]])).toEqual({ playbackRate: 1 });
    expect(liveEdgeAction(3, [])).toEqual({ playbackRate: 1 });
  });
});

describe('trimRange', () => {
  it('drops what is well behind the playback position', () => {
    expect(trimRange(30, [[0, 30.2]])).toEqual([0, 20]);
    expect(trimRange(12, [[0, 12.2]])).toBeUndefined();
  });
});

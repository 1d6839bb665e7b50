// Keeping a live video at the live edge: Media Source Extensions play whatever is buffered, at
// the pace of the clock, so any stall (a slow network, a background tab) becomes delay for good
// unless the player catches up. A little behind, it plays slightly faster; too far behind (or
// before the buffered range, after joining or a gap), it jumps.

export interface EdgeSettings {
  /** Behind the buffered end by more than this: jump. */
  maxBehindS: number;
  /** Where a jump lands, behind the buffered end (a frame or so, so that playback goes on). */
  targetBehindS: number;
  /** Behind by more than this (and not by maxBehindS): play at catchUpRate. */
  catchUpBehindS: number;
  catchUpRate: number;
}

export const defaultEdge: EdgeSettings = { maxBehindS: 0.6, targetBehindS: 0.05, catchUpBehindS: 0.3, catchUpRate: 1.15 };

export interface EdgeAction {
  seekTo?: number;
  playbackRate: number;
}

/** What to do now, given the playback position and the buffered ranges ([start, end] seconds). */
export function liveEdgeAction(currentTime: number, ranges: readonly (readonly [number, number])[], settings: EdgeSettings = defaultEdge): EdgeAction {
  const last = ranges[ranges.length - 1];
  if (!last) return { playbackRate: 1 };
  const [start, end] = last;
  const behind = end - currentTime;
  if (currentTime < start || behind > settings.maxBehindS) return { seekTo: Math.max(start, end - settings.targetBehindS), playbackRate: 1 };
  return { playbackRate: behind > settings.catchUpBehindS ? settings.catchUpRate : 1 };
}

/** Buffered data to drop, well behind the playback position, to keep the SourceBuffer small. */
export function trimRange(currentTime: number, ranges: readonly (readonly [number, number])[], keepS = 10): [number, number] | undefined {
  const first = ranges[0];
  if (!first || first[0] >= currentTime - keepS * 1.5) return undefined;
  return [first[0], currentTime - keepS];
}

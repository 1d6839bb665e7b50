// What to play for a moment picked on the timeline, and the events to step between: the recording
// that holds the moment (or, in a gap, the first one after it), and the recording starts and
// motion starts before and after the playback position.

/** A recording as playback needs it; epoch milliseconds. */
export interface RecordingSpan {
  id: string;
  startMs: number;
  endMs: number;
}

export interface PlaybackTarget<R extends RecordingSpan = RecordingSpan> {
  recording: R;
  /** Where to start in its file, seconds from its beginning. */
  offsetSeconds: number;
}

/**
 * The recording covering `timeMs`, at its offset there; in a gap, the next recording from its
 * start; nothing after the last one. `recordings` sorted by start. Where recordings overlap (a
 * manual one during a continuous one), the one that started last: it is the one just asked for.
 */
export function playbackAt<R extends RecordingSpan>(recordings: readonly R[], timeMs: number): PlaybackTarget<R> | undefined {
  let covering: R | undefined;
  let next: R | undefined;
  for (const recording of recordings) {
    if (recording.startMs > timeMs) {
      next = recording;
      break;
    }
    if (recording.endMs > timeMs) covering = recording;
  }
  if (covering) return { recording: covering, offsetSeconds: (timeMs - covering.startMs) / 1000 };
  return next && { recording: next, offsetSeconds: 0 };
}

/** The recording that follows `current` (its end or later), for playing on when one ends. */
export function recordingAfter<R extends RecordingSpan>(recordings: readonly R[], current: RecordingSpan): R | undefined {
  return recordings.find((recording) => recording.id !== current.id && recording.startMs >= current.endMs - 1);
}

/**
 * The times to step between: every recording's start, and every motion's start that a recording
 * holds (motion still being recorded has nothing to play yet), sorted, without repeats.
 */
export function eventMarks(recordings: readonly RecordingSpan[], motionStartsMs: readonly number[]): number[] {
  const recorded = motionStartsMs.filter((m) => recordings.some((r) => r.startMs <= m && m < r.endMs));
  return [...new Set([...recordings.map((r) => r.startMs), ...recorded])].sort((a, b) => a - b);
}

/**
 * How far behind the position "previous" looks: pressed again right after a jump, it goes on to
 * the event before rather than back to the one just reached (playback has moved on a little).
 */
export const PREVIOUS_SLACK_MS = 1_500;

/** How far ahead "next" looks: a position read right after a jump may fall a hair short of the mark reached. */
export const NEXT_SLACK_MS = 250;

/** The first mark after `timeMs` (plus the slack). `marks` sorted. */
export function nextMark(marks: readonly number[], timeMs: number, slackMs = NEXT_SLACK_MS): number | undefined {
  return marks.find((mark) => mark > timeMs + slackMs);
}

/** The last mark before `timeMs` (less the slack). `marks` sorted. */
export function previousMark(marks: readonly number[], timeMs: number, slackMs = PREVIOUS_SLACK_MS): number | undefined {
  return marks.findLast((mark) => mark < timeMs - slackMs);
}

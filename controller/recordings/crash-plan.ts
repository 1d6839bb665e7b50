// What crash-child.ts and crash.test.ts agree on.

/** Recording n starts n minutes after this: one file name per recording. */
export const CRASH_BASE_MS = Date.UTC(2025, 0, 15, 8, 0, 0);

export function crashRecordingId(n: number): string {
  return `crash-recording-${n}`;
}

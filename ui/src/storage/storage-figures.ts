// The storage page's figures in words and shares: the disk bar's segments, the days left, the
// window of the rate.
import type { Storage } from '../api/types';

export interface DiskSegment {
  /** `camera:NAME`, `cameras:rest`, `other` (what else fills the filesystem), `reserved` or `free`. */
  key: string;
  label: string;
  bytes: number;
  /** Of the filesystem's size, 0 to 100. */
  percent: number;
}

/** Cameras drawn apart on the bar; the rest are summed as one segment. */
export const BAR_CAMERAS = 6;

/**
 * The filesystem as a bar: the biggest cameras' recordings, the rest of the cameras together,
 * the other files, the space reserved (root's reserve: free, but not to camlet), then the free
 * space. Empty when the figures could not be read.
 */
export function diskSegments(status: Storage['status']): DiskSegment[] {
  const { totalBytes, usedBytes, freeBytes } = status;
  if (!totalBytes || usedBytes === undefined || freeBytes === undefined) return [];
  const share = (bytes: number) => Math.round((bytes / totalBytes) * 10_000) / 100;
  const cameras = [...status.cameras].sort((a, b) => b.bytes - a.bytes);
  const segments: DiskSegment[] = cameras.slice(0, BAR_CAMERAS).map((c) => ({ key: `camera:${c.camera}`, label: c.camera, bytes: c.bytes, percent: share(c.bytes) }));
  const rest = cameras.slice(BAR_CAMERAS).reduce((sum, c) => sum + c.bytes, 0);
  if (rest > 0) segments.push({ key: 'cameras:rest', label: `${cameras.length - BAR_CAMERAS} more cameras`, bytes: rest, percent: share(rest) });
  const other = Math.max(0, usedBytes - status.recordings.bytes);
  segments.push({ key: 'other', label: 'Other files', bytes: other, percent: share(other) });
  const reserved = Math.max(0, totalBytes - usedBytes - freeBytes);
  if (reserved > 0) segments.push({ key: 'reserved', label: 'Reserved', bytes: reserved, percent: share(reserved) });
  segments.push({ key: 'free', label: 'Free', bytes: freeBytes, percent: share(freeBytes) });
  return segments;
}

/** "12 days", "3.5 days", "less than an hour"; "—" when it never runs out at this rate. */
export function daysText(days: number | undefined): string {
  if (days === undefined) return '—';
  if (days >= 3650) return 'over 10 years';
  if (days >= 10) return `${Math.round(days)} days`;
  if (days >= 1) return `${days.toFixed(1)} days`;
  const hours = days * 24;
  return hours >= 1 ? `${Math.round(hours)} h` : 'less than an hour';
}

/** The rate's window: "the last 7 days", "the last 5 h", "the last 3 min". */
export function windowText(seconds: number): string {
  if (seconds >= 86_400 * 1.5) return `the last ${Math.round(seconds / 86_400)} days`;
  if (seconds >= 5_400) return `the last ${Math.round(seconds / 3_600)} h`;
  return `the last ${Math.max(1, Math.round(seconds / 60))} min`;
}

// How the timeline writes times: the local clock (24-hour, as NVRs do), the date at midnight, and
// the span the bar shows.

const pad = (n: number) => String(n).padStart(2, '0');

/** 14:05, or 14:05:09 with seconds, on the local clock. */
export function clockLabel(timeMs: number, withSeconds = false): string {
  const at = new Date(timeMs);
  const clock = `${pad(at.getHours())}:${pad(at.getMinutes())}`;
  return withSeconds ? `${clock}:${pad(at.getSeconds())}` : clock;
}

/** "Mon 23 Nov" (in the browser's language). */
export function dayLabel(timeMs: number): string {
  return new Date(timeMs).toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short' });
}

/** 24 h, 6 h 30 min, 15 min, 2 min. */
export function spanLabel(spanMs: number): string {
  const minutes = Math.round(spanMs / 60_000);
  const hours = Math.floor(minutes / 60);
  if (hours === 0) return `${minutes} min`;
  return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
}

/** kubectl's age: 12s, 5m, 3h, 2d (and 5m30s under 10 minutes). */
export function age(timestamp: string | undefined, now = Date.now()): string {
  if (!timestamp) return '—';
  const seconds = Math.max(0, Math.floor((now - Date.parse(timestamp)) / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 ? `${minutes}m${seconds % 60}s` : `${minutes}m`;
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}

export type Tone = 'ok' | 'busy' | 'warn' | 'bad' | 'idle';

/** The colour of a phase badge. */
export function phaseTone(phase: string | undefined): Tone {
  switch (phase) {
    case 'Running':
      return 'ok';
    case 'Pending':
    case 'Starting':
      return 'busy';
    case 'Unhealthy':
    case 'Backoff':
      return 'warn';
    case 'Crashed':
    case 'Failed':
    case 'Invalid':
      return 'bad';
    default:
      return 'idle';
  }
}

export function fps(value: number | undefined): string {
  return value === undefined ? '— fps' : `${value.toFixed(value < 10 ? 1 : 0)} fps`;
}

/** The tiles of a grid layout: 1, 4, 9, 16, 25 or 36. */
export const LAYOUTS = [1, 4, 9, 16, 25, 36] as const;
export type Layout = (typeof LAYOUTS)[number];

export function isLayout(value: number): value is Layout {
  return (LAYOUTS as readonly number[]).includes(value);
}

/** The cameras on page `page` (from 0) of a grid of `layout` tiles, and the number of pages. */
export function gridPage<T>(items: readonly T[], layout: Layout, page: number): { items: T[]; page: number; pages: number } {
  const pages = Math.max(1, Math.ceil(items.length / layout));
  const shown = Math.min(Math.max(0, page), pages - 1);
  return { items: items.slice(shown * layout, shown * layout + layout), page: shown, pages };
}

// Durations as kubectl takes them (Go's time.ParseDuration): 10m, 1h30m, 1.5s, 500ms.

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;

export class DurationError extends Error {
  override name = 'DurationError';
}

/** Milliseconds; `bareSeconds` lets a plain number mean seconds (--request-timeout=5, as kubectl allows). */
export function parseDuration(text: string, options: { bareSeconds?: boolean } = {}): number {
  const trimmed = text.trim();
  if (trimmed === '0') return 0;
  if (options.bareSeconds && /^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  let total = 0;
  PART.lastIndex = 0;
  let at = 0;
  for (let match = PART.exec(trimmed); match; match = PART.exec(trimmed)) {
    total += Number(match[1]) * (UNITS[match[2] as string] as number);
    at = PART.lastIndex;
  }
  if (at === 0 || at !== trimmed.length) {
    throw new DurationError(`invalid duration ${JSON.stringify(text)}: use a number and a unit, such as 30s, 10m, 1h30m`);
  }
  return total;
}

// A worker's log line (one JSON object, as pino writes it and the controller keeps it) as the
// logs viewer shows it: time, level, message, and the other fields as key=value.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

export interface LogEntry {
  /** Kept for the key of its row: unique within one viewer. */
  seq: number;
  /** Epoch ms; undefined when the line had no readable time. */
  time?: number;
  level: LogLevel;
  message: string;
  /** The other fields, `key=value` (values as JSON unless plain text). */
  fields: string;
  /** Lower-cased message and fields, what the text filter searches. */
  searchable: string;
}

/** Fields every line has, or that the viewer shows elsewhere. */
const SHOWN_ELSEWHERE = new Set(['time', 'level', 'msg', 'camera', 'component', 'pid', 'hostname']);

/** pino's numeric levels (10 trace … 60 fatal) and its names, folded into the viewer's four. */
export function levelOf(value: unknown): LogLevel {
  if (typeof value === 'number') return value >= 50 ? 'error' : value >= 40 ? 'warn' : value >= 30 ? 'info' : 'debug';
  switch (value) {
    case 'fatal':
    case 'error':
      return 'error';
    case 'warn':
      return 'warn';
    case 'trace':
    case 'debug':
      return 'debug';
    default:
      return 'info';
  }
}

function shownValue(value: unknown): string {
  return typeof value === 'string' && /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
}

/** One line as the API sends it, already parsed from JSON (NdjsonDecoder). */
export function toLogEntry(value: unknown, seq: number): LogEntry {
  const record = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : { msg: String(value) };
  const time = typeof record.time === 'string' || typeof record.time === 'number' ? new Date(record.time).getTime() : Number.NaN;
  const message = typeof record.msg === 'string' ? record.msg : '';
  const fields = Object.entries(record)
    .filter(([key]) => !SHOWN_ELSEWHERE.has(key))
    .map(([key, value]) => `${key}=${shownValue(value)}`)
    .join(' ');
  return {
    seq,
    ...(Number.isNaN(time) ? {} : { time }),
    level: levelOf(record.level),
    message,
    fields,
    searchable: `${message} ${fields}`.toLowerCase(),
  };
}

export interface LogFilter {
  levels: ReadonlySet<LogLevel>;
  /** Matched case-insensitively against the message and the fields. */
  text: string;
}

export function matchesFilter(entry: LogEntry, filter: LogFilter): boolean {
  if (!filter.levels.has(entry.level)) return false;
  const text = filter.text.trim().toLowerCase();
  return text === '' || entry.searchable.includes(text);
}

/** The newest `limit` entries that pass the filter, oldest first, and how many pass in all. */
export function visibleEntries(entries: readonly LogEntry[], filter: LogFilter, limit: number): { shown: LogEntry[]; matching: number } {
  const matching = entries.filter((entry) => matchesFilter(entry, filter));
  return { shown: matching.slice(-limit), matching: matching.length };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The browser's local time to the millisecond, `14:03:07.215`: lines of one second apart. */
export function clockTime(ms: number): string {
  const date = new Date(ms);
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

// A worker's log line (one JSON object, pino's) as a person reads it:
//   2024-05-01T10:00:00.123Z INFO  stream connected stream=main url="rtsp://***@10.0.0.5/x"
// Fields every line has, or that name the camera the user asked about, are left out.

const LEFT_OUT = new Set(['time', 'level', 'msg', 'component', 'camera']);

function fieldValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value);
}

export function prettyLogLine(line: string): string {
  let record: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(line);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return line;
    record = parsed as Record<string, unknown>;
  } catch {
    return line;
  }
  const time = typeof record.time === 'string' ? record.time : typeof record.time === 'number' ? new Date(record.time).toISOString() : '';
  const level = (typeof record.level === 'string' ? record.level : JSON.stringify(record.level ?? '')).toUpperCase().padEnd(5);
  const message = typeof record.msg === 'string' ? record.msg : '';
  const fields = Object.entries(record)
    .filter(([key, value]) => !LEFT_OUT.has(key) && value !== undefined)
    .map(([key, value]) => `${key}=${fieldValue(value)}`);
  return [time, level, message, ...fields].filter((part) => part !== '').join(' ');
}

// The columns of `camlet get recordings`, in kubectl's manner: what a person scans a list for
// first, and with -o wide where the file is and what it holds.
import type { RecordingObject } from '../../controller/api/recording-object.js';
import { humanDuration } from './age.js';

export function recordingHeaders(wide: boolean): string[] {
  const columns = ['NAME', 'CAMERA', 'TRIGGER', 'START', 'DURATION', 'SIZE', 'AGE'];
  return wide ? [...columns, 'CODEC', 'RESOLUTION', 'STATE', 'PATH'] : columns;
}

/** Bytes as kubectl prints quantities: binary units, one decimal below 10. */
export function binarySize(bytes: number): string {
  const units = ['B', 'Ki', 'Mi', 'Gi', 'Ti'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 && unit > 0 ? value.toFixed(1) : Math.round(value)}${units[unit]}`;
}

export function recordingRow(recording: RecordingObject, wide: boolean, now: number): string[] {
  const { spec } = recording;
  // START is the wall-clock time (UTC, to the second): recordings are looked for by when they happened.
  const start = spec.start.replace(/\.\d+Z$/, 'Z');
  const row = [recording.metadata.name, spec.camera, spec.trigger, start, humanDuration(spec.durationSeconds * 1000), binarySize(spec.bytes), humanDuration(now - Date.parse(spec.end))];
  return wide ? [...row, spec.codec, spec.resolution, recording.status.state, spec.path] : row;
}

import { isAbsolute, normalize, sep } from 'node:path';
import { RECORDING_TRIGGERS, type NewRecording } from './types.js';

/**
 * Checks a recording before it is indexed, naming the field and value that are wrong. The path
 * matters most: the API will serve files by the path in the index, so a path that is absolute
 * or climbs out of the storage folder ("..") must never get in.
 */
export function validateNewRecording(recording: NewRecording): void {
  const where = `recording ${JSON.stringify(recording.id)}`;
  const fail = (field: keyof NewRecording, why: string) => {
    throw new Error(`${where}: ${field} ${JSON.stringify(recording[field])} ${why}`);
  };
  if (typeof recording.id !== 'string' || recording.id.length === 0 || recording.id.length > 128) fail('id', 'must be 1 to 128 characters');
  if (typeof recording.camera !== 'string' || !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(recording.camera)) fail('camera', 'is not a DNS-1123 label');
  const { path } = recording;
  if (typeof path !== 'string' || isAbsolute(path) || normalize(path) !== path || path.split(sep).includes('..')) {
    fail('path', 'must be a normalised path relative to the storage folder, without ".."');
  }
  if (!path.startsWith(`${recording.camera}${sep}`)) fail('path', `must lie in the camera's folder (${recording.camera}${sep})`);
  if (!path.endsWith('.mp4')) fail('path', 'must name an .mp4 file');
  for (const field of ['startMs', 'endMs', 'bytes', 'width', 'height'] as const) {
    if (!Number.isSafeInteger(recording[field]) || recording[field] < 0) fail(field, 'must be an integer >= 0');
  }
  if (recording.endMs < recording.startMs) fail('endMs', `is before startMs (${recording.startMs})`);
  if (!Number.isFinite(recording.durationSeconds) || recording.durationSeconds < 0) fail('durationSeconds', 'must be a number >= 0');
  if (typeof recording.codec !== 'string' || recording.codec.length === 0) fail('codec', 'must not be empty');
  if (!RECORDING_TRIGGERS.includes(recording.trigger)) fail('trigger', `must be one of ${RECORDING_TRIGGERS.join(', ')}`);
}

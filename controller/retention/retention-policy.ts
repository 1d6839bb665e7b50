import type { CameraSpec } from '../../crds-like-schemas/generated/camera.js';
import { parseByteQuantity } from './quantity.js';

/** One camera's limits, resolved: recordings older than maxAgeMs, or beyond maxBytes in all, go. */
export interface RetentionPolicy {
  maxAgeMs: number;
  maxBytes: number;
}

const DAY_MS = 86_400_000;

/**
 * A camera's spec.recording.retention as numbers. The CRD's pattern already refuses malformed
 * strings; a number is not checked there (int-or-string), so a negative one is refused here,
 * naming the camera and field.
 */
export function retentionPolicy(camera: string, retention: CameraSpec['recording']['retention']): RetentionPolicy {
  return {
    maxAgeMs: retention.maxAgeDays * DAY_MS,
    maxBytes: parseByteQuantity(retention.maxBytes, `camera ${camera}: spec.recording.retention.maxBytes`),
  };
}

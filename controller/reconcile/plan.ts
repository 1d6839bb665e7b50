import { jsonEqual } from '../../lib/deep-equal.js';
import type { CameraManifest } from '../manifests/camera-document.js';

export type Change = { action: 'none' } | { action: 'update'; what: string } | { action: 'restart'; reason: string };

const same = jsonEqual;

/**
 * What it takes to go from the manifest a worker runs with to a new one. New stream addresses
 * need a new worker (ffmpeg reconnects to them); motion, recording and timing settings are
 * applied to the running worker and machine live.
 */
export function planChange(running: CameraManifest, desired: CameraManifest): Change {
  if (!same(running.streams, desired.streams)) {
    const roles = (['main', 'sub'] as const).filter((role) => !same(running.streams[role], desired.streams[role]));
    return { action: 'restart', reason: `${roles.map((r) => `streams.${r}`).join(' and ')} changed` };
  }
  const live = (['motion', 'recording', 'health', 'restart'] as const).filter((field) => !same(running.spec[field], desired.spec[field]));
  return live.length > 0 ? { action: 'update', what: live.map((f) => `spec.${f}`).join(', ') } : { action: 'none' };
}

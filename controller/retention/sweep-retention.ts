import type { Logger } from '../../lib/logger.js';
import type { EventRecorder } from '../events/event-recorder.js';
import type { RetentionCounters, RetentionReason } from '../metrics/storage-metrics.js';
import { deleteRecording } from '../recordings/delete-recording.js';
import type { RecordingQuery } from '../recordings/recordings-table.js';
import type { RecordingsIndex } from '../recordings/recordings-index.js';
import type { Recording } from '../recordings/types.js';
import { describeFloor } from './free-space-floor.js';
import { formatBytes } from './quantity.js';
import type { RetentionPolicy } from './retention-policy.js';
import type { StorageMonitor } from './storage-monitor.js';

export interface SweepContext {
  index: RecordingsIndex;
  storage: string;
  monitor: StorageMonitor;
  /** The camera's limits; undefined for a camera no manifest declares (only the floor applies to it). */
  policy(camera: string): RetentionPolicy | undefined;
  /** Ids of the recordings being written now (status.recording of each camera): never deleted. */
  inProgress: ReadonlySet<string>;
  /** Epoch ms, for ages. */
  now: number;
  logger: Logger;
  events: Pick<EventRecorder, 'record'>;
  counters?: RetentionCounters;
  /** After each deletion (its thumbnail goes, watchers hear of it). */
  onDeleted?: (recording: Recording, reason: RetentionReason) => void;
  /**
   * Free space a worker needs now: a recording waiting on a full filesystem (StorageFull). The
   * free-space pass frees until this much is free, or the floor if that is more.
   */
  roomNeededBytes?: number;
  /** Checked between deletions: a sweep ends early when the controller stops. */
  stopped(): boolean;
}

export interface SweepReport {
  deleted: Record<RetentionReason, number>;
  bytesFreed: number;
  failures: number;
  /** Present when free space was below the floor as the sweep began. */
  freeSpace?: { floorMet: boolean; exhausted: boolean };
}

/** Rows read per query; deletions in between do not disturb the keyset. */
const PAGE = 200;
/** Times the free-space pass deletes up to its estimate and reads statfs again, per sweep. */
const FREE_SPACE_ROUNDS = 3;

function* oldestFirst(index: RecordingsIndex, query: RecordingQuery): Generator<Recording> {
  let token: string | undefined;
  do {
    const page = index.listRecordings({ ...query, order: 'oldest', limit: PAGE, ...(token ? { continue: token } : {}) });
    yield* page.items;
    token = page.continue;
  } while (token);
}

/**
 * One retention pass, in the order that keeps the most: each camera's recordings past its
 * maxAgeDays, then each camera's oldest beyond its maxBytes, then, while the filesystem has less
 * free space than the floor, the oldest recordings of every camera together. Oldest first
 * always; never a recording in progress; every deletion through the crash-safe delete.
 */
export async function sweepRetention(context: SweepContext): Promise<SweepReport> {
  const { index, storage, logger, counters, inProgress } = context;
  const report: SweepReport = { deleted: { age: 0, bytes: 0, free_space: 0 }, bytesFreed: 0, failures: 0 };

  const remove = async (recording: Recording, reason: RetentionReason): Promise<boolean> => {
    try {
      if (!(await deleteRecording(index, storage, recording.id))) return false;
    } catch (error) {
      report.failures++;
      counters?.failed(recording.camera);
      logger.error({ camera: recording.camera, recordingID: recording.id, path: recording.path, reason, err: (error as Error).message }, 'retention could not delete a recording');
      return false;
    }
    report.deleted[reason]++;
    report.bytesFreed += recording.bytes;
    counters?.deleted(recording.camera, reason, recording.bytes);
    context.onDeleted?.(recording, reason);
    logger.info({ camera: recording.camera, recordingID: recording.id, path: recording.path, reason, bytes: recording.bytes }, 'retention deleted a recording');
    return true;
  };
  const deletable = (recording: Recording) => !inProgress.has(recording.id);

  for (const totals of index.totalsByCamera()) {
    const { camera } = totals;
    const policy = context.policy(camera);
    if (!policy || context.stopped()) continue;
    // From the one pass over every camera's totals above, less what age deletes below: a
    // second query per camera would cost as much again on a large index.
    let bytes = totals.bytes;
    // By age: whole recordings that ended before the cutoff. A missing row's file is gone
    // already; past the age it is forgotten too.
    const cutoff = context.now - policy.maxAgeMs;
    for (const state of ['complete', 'missing'] as const) {
      for (const recording of oldestFirst(index, { camera, state, to: cutoff })) {
        if (context.stopped()) break;
        if (recording.endMs > cutoff || !deletable(recording)) continue;
        await remove(recording, 'age');
        // Failed or not, it has left the camera's total (see the bytes pass below).
        if (state === 'complete') bytes -= recording.bytes;
      }
    }
    // By bytes: the oldest until the camera's total fits.
    if (bytes <= policy.maxBytes) continue;
    for (const recording of oldestFirst(index, { camera, state: 'complete' })) {
      if (bytes <= policy.maxBytes || context.stopped()) break;
      if (!deletable(recording)) continue;
      // Subtracted even when the unlink failed: the row is marked deleting and the next start
      // finishes it, so a newer recording must not go in its place.
      await remove(recording, 'bytes');
      bytes -= recording.bytes;
    }
  }

  await freeSpacePass(context, report, remove, deletable);
  return report;
}

/**
 * Below the floor: the oldest recordings of every camera, deleted until the bytes freed should
 * lift free space over the floor, then statfs again (a file still open for a download frees
 * nothing until it is closed, and other programs write too), a few rounds at most: the next
 * sweep carries on rather than one sweep deleting everything on a wrong estimate.
 */
async function freeSpacePass(
  context: SweepContext,
  report: SweepReport,
  remove: (recording: Recording, reason: RetentionReason) => Promise<boolean>,
  deletable: (recording: Recording) => boolean,
): Promise<void> {
  const { monitor, logger, events } = context;
  const first = monitor.disk();
  if (!first.disk || first.floorBytes === undefined) {
    logger.warn({ err: first.error }, 'retention cannot read the free space of the storage folder');
    return;
  }
  const floor = Math.max(first.floorBytes, context.roomNeededBytes ?? 0);
  if (first.disk.freeBytes >= floor) return;
  const freedByCamera = new Map<string, { count: number; bytes: number }>();
  let exhausted = false;
  let reading = first;
  for (let round = 0; round < FREE_SPACE_ROUNDS && !exhausted && !context.stopped(); round++) {
    let estimate = reading.disk?.freeBytes ?? 0;
    exhausted = true;
    for (const recording of oldestFirst(context.index, { state: 'complete' })) {
      if (context.stopped()) break;
      if (estimate >= floor) {
        exhausted = false;
        break;
      }
      if (!deletable(recording) || !(await remove(recording, 'free_space'))) continue;
      estimate += recording.bytes;
      const freed = freedByCamera.get(recording.camera) ?? { count: 0, bytes: 0 };
      freed.count++;
      freed.bytes += recording.bytes;
      freedByCamera.set(recording.camera, freed);
    }
    reading = monitor.disk();
    if ((reading.disk?.freeBytes ?? 0) >= floor) break;
  }
  const after = reading.disk?.freeBytes ?? 0;
  const floorMet = after >= floor;
  report.freeSpace = { floorMet, exhausted: exhausted && !floorMet };
  const goal = floor > first.floorBytes ? `to make the ${formatBytes(floor)} of room a camera needs on a full filesystem` : `to keep ${describeFloor(monitor.floor)} (${formatBytes(floor)}) free on storage`;
  const figures = `${goal}: ${formatBytes(first.disk.freeBytes)} was free, ${formatBytes(after)} is now`;
  for (const [camera, freed] of freedByCamera) {
    events.record({ kind: 'Camera', name: camera }, 'Warning', 'RecordingsDeletedForSpace', `deleted ${freed.count} recording(s) (${formatBytes(freed.bytes)}), oldest first across cameras, ${figures}`);
  }
  const summary = { floor, freeBefore: first.disk.freeBytes, freeAfter: after, deleted: report.deleted.free_space };
  if (floorMet) logger.warn(summary, 'free space was below the floor: the oldest recordings were deleted');
  else logger.error(summary, report.freeSpace.exhausted ? 'free space is below the floor and no recording is left that retention may delete' : 'free space is still below the floor; the next sweep carries on');
}

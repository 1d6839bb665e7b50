import { cameraConditions, cameraFingerprint, type CameraFilter } from './camera-filter.js';
import { decodeContinueToken, queryFingerprint } from './continue-token.js';
import type { PageStatement } from './keyset-page.js';
import { checkPageQuery } from './recordings-table.js';
import type { RecordingTrigger } from './types.js';

export interface MotionEventQuery extends CameraFilter {
  /** Events held by recordings of this trigger. */
  trigger?: RecordingTrigger;
  /** Events held by this recording. */
  recording?: string;
  /**
   * Events that began in [from, to) (epoch ms). By start, unlike recordings (by overlap): an
   * event is a moment on a timeline, and one still going on has no end to compare.
   */
  from?: number;
  to?: number;
  limit?: number;
  order?: 'newest' | 'oldest';
  continue?: string;
}

/**
 * The SQL of one page of a motion events list, keyset-paginated on (start_ms, id) as the
 * recordings list is, with the same continue tokens (the id carried as text).
 */
export function motionListStatement(query: MotionEventQuery): PageStatement {
  const { limit, order } = checkPageQuery(query);
  const fingerprint = queryFingerprint({ kind: 'motion', ...cameraFingerprint(query), trigger: query.trigger, recording: query.recording, from: query.from, to: query.to, order });
  const after = query.continue !== undefined ? decodeContinueToken(query.continue, fingerprint) : undefined;

  const params: Record<string, unknown> = { limit: limit + 1 };
  const where = cameraConditions(query, params);
  if (query.recording !== undefined) {
    where.push('recording_id = @recording');
    params.recording = query.recording;
  }
  if (query.trigger !== undefined) {
    // A lookup by primary key per event: cheap, and no event is held by two recordings.
    where.push('EXISTS (SELECT 1 FROM recordings r WHERE r.id = motion_events.recording_id AND r.trigger = @trigger)');
    params.trigger = query.trigger;
  }
  if (query.from !== undefined) {
    where.push('start_ms >= @from');
    params.from = query.from;
  }
  if (query.to !== undefined) {
    where.push('start_ms < @to');
    params.to = query.to;
  }
  if (after) {
    where.push(order === 'newest' ? '(start_ms, id) < (@afterStart, @afterId)' : '(start_ms, id) > (@afterStart, @afterId)');
    params.afterStart = after.startMs;
    params.afterId = Number(after.id);
  }
  const direction = order === 'newest' ? 'DESC' : 'ASC';
  const sql = `SELECT * FROM motion_events ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY start_ms ${direction}, id ${direction} LIMIT @limit`;
  return { sql, params, limit, fingerprint };
}

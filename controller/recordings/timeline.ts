import type { Database, Statement } from 'better-sqlite3';
import { cameraConditions, type CameraFilter } from './camera-filter.js';
import type { RecordingTrigger } from './types.js';

export interface TimelineQuery extends CameraFilter {
  /** The window, epoch ms: [fromMs, toMs). */
  fromMs: number;
  toMs: number;
  /** Gaps shorter than this are drawn as recorded, and motion is counted per slot of this length. */
  resolutionMs: number;
}

export interface RecordedInterval {
  /** Clipped to the window. */
  startMs: number;
  endMs: number;
  /** Recordings merged into it, and their triggers. */
  recordings: number;
  triggers: RecordingTrigger[];
}

export interface MotionMarker {
  /** The start of the slot: fromMs + k × resolutionMs. */
  startMs: number;
  /** Motion events that began in the slot, and the highest score among them. */
  count: number;
  peakScore: number;
}

export interface CameraTimeline {
  camera: string;
  intervals: RecordedInterval[];
  motion: MotionMarker[];
}

/** Slots a timeline may have: a 24-hour bar at 1-second resolution, and a bound on one request's work. */
export const MAX_TIMELINE_SLOTS = 100_000;

/** Rows as arrays (better-sqlite3's raw mode): a day of a site is thousands of them, and objects cost. */
type SpanRow = [camera: string, startMs: number, endMs: number, trigger: RecordingTrigger];
type MotionRow = [camera: string, startMs: number, peakScore: number];

/**
 * What a timeline bar needs, per camera: the recorded intervals (complete recordings only; a
 * missing file is no recording to play), merged where the gap between them is shorter than
 * the resolution, and motion markers aggregated to it. Recordings come through the same
 * overlap bound on start_ms as the lists (the longest recording found through its index);
 * for a whole site, both queries read one range of a covering index (schema step 4).
 */
export class Timeline {
  private readonly statements = new Map<string, Statement<[Record<string, unknown>]>>();

  constructor(private readonly db: Database) {}

  query(query: TimelineQuery): CameraTimeline[] {
    const { fromMs, toMs, resolutionMs } = query;
    for (const [field, value] of Object.entries({ fromMs, toMs, resolutionMs })) {
      if (!Number.isSafeInteger(value)) throw new RangeError(`${field} ${JSON.stringify(value)} must be an integer (ms)`);
    }
    if (toMs <= fromMs) throw new RangeError(`to (${toMs}) must be after from (${fromMs})`);
    if (resolutionMs < 1) throw new RangeError(`resolution ${resolutionMs} ms must be at least 1 ms`);
    if ((toMs - fromMs) / resolutionMs > MAX_TIMELINE_SLOTS) {
      throw new RangeError(`resolution ${resolutionMs} ms makes ${Math.ceil((toMs - fromMs) / resolutionMs)} slots from ${fromMs} to ${toMs}; at most ${MAX_TIMELINE_SLOTS}`);
    }

    const byCamera = new Map<string, CameraTimeline>();
    const of = (camera: string) => {
      let entry = byCamera.get(camera);
      if (!entry) byCamera.set(camera, (entry = { camera, intervals: [], motion: [] }));
      return entry;
    };

    const spanParams: Record<string, unknown> = { from: fromMs, to: toMs };
    const spanWhere = [
      ...cameraConditions(query, spanParams),
      "state = 'complete'",
      'start_ms < @to',
      'end_ms > @from',
      'start_ms > @from - (SELECT coalesce(max(end_ms - start_ms), 0) FROM recordings)',
    ];
    const spans = this.statement(`SELECT camera, start_ms, end_ms, trigger FROM recordings WHERE ${spanWhere.join(' AND ')} ORDER BY start_ms`).all(spanParams) as SpanRow[];
    for (const [camera, start, end, trigger] of spans) {
      const intervals = of(camera).intervals;
      const startMs = Math.max(start, fromMs);
      const endMs = Math.min(end, toMs);
      const last = intervals.at(-1);
      if (last && startMs - last.endMs < resolutionMs) {
        last.endMs = Math.max(last.endMs, endMs);
        last.recordings++;
        if (!last.triggers.includes(trigger)) last.triggers.push(trigger);
      } else {
        intervals.push({ startMs, endMs, recordings: 1, triggers: [trigger] });
      }
    }

    // Counted here rather than by GROUP BY: the rows come in time order from the index alone,
    // so each camera's slots arrive in order and need no sort (measured: a third of the time).
    const motionParams: Record<string, unknown> = { from: fromMs, to: toMs };
    const motionWhere = [...cameraConditions(query, motionParams), 'start_ms >= @from', 'start_ms < @to'];
    const events = this.statement(`SELECT camera, start_ms, peak_score FROM motion_events WHERE ${motionWhere.join(' AND ')} ORDER BY start_ms`).all(motionParams) as MotionRow[];
    for (const [camera, start, peakScore] of events) {
      const motion = of(camera).motion;
      const slotStart = fromMs + Math.floor((start - fromMs) / resolutionMs) * resolutionMs;
      const last = motion.at(-1);
      if (last?.startMs === slotStart) {
        last.count++;
        last.peakScore = Math.max(last.peakScore, peakScore);
      } else {
        motion.push({ startMs: slotStart, count: 1, peakScore });
      }
    }

    return [...byCamera.values()].sort((a, b) => (a.camera < b.camera ? -1 : a.camera > b.camera ? 1 : 0));
  }

  private statement(sql: string): Statement<[Record<string, unknown>]> {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql).raw(true);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

// The query parameters of the recordings, motionevents and timeline endpoints, checked and typed;
// every problem is a 400 that names the parameter and the value.
import type { Context } from 'koa';
import type { CameraFilter } from '../recordings/camera-filter.js';
import { MAX_PAGE } from '../recordings/recordings-table.js';
import { RECORDING_STATES, RECORDING_TRIGGERS, type RecordingState, type RecordingTrigger } from '../recordings/types.js';
import type { CameraObject } from '../store/camera-store.js';
import type { ObjectStore } from '../store/object-store.js';
import { LabelSelectorError, parseLabelSelector, type LabelSelector } from './label-selector.js';

export class QueryError extends Error {
  override name = 'QueryError';
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/** One value of a parameter; given twice is an error (which one would be meant?). */
export function single(ctx: Context, name: string): string | undefined {
  const value = ctx.query[name];
  if (Array.isArray(value)) throw new QueryError(`${name} given more than once`);
  return value;
}

/** RFC 3339 (2025-07-20T12:00:00Z, with an offset or fractions) or epoch milliseconds. */
export function parseTime(text: string, name: string): number {
  if (/^\d{1,15}$/.test(text)) return Number(text);
  const ms = RFC3339.test(text) ? Date.parse(text.replace(' ', 'T')) : Number.NaN;
  if (Number.isNaN(ms)) throw new QueryError(`${name} ${JSON.stringify(text)} is neither an RFC 3339 time (2025-07-20T12:00:00Z) nor epoch milliseconds`);
  return ms;
}

export function optionalTime(ctx: Context, name: string): number | undefined {
  const text = single(ctx, name);
  return text === undefined || text === '' ? undefined : parseTime(text, name);
}

function oneOf<T extends string>(ctx: Context, name: string, allowed: readonly T[]): T | undefined {
  const text = single(ctx, name);
  if (text === undefined || text === '') return undefined;
  if (!allowed.includes(text as T)) throw new QueryError(`${name} ${JSON.stringify(text)} must be one of ${allowed.join(', ')}`);
  return text as T;
}

/**
 * `camera` and `labelSelector` as a filter of the index. The selector is matched against the
 * declared cameras' labels; a camera no manifest declares (deleted, its recordings kept) has no
 * labels, so it is in when the selector matches an empty set of labels (`site!=office`).
 */
export function cameraFilter(ctx: Context, cameras: ObjectStore<CameraObject>): CameraFilter {
  const camera = single(ctx, 'camera');
  if (camera !== undefined && !DNS_LABEL.test(camera)) throw new QueryError(`camera ${JSON.stringify(camera)} is not a camera name (a DNS-1123 label)`);
  const text = single(ctx, 'labelSelector');
  const filter: CameraFilter = camera !== undefined ? { camera } : {};
  if (text === undefined || text === '') return filter;
  let selector: LabelSelector;
  try {
    selector = parseLabelSelector(text);
  } catch (error) {
    if (error instanceof LabelSelectorError) throw new QueryError(`unable to parse labelSelector ${JSON.stringify(text)}: ${error.message}`);
    throw error;
  }
  const matching: string[] = [];
  const others: string[] = [];
  for (const object of cameras.values()) (selector.matches(object.metadata.labels ?? {}) ? matching : others).push(object.metadata.name);
  return selector.matches({}) ? { ...filter, excludeCameras: others } : { ...filter, cameras: matching };
}

export interface PageParameters {
  from?: number;
  to?: number;
  trigger?: RecordingTrigger;
  limit?: number;
  order?: 'newest' | 'oldest';
  continue?: string;
}

/** from, to, trigger, limit, order and continue, as every list takes them. */
export function pageParameters(ctx: Context): PageParameters {
  const result: PageParameters = {};
  const from = optionalTime(ctx, 'from');
  const to = optionalTime(ctx, 'to');
  if (from !== undefined) result.from = from;
  if (to !== undefined) result.to = to;
  if (from !== undefined && to !== undefined && to <= from) throw new QueryError(`to (${new Date(to).toISOString()}) must be after from (${new Date(from).toISOString()})`);
  const trigger = oneOf(ctx, 'trigger', RECORDING_TRIGGERS);
  if (trigger) result.trigger = trigger;
  const order = oneOf(ctx, 'order', ['newest', 'oldest'] as const);
  if (order) result.order = order;
  const limit = single(ctx, 'limit');
  // Kubernetes reads limit=0 as "no limit"; here that is one full page.
  if (limit !== undefined && limit !== '' && limit !== '0') {
    if (!/^\d+$/.test(limit) || Number(limit) > MAX_PAGE) throw new QueryError(`limit ${JSON.stringify(limit)} must be a whole number from 1 to ${MAX_PAGE}`);
    result.limit = Number(limit);
  }
  const token = single(ctx, 'continue');
  if (token !== undefined && token !== '') result.continue = token;
  return result;
}

export function stateParameter(ctx: Context): RecordingState | undefined {
  return oneOf(ctx, 'state', RECORDING_STATES);
}

import type { Context } from 'koa';

/**
 * Errors as the Kubernetes API returns them: a Status object whose reason and code a client
 * (or `camlet`, printing "Error from server (NotFound): ...") can rely on.
 */
export type StatusReason =
  | 'NotFound'
  | 'BadRequest'
  | 'Forbidden'
  | 'Expired'
  | 'MethodNotAllowed'
  | 'ServiceUnavailable'
  | 'InternalError'
  | 'Invalid'
  | 'Conflict'
  | 'AlreadyExists'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'RequestedRangeNotSatisfiable';

const CODES: Record<StatusReason, number> = {
  NotFound: 404,
  BadRequest: 400,
  Forbidden: 403,
  Expired: 410,
  MethodNotAllowed: 405,
  ServiceUnavailable: 503,
  InternalError: 500,
  Invalid: 422,
  Conflict: 409,
  AlreadyExists: 409,
  RequestEntityTooLarge: 413,
  UnsupportedMediaType: 415,
  RequestedRangeNotSatisfiable: 416,
};

/**
 * Kubernetes' StatusCause; `line` and `column` (camlet's addition) place a validation error in the
 * text of the request, so that a client can point at the line of the file it sent.
 */
export interface StatusCause {
  reason?: string;
  message: string;
  field?: string;
  line?: number;
  column?: number;
}

export interface StatusObject {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason: StatusReason;
  details?: { name?: string; group?: string; kind?: string; causes?: StatusCause[] };
  code: number;
}

export function statusObject(reason: StatusReason, message: string, details?: StatusObject['details']): StatusObject {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code: CODES[reason] };
}

export function replyStatus(ctx: Context, reason: StatusReason, message: string, details?: StatusObject['details']): void {
  const body = statusObject(reason, message, details);
  ctx.status = body.code;
  ctx.body = body;
}

export function notFound(ctx: Context, plural: string, name: string): void {
  replyStatus(ctx, 'NotFound', `${plural}.camlet.dev "${name}" not found`, { name, group: 'camlet.dev', kind: plural });
}

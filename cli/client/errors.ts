// Errors as kubectl prints them, each with the exit status it ends the command with.
import type { StatusObject } from '../../controller/api/status-error.js';

/** A failure the command reports itself: printed as `error: <message>`. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** The server answered with an error: printed as `Error from server (Reason): message`. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly statusObject: StatusObject | undefined,
    readonly body: string,
  ) {
    super(statusObject?.message ?? (body.trim().slice(0, 500) || `HTTP ${status}`));
  }

  get reason(): string {
    return this.statusObject?.reason ?? (STATUS_REASONS[this.status] || `HTTP ${this.status}`);
  }
}

/** The server could not be reached (refused, unknown host, no answer in time). Printed as is. */
export class ConnectionError extends Error {
  override name = 'ConnectionError';
}

const STATUS_REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  422: 'Invalid',
  500: 'InternalError',
  503: 'ServiceUnavailable',
};

/** The line(s) printed on stderr for an error, kubectl's way. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) return `Error from server (${error.reason}): ${error.message}`;
  if (error instanceof ConnectionError) return error.message;
  if (error instanceof CliError) return `error: ${error.message}`;
  return `error: ${error instanceof Error ? error.message : String(error)}`;
}

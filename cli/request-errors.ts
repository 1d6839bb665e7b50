import type { StatusObject } from '../controller/api/status-error.js';
import { ApiError } from './client/errors.js';
import type { InputDocument } from './manifest-input.js';

/**
 * A server's answer to one document of a file, with the file named and, for validation errors
 * (which the server places in the text it was sent), the line and column in the file.
 */
export function inDocument(error: unknown, document: InputDocument, verb: string): unknown {
  if (!(error instanceof ApiError)) return error;
  const causes = error.statusObject?.details?.causes?.filter((cause) => cause.line !== undefined) ?? [];
  const detail =
    causes.length > 0
      ? causes
          .map((cause) => `${document.file}:${document.startLine + (cause.line as number) - 1}:${cause.column ?? 1}: ${cause.field ? `${cause.field}: ` : ''}${cause.message}`)
          .join('; ')
      : error.message;
  const status: StatusObject = {
    ...(error.statusObject ?? { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'InternalError', code: error.status }),
    reason: (error.statusObject?.reason ?? error.reason) as StatusObject['reason'],
    message: `error when ${verb} "${document.file}": ${detail}`,
  };
  return new ApiError(error.status, status, error.body);
}

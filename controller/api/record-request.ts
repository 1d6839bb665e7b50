// The body of POST cameras/NAME/record and POST record: `{"seconds": N}` (default
// MANUAL_RECORDING_DEFAULT_SECONDS), or `{"stop": true}`; JSON or YAML, as every body of the API.
import { parse } from 'yaml';
import { MANUAL_RECORDING_DEFAULT_SECONDS, MANUAL_RECORDING_MAX_SECONDS, type ManualRecordingRequest } from '../../worker/protocol.js';
import type { StatusCause } from './status-error.js';

export type ParsedRecordRequest = { ok: true; request: ManualRecordingRequest } | { ok: false; message: string; causes: StatusCause[] };

const FIELDS = ['seconds', 'stop'];

/** The request a body asks for, or every field that is wrong with it (field, value and why). */
export function parseRecordRequest(text: string): ParsedRecordRequest {
  let body: unknown;
  try {
    body = text.trim() === '' ? {} : parse(text);
  } catch (error) {
    return { ok: false, message: `the body is not JSON or YAML: ${(error as Error).message.split('\n')[0]}`, causes: [] };
  }
  body ??= {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, message: 'the body must be an object such as {"seconds": 60} or {"stop": true}', causes: [] };
  }
  const fields = body as Record<string, unknown>;
  const causes: StatusCause[] = [];
  const wrong = (field: string, reason: string, why: string) => causes.push({ reason, field, message: `${JSON.stringify(fields[field])}: ${why}` });
  for (const field of Object.keys(fields)) {
    if (!FIELDS.includes(field)) causes.push({ reason: 'FieldValueNotSupported', field, message: `unknown field: give ${FIELDS.join(' or ')}` });
  }
  const { seconds, stop } = fields;
  if (stop !== undefined && stop !== true) wrong('stop', 'FieldValueInvalid', 'must be true, or left out to start a recording');
  if (seconds !== undefined && !(Number.isInteger(seconds) && (seconds as number) >= 1 && (seconds as number) <= MANUAL_RECORDING_MAX_SECONDS)) {
    wrong('seconds', 'FieldValueInvalid', `must be a whole number of seconds from 1 to ${MANUAL_RECORDING_MAX_SECONDS}`);
  }
  if (stop === true && seconds !== undefined) wrong('seconds', 'FieldValueForbidden', 'not with "stop": true');
  if (causes.length > 0) {
    return { ok: false, message: `invalid record request: ${causes.map((cause) => `${cause.field}: ${cause.message}`).join('; ')}`, causes };
  }
  return { ok: true, request: stop === true ? { stop: true } : { seconds: (seconds as number | undefined) ?? MANUAL_RECORDING_DEFAULT_SECONDS } };
}

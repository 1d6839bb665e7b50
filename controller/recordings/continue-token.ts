import { createHash } from 'node:crypto';

/** Where a page of a keyset-paginated list ended: the sort key of its last row. */
export interface ListPosition {
  startMs: number;
  id: string;
}

/** A continue token that is malformed or was made for another query (the API answers 400). */
export class ContinueTokenError extends Error {
  override readonly name = 'ContinueTokenError';
}

const TOKEN_VERSION = 1;

/**
 * A short digest of the query a token belongs to: a token is only valid for the filters that
 * made it (Kubernetes refuses a continue token used with other list options, and so does camlet,
 * since the position means nothing in another ordering or filter).
 */
export function queryFingerprint(query: Record<string, unknown>): string {
  const sorted = Object.keys(query)
    .sort()
    .map((key) => [key, query[key] ?? null]);
  return createHash('sha256').update(JSON.stringify(sorted)).digest('base64url').slice(0, 12);
}

/** Opaque to clients: base64url of a small JSON object, so that its shape can change later under a new version. */
export function encodeContinueToken(position: ListPosition, fingerprint: string): string {
  return Buffer.from(JSON.stringify({ v: TOKEN_VERSION, s: position.startMs, i: position.id, q: fingerprint })).toString('base64url');
}

export function decodeContinueToken(token: string, fingerprint: string): ListPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw new ContinueTokenError(`continue: ${JSON.stringify(token.slice(0, 80))} is not a continue token this server made`);
  }
  const { v, s, i, q } = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  if (v !== TOKEN_VERSION || typeof s !== 'number' || !Number.isSafeInteger(s) || typeof i !== 'string' || typeof q !== 'string') {
    throw new ContinueTokenError(`continue: ${JSON.stringify(token.slice(0, 80))} is not a continue token this server made`);
  }
  if (q !== fingerprint) throw new ContinueTokenError('continue: the token was made for a list with other filters or order; start again without it');
  return { startMs: s, id: i };
}

import { createHash } from 'node:crypto';

/** RFC 4122 name-based (SHA-1) UUIDs in camlet's own namespace. */
const NAMESPACE = Buffer.from('6f1f4c2e8a1b5d3c9e7f0a2b4c6d8e0f', 'hex');

/**
 * The id of a recording indexed from its file alone (no worker reported it): a UUID, like the
 * worker's ids, derived from the path, so the same file gets the same id however often it has
 * to be indexed again.
 */
export function idForPath(path: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(path).digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50; // version 5
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80; // RFC 4122 variant
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * What a `Range` request header asks of a file of `size` bytes (RFC 9110 §14):
 * - `full`: no range, another unit, or several ranges (answered whole with 200, which the RFC
 *   allows; players ask for one range at a time),
 * - `range`: one satisfiable range, inclusive, clamped to the file (206),
 * - `unsatisfiable`: a range that starts past the end, an empty suffix, or a malformed `bytes=`
 *   value (416, as nginx answers: a client that sent garbage gets told, not a whole file).
 */
export type RangeRequest = { kind: 'full' } | { kind: 'range'; start: number; end: number } | { kind: 'unsatisfiable'; why: string };

const SINGLE = /^(\d*)-(\d*)$/;
/** More digits than this is no position in any file (and past 2^53, not one a double holds). */
const MAX_DIGITS = 15;

export function parseRange(header: string | undefined, size: number): RangeRequest {
  if (header === undefined) return { kind: 'full' };
  const text = header.trim();
  const equals = text.indexOf('=');
  if (equals === -1) return { kind: 'unsatisfiable', why: `Range ${JSON.stringify(header)} is not <unit>=<ranges>` };
  if (text.slice(0, equals).trim().toLowerCase() !== 'bytes') return { kind: 'full' };
  const specs = text.slice(equals + 1).split(',').map((spec) => spec.trim());
  if (specs.length > 1) {
    // Checked all the same: garbage hidden in a list is still garbage.
    return specs.every((spec) => SINGLE.test(spec) && spec !== '-') ? { kind: 'full' } : { kind: 'unsatisfiable', why: `Range ${JSON.stringify(header)} is malformed` };
  }
  const match = SINGLE.exec(specs[0] ?? '');
  const [, first = '', last = ''] = match ?? [];
  if (!match || (first === '' && last === '') || first.length > MAX_DIGITS || last.length > MAX_DIGITS) {
    return { kind: 'unsatisfiable', why: `Range ${JSON.stringify(header)} is malformed: use bytes=START-END, bytes=START- or bytes=-SUFFIX` };
  }
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable', why: `Range ${JSON.stringify(header)} asks for no bytes of a ${size}-byte file` };
    return { kind: 'range', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== '' && Number(last) < start) return { kind: 'unsatisfiable', why: `Range ${JSON.stringify(header)} ends before it starts` };
  if (start >= size) return { kind: 'unsatisfiable', why: `Range ${JSON.stringify(header)} starts at or past the end of a ${size}-byte file` };
  return { kind: 'range', start, end };
}

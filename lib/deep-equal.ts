/**
 * Whether two JSON-like values are equal as JSON would say: object key order does not count, and
 * a property whose value is undefined is the same as no property. Allocates nothing, so it can
 * run on every status update of a large fleet.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  let definedInLeft = 0;
  for (const key in left) {
    if (!Object.hasOwn(left, key) || left[key] === undefined) continue;
    definedInLeft++;
    if (!Object.hasOwn(right, key) || !jsonEqual(left[key], right[key])) return false;
  }
  let definedInRight = 0;
  for (const key in right) if (Object.hasOwn(right, key) && right[key] !== undefined) definedInRight++;
  return definedInLeft === definedInRight;
}

import { jsonEqual } from '../../lib/deep-equal.js';
import { defaultedSpec } from './camera-document.js';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `wanted` without the spec fields that only repeat a default and that the document being edited
 * does not write out. Applying the output of `camlet get -o yaml` (every default filled in) to a
 * hand-written manifest then changes what was changed, not every default into the file.
 */
export function withoutImpliedDefaults(wanted: Record<string, unknown>, existing: unknown): Record<string, unknown> {
  if (!isPlainObject(wanted.spec)) return wanted;
  const target = defaultedSpec(wanted.spec);
  if (target === undefined) return wanted;
  const spec = structuredClone(wanted.spec);
  const written = isPlainObject(existing) && isPlainObject(existing.spec) ? existing.spec : {};

  const prune = (node: Record<string, unknown>, there: Record<string, unknown> | undefined) => {
    for (const key of Object.keys(node)) {
      const child = node[key];
      const writtenChild = there?.[key];
      if (there !== undefined && Object.hasOwn(there, key)) {
        if (isPlainObject(child) && isPlainObject(writtenChild)) prune(child, writtenChild);
        continue;
      }
      // Not in the file: left out when the defaults give the same spec without it.
      delete node[key];
      if (jsonEqual(defaultedSpec(spec), target)) continue;
      node[key] = child;
      if (isPlainObject(child)) prune(child, undefined);
    }
  };
  prune(spec, written);
  return { ...wanted, spec };
}

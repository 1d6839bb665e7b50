import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { copyWith } from './fixed-shape.js';

// %HaveSameMap needs --allow-natives-syntax, so the check runs in a child node of its own, on
// the source of copyWith as this test sees it.
function sharedShapes(copy: string): number {
  const program = `
    const copyWith = ${copyWith.toString()};
    const copies = [];
    for (let i = 0; i < 1000; i++) {
      const source = { type: 'T' + (i % 3), status: i % 2 ? 'True' : 'False', reason: 'r' + i, message: 'm' + i };
      copies.push(${copy});
    }
    let shared = 0;
    for (let i = 1; i < copies.length; i++) if (%HaveSameMap(copies[i], copies[i - 1])) shared++;
    process.stdout.write(String(shared));
  `;
  const run = spawnSync(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-e', program], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  return Number(run.stdout);
}

describe('copyWith', () => {
  it('gives copies of one kind one shared hidden class, where a spread gives each its own', () => {
    expect(sharedShapes("copyWith(source, { lastTransitionTime: 'now' })")).toBe(999);
    // The reason copyWith exists: if V8 ever stops doing this, the helper can go.
    expect(sharedShapes("({ ...source, lastTransitionTime: 'now' })")).toBeLessThan(100);
  });

  it('copies, and applies the changes over the original fields', () => {
    const original = { a: 1, b: { c: 2 } };
    const copy = copyWith(original, { a: 3 });
    expect(copy).toEqual({ a: 3, b: { c: 2 } });
    expect(copy).not.toBe(original);
    expect(original.a).toBe(1);
  });
});

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { unifiedDiff } from './unified-diff.js';

const folder = mkdtempSync(join(tmpdir(), 'camlet-diff-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** The hunks GNU diff prints for the same texts (its two header lines dropped). */
function gnuDiff(a: string, b: string): string {
  writeFileSync(join(folder, 'a'), a);
  writeFileSync(join(folder, 'b'), b);
  const result = spawnSync('diff', ['-u', join(folder, 'a'), join(folder, 'b')], { encoding: 'utf8' });
  return result.stdout.split('\n').slice(2).join('\n');
}

const lines = (count: number, change: (i: number) => string | undefined = () => undefined) =>
  Array.from({ length: count }, (_, i) => change(i) ?? `line ${i + 1}`)
    .filter((line) => line !== '')
    .map((line) => `${line}\n`)
    .join('');

describe('unifiedDiff', () => {
  it.each([
    ['one changed line', lines(20), lines(20, (i) => (i === 9 ? 'changed' : undefined))],
    ['changes near each other share a hunk', lines(20), lines(20, (i) => (i === 5 || i === 11 ? `x${i}` : undefined))],
    ['changes far apart get two hunks', lines(40), lines(40, (i) => (i === 2 || i === 30 ? `x${i}` : undefined))],
    ['a line added at the end', lines(5), lines(6)],
    ['a line removed at the start', lines(5), lines(5, (i) => (i === 0 ? '' : undefined))],
    ['a new file', '', lines(3)],
    ['a removed file', lines(3), ''],
    ['a block replaced', 'a\nb\nc\nd\ne\n', 'a\nx\ny\nz\ne\n'],
  ])('prints what diff -u prints: %s', (_, a, b) => {
    expect(unifiedDiff(a, b)).toBe(gnuDiff(a, b));
  });

  it('is empty for equal texts', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb\n')).toBe('');
  });
});

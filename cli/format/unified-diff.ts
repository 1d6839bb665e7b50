// A unified diff of two texts, as `diff -u` prints it (what kubectl diff shows), computed here so
// that `camlet diff` needs no diff program and prints the same on every machine. Manifests are
// short, so a plain longest-common-subsequence table is quick enough.

const CONTEXT = 3;

type Op = { kind: ' ' | '-' | '+'; line: string };

function operations(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..].
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    const row = lcs[i] as Uint32Array;
    const below = lcs[i + 1] as Uint32Array;
    for (let j = m - 1; j >= 0; j--) row[j] = a[i] === b[j] ? (below[j + 1] as number) + 1 : Math.max(below[j] as number, row[j + 1] as number);
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push({ kind: ' ', line: a[i] as string });
      i++;
      j++;
    } else if (j < m && (i === n || ((lcs[i] as Uint32Array)[j + 1] as number) >= ((lcs[i + 1] as Uint32Array)[j] as number))) {
      ops.push({ kind: '+', line: b[j] as string });
      j++;
    } else {
      ops.push({ kind: '-', line: a[i] as string });
      i++;
    }
  }
  // diff -u shows removals before additions within a change.
  for (let k = 1; k < ops.length; k++) {
    for (let l = k; l > 0 && (ops[l] as Op).kind === '-' && (ops[l - 1] as Op).kind === '+'; l--) [ops[l - 1], ops[l]] = [ops[l] as Op, ops[l - 1] as Op];
  }
  return ops;
}

function lines(text: string): string[] {
  if (text === '') return [];
  return (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
}

function range(start: number, count: number): string {
  // As diff -u: an empty side is shown at the line before it; a count of 1 is left out.
  const first = count === 0 ? start - 1 : start;
  return count === 1 ? `${first}` : `${first},${count}`;
}

/** The hunks of `diff -u a b` (without the ---/+++ header lines); '' when the texts are equal. */
export function unifiedDiff(a: string, b: string): string {
  const ops = operations(lines(a), lines(b));
  const changed = ops.map((op, index) => (op.kind === ' ' ? -1 : index)).filter((index) => index >= 0);
  if (changed.length === 0) return '';
  // Group changes whose contexts touch into one hunk.
  const hunks: [number, number][] = [];
  for (const index of changed) {
    const last = hunks[hunks.length - 1];
    if (last && index - last[1] <= 2 * CONTEXT + 1) last[1] = index;
    else hunks.push([index, index]);
  }
  let out = '';
  for (const [first, last] of hunks) {
    const from = Math.max(0, first - CONTEXT);
    const to = Math.min(ops.length - 1, last + CONTEXT);
    let oldStart = 1;
    let newStart = 1;
    for (let k = 0; k < from; k++) {
      if ((ops[k] as Op).kind !== '+') oldStart++;
      if ((ops[k] as Op).kind !== '-') newStart++;
    }
    const body = ops.slice(from, to + 1);
    const oldCount = body.filter((op) => op.kind !== '+').length;
    const newCount = body.filter((op) => op.kind !== '-').length;
    out += `@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@\n`;
    for (const op of body) out += `${op.kind}${op.line}\n`;
  }
  return out;
}

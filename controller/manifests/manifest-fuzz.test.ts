import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { systemClock } from '../../lib/clock.js';
import { createLogger } from '../../lib/logger.js';
import { EventRecorder } from '../events/event-recorder.js';
import { CameraStore } from '../store/camera-store.js';
import { Revision } from '../store/object-store.js';
import { formatSourceError, type SourceError } from '../yaml/source-error.js';
import { YAML_LIMITS } from '../yaml/yaml-documents.js';
import { readManifestFile, type ManifestFile } from './camera-document.js';
import { ManifestSource } from './manifest-source.js';
import { ManifestWatcher } from './manifest-watcher.js';

// Malformed and adversarial manifests, thrown at the validator and at the ManifestSource: nothing
// may throw or stall, every error must point at a place in the file, and the password planted in
// the inputs must never come back out.

const SECRET = 'SECRETPW';
const PLANTED = `rtsp://u:${SECRET}@h/x`;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Inputs per property; their sum is checked at the end. */
const RUNS = { objects: 700, junk: 500, tokens: 300, bombs: 150, nesting: 150, documents: 150, source: 200 };
/** A generous bound for one small input on a busy 2-core machine. */
const MAX_MS = 2000;

// ---- values ------------------------------------------------------------------------------------

const hugeNumber = fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 2 ** 70, 5e-324, -0, Infinity, -Infinity, NaN);
const hugeString = fc.integer({ min: 1_000, max: 100_000 }).map((n) => 'ab1-'.repeat(n / 4));
const trickyString = fc.constantFrom(
  PLANTED,
  `x ${PLANTED} y`,
  `rtsp://x\${${PLANTED}`,
  'rtsp://u:${NOT_SET_ANYWHERE}@h/x',
  'rtsp://u:${bad name}@h/x',
  '${',
  '<<',
  '*a',
  '&a',
  '!!binary',
  '---',
  '...',
  '"',
  "'",
  '#',
  ': ',
  '- ',
  '? ',
  '\t',
  '\u0085',
  '\u2028',
  '\ufeff',
  '\ud800',
);
const scalar: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: trickyString },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 3, arbitrary: fc.integer({ min: -10, max: 5000 }) },
  { weight: 2, arbitrary: hugeNumber },
  { weight: 2, arbitrary: fc.double() },
  { weight: 2, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: hugeString },
);
/** Values nested a few hundred levels deep, as JSON-shaped data. */
const deepValue = fc
  .tuple(fc.integer({ min: 20, max: 400 }), fc.boolean(), scalar)
  .map(([depth, asMap, leaf]) => Array.from({ length: depth }).reduce<unknown>((inner) => (asMap ? { k: inner } : [inner]), leaf));
const junk: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: scalar },
  { weight: 2, arbitrary: fc.anything({ maxDepth: 3, maxKeys: 4, stringUnit: 'grapheme' }) },
  { weight: 1, arbitrary: deepValue },
);
const number = fc.oneof(fc.integer({ min: -5, max: 700 }), junk);
const optional = { requiredKeys: [] as [] };

const polygon = fc.oneof(
  fc.record({ name: fc.oneof(fc.string({ maxLength: 70 }), junk), points: fc.oneof(fc.array(fc.array(fc.oneof(fc.double(), junk), { maxLength: 3 }), { maxLength: 70 }), junk) }, optional),
  junk,
);
const stream = fc.oneof(
  fc.record({ url: fc.oneof(fc.constant(PLANTED), fc.constant('rtsp://10.0.0.1/a'), junk), transport: fc.oneof(fc.constantFrom('tcp', 'udp'), junk) }, optional),
  junk,
);
const spec = fc.oneof(
  { weight: 5, arbitrary: fc.record(
    {
      enabled: fc.oneof(fc.boolean(), junk),
      streams: fc.oneof(fc.record({ main: stream, sub: stream }, optional), junk),
      motion: fc.oneof(
        fc.record({ enabled: fc.oneof(fc.boolean(), junk), fps: number, width: number, threshold: number, minArea: number, zones: fc.oneof(fc.array(polygon, { maxLength: 40 }), junk), masks: fc.oneof(fc.array(polygon, { maxLength: 3 }), junk) }, optional),
        junk,
      ),
      recording: fc.oneof(
        fc.record({ mode: fc.oneof(fc.constantFrom('motion', 'continuous', 'off'), junk), preRollSeconds: number, postRollSeconds: number, segmentMinutes: number, retention: fc.oneof(fc.record({ maxAgeDays: number, maxBytes: fc.oneof(fc.constantFrom('50Gi', '1.5Ti', '10', 'lots'), junk) }, optional), junk) }, optional),
        junk,
      ),
      health: fc.oneof(fc.record({ heartbeatSeconds: number, timeoutSeconds: number, unhealthyRestartSeconds: number }, optional), junk),
      restart: fc.oneof(fc.record({ initialBackoffSeconds: number, maxBackoffSeconds: number, maxRestarts: number, resetAfterSeconds: number }, optional), junk),
      [PLANTED]: junk,
    },
    optional,
  ) },
  { weight: 1, arbitrary: junk },
);
const cameraLike = fc.record(
  {
    apiVersion: fc.oneof({ weight: 4, arbitrary: fc.constant('camlet.dev/v1') }, junk),
    kind: fc.oneof({ weight: 4, arbitrary: fc.constant('Camera') }, junk),
    metadata: fc.oneof(
      { weight: 5, arbitrary: fc.record(
        {
          name: fc.oneof({ weight: 3, arbitrary: fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,10}[a-z0-9])?$/) }, fc.constant(PLANTED), junk),
          labels: fc.oneof(fc.dictionary(fc.oneof(fc.string({ maxLength: 20 }), fc.constant(PLANTED)), junk, { maxKeys: 4 }), junk),
          annotations: fc.oneof(fc.dictionary(fc.string({ maxLength: 20 }), fc.oneof(fc.string(), junk), { maxKeys: 3 }), junk),
          uid: junk,
        },
        optional,
      ) },
      { weight: 1, arbitrary: junk },
    ),
    spec,
    status: junk,
    unknownField: junk,
  },
  { requiredKeys: ['apiVersion', 'kind', 'metadata', 'spec'] },
);

/** A value written out as YAML the way a person or a tool might have: block, flow or JSON. */
function serialize(value: unknown, style: 'block' | 'flow' | 'json'): string {
  try {
    if (style === 'json') return JSON.stringify(value) ?? 'null';
    return stringify(value, { collectionStyle: style, lineWidth: 0 });
  } catch {
    return JSON.stringify(value) ?? 'null';
  }
}
const style = fc.constantFrom<'block' | 'flow' | 'json'>('block', 'block', 'flow', 'json');
const cameraText = fc.tuple(cameraLike, style).map(([value, how]) => serialize(value, how));

// ---- texts that are not YAML, or barely ----------------------------------------------------------

/** Puts the planted URL somewhere in a text, on a token boundary or in the middle of one. */
const withPlanted = (text: fc.Arbitrary<string>) =>
  fc.tuple(text, fc.nat(), fc.boolean()).map(([t, at, plant]) => (plant ? `${t.slice(0, at % (t.length + 1))}${PLANTED}${t.slice(at % (t.length + 1))}` : t));
const junkText = withPlanted(
  fc.oneof(
    fc.string({ unit: 'binary', maxLength: 400 }),
    fc.string({ unit: 'grapheme', maxLength: 400 }),
    fc.uint8Array({ maxLength: 3000 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
    fc.uint8Array({ maxLength: 3000 }).map((bytes) => Buffer.from(bytes).toString('utf8')),
    fc.uint8Array({ maxLength: 3000 }).map((bytes) => Buffer.from(bytes).toString('utf8').replace(/\0/g, '')),
  ),
);
const YAML_TOKENS = [
  '- ', '? ', ': ', ':', ',', '[', ']', '{', '}', '"', "'", '&a ', '*a ', '<<: ', '!!str ', '!t ', '!<tag:x> ', '%YAML 1.1\n', '%TAG ! tag:x,\n',
  '---\n', '...\n', '|\n', '>-\n', '#c\n', '\n', '\n  ', '\n    ', '\r\n', '\t', '  ', 'apiVersion: camlet.dev/v1\n', 'kind: Camera\n',
  'metadata:\n  name: door\n', 'spec:\n', '  streams: { main: { url: "rtsp://10.0.0.1/a" } }\n', 'x', '1', '.inf', '~', 'null', '"\\q"', '\ufeff',
  PLANTED, `${PLANTED}: `, `*${PLANTED} `, `&${PLANTED} `, `!${PLANTED} `,
];
const tokenSoup = fc.array(fc.constantFrom(...YAML_TOKENS), { maxLength: 120 }).map((tokens) => tokens.join(''));

// ---- bombs and nesting ---------------------------------------------------------------------------

const bombs = fc
  .record({ width: fc.integer({ min: 1, max: 12 }), depth: fc.integer({ min: 1, max: 12 }), merge: fc.boolean(), yaml11: fc.boolean() })
  .map(({ width, depth, merge, yaml11 }) => {
    const lines = yaml11 ? ['%YAML 1.1', '---'] : [];
    lines.push('apiVersion: camlet.dev/v1', 'kind: Camera', 'metadata: { name: bomb }', 'anchors:');
    lines.push(merge ? `  a0: &a0 { x: "${PLANTED}" }` : `  a0: &a0 ["${PLANTED}", lol]`);
    for (let i = 1; i <= depth; i++) {
      const aliases = Array.from({ length: width }, () => `*a${i - 1}`).join(', ');
      lines.push(merge ? `  a${i}: &a${i} { <<: [${aliases}], k${i}: v }` : `  a${i}: &a${i} [${aliases}]`);
    }
    lines.push('spec:', '  streams: { main: { url: "rtsp://10.0.0.1/a" } }', `  motion: *a${depth}`);
    return { text: lines.join('\n'), expansion: width ** depth };
  });

const NESTINGS = {
  'flow-seq': (n: number) => `${'['.repeat(n)}1${']'.repeat(n)}`,
  'flow-map': (n: number) => `${'{a: '.repeat(n)}1${'}'.repeat(n)}`,
  'compact-seq': (n: number) => `${'- '.repeat(n)}x`,
  'explicit-key': (n: number) => `${'? '.repeat(n)}x`,
  'key-question': (n: number) => `${'x: ? '.repeat(n)}x`,
  'block-map': (n: number) => Array.from({ length: n }, (_, i) => `${' '.repeat(i)}k:`).join('\n'),
  'block-seq': (n: number) => Array.from({ length: n }, (_, i) => `${' '.repeat(i)}-`).join('\n'),
  'broken-lines': (n: number) => 'x: ? x: ? #c\n'.repeat(n),
};
const nesting = fc
  .record({ depth: fc.integer({ min: 1, max: 5000 }), how: fc.constantFrom(...(Object.keys(NESTINGS) as (keyof typeof NESTINGS)[])), inSpec: fc.boolean() })
  .map(({ depth, how, inSpec }) => {
    const body = NESTINGS[how](depth);
    const text = inSpec
      ? `apiVersion: camlet.dev/v1\nkind: Camera\nmetadata: { name: deep }\nspec:\n  streams: { main: { url: "${PLANTED}" } }\n  motion:\n    zones:\n${body.replace(/^/gm, '      ')}\n`
      : body;
    return { text, depth };
  });

const manyDocuments = fc
  .array(fc.oneof({ weight: 3, arbitrary: cameraText }, junkText, tokenSoup), { minLength: 2, maxLength: 25 })
  .map((documents) => documents.join('\n---\n'));

// ---- checks ----------------------------------------------------------------------------------------

function allErrors(file: ManifestFile): SourceError[] {
  return [...file.errors, ...file.documents.flatMap((d) => (d.valid ? [] : d.errors))];
}

/** Reads one input and checks everything that must hold for any input. */
function check(text: string, name = 'fuzz.yaml', maxMs = MAX_MS): ManifestFile {
  const started = performance.now();
  const file = readManifestFile(name, text);
  expect(performance.now() - started).toBeLessThan(maxMs);
  const lines = text.split('\n');
  for (const error of allErrors(file)) {
    expect(error.file).toBe(name);
    expect(Number.isInteger(error.line) && error.line >= 1 && error.line <= lines.length).toBe(true);
    expect(Number.isInteger(error.column) && error.column >= 1 && error.column <= (lines[error.line - 1]?.length ?? 0) + 1).toBe(true);
    expect(error.message.trim()).not.toBe('');
    expect(error.value === undefined || error.value.length <= 80).toBe(true);
  }
  for (const document of file.documents) {
    if (document.valid) expect(document.camera.name).toMatch(DNS_LABEL);
    else {
      expect(document.errors.length).toBeGreaterThan(0);
      if (document.name !== undefined) expect(document.name).toMatch(DNS_LABEL);
    }
  }
  const shown = allErrors(file).map(formatSourceError).join('\n');
  expect(shown).not.toContain(SECRET);
  return file;
}

describe('manifests under fuzzing', () => {
  const measured: Record<string, number> = {};
  const timed = (label: string, body: () => void) => {
    const started = performance.now();
    body();
    measured[label] = Math.round(performance.now() - started);
  };
  afterAll(() => {
    // Kept for the record of how long each part takes on this machine.
    console.info(`manifest fuzz durations (ms): ${JSON.stringify(measured)}`);
  });

  it('validates Camera-like objects with wrong types, huge values, deep nesting and unicode', () => {
    timed('objects', () => fc.assert(fc.property(cameraText, (text) => void check(text)), { numRuns: RUNS.objects }));
  }, 60_000);

  it('reports arbitrary text and binary junk without throwing', () => {
    timed('junk', () =>
      fc.assert(
        fc.property(junkText, (text) => {
          const file = check(text);
          if (text.includes('\0')) expect(file.errors.map((e) => e.message)).toEqual(['file holds NUL bytes: not a YAML text file']);
        }),
        { numRuns: RUNS.junk },
      ),
    );
  }, 60_000);

  it('reports soups of YAML tokens (anchors, tags, directives, indicators) without throwing', () => {
    timed('tokens', () => fc.assert(fc.property(tokenSoup, (text) => void check(text)), { numRuns: RUNS.tokens }));
  }, 60_000);

  it('stops anchor, alias and merge-key bombs with a pointed error', () => {
    timed('bombs', () =>
      fc.assert(
        fc.property(bombs, ({ text, expansion }) => {
          const file = check(text);
          if (expansion > YAML_LIMITS.maxAliasCount) {
            expect(allErrors(file).map((e) => e.message)).toContainEqual(expect.stringMatching(/^YAML: Excessive alias count/));
          }
        }),
        { numRuns: RUNS.bombs },
      ),
    );
  }, 60_000);

  it('refuses collections nested too deep, block or flow, before the parser runs out of stack', () => {
    timed('nesting', () =>
      fc.assert(
        fc.property(nesting, ({ text, depth }) => {
          const messages = allErrors(check(text)).map((e) => e.message);
          if (depth > YAML_LIMITS.maxNestingDepth) expect(messages).toContainEqual(expect.stringMatching(/nested deeper than|byte limit/));
          if (depth <= 30) expect(messages.filter((m) => /nested deeper than/.test(m))).toEqual([]);
        }),
        { numRuns: RUNS.nesting },
      ),
    );
  }, 60_000);

  it('reads files of many documents, each valid or with its own errors', () => {
    timed('documents', () => fc.assert(fc.property(manyDocuments, (text) => void check(text)), { numRuns: RUNS.documents }));
  }, 60_000);

  it('never disturbs valid cameras in another file, whatever a file holds', () => {
    const revision = new Revision();
    const store = new CameraStore(revision, systemClock);
    const events = new EventRecorder(revision, systemClock, 'test');
    const counts: number[] = [];
    const source = new ManifestSource(store, events, createLogger('test', 'silent'), (count) => counts.push(count));
    const neighbours = ['neighbour-a', 'neighbour-b'];
    source.fileChanged(
      'manifests/a-neighbours.yaml',
      neighbours.map((name) => `apiVersion: camlet.dev/v1\nkind: Camera\nmetadata: { name: ${name} }\nspec: { streams: { main: { url: "rtsp://10.0.0.1/${name}" } } }\n`).join('---\n'),
    );
    const before = neighbours.map((name) => store.objects.get(name));
    expect(before.every((object) => object?.status.phase === 'Pending')).toBe(true);

    // Neighbour names are in the mix, so that some files declare them again.
    const anyFile = fc.oneof(cameraText, junkText, tokenSoup, manyDocuments, bombs.map((b) => b.text), nesting.map((n) => n.text), fc.constantFrom(...neighbours).map((name) => `apiVersion: camlet.dev/v1\nkind: Camera\nmetadata: { name: ${name} }\nspec: { enabled: 12 }\n`));
    timed('source', () =>
      fc.assert(
        fc.property(fc.array(anyFile, { minLength: 1, maxLength: 3 }), (versions) => {
          const file = 'manifests/fuzz.yaml';
          for (const text of versions) source.fileChanged(file, text);
          neighbours.forEach((name, i) => expect(store.objects.get(name)).toBe(before[i]));
          for (const name of store.names()) expect(name).toMatch(DNS_LABEL);
          // Errors, statuses and events; a valid spec may hold any text in a zone name, as written.
          expect(JSON.stringify([source.report(), store.objects.list().items.map((o) => o.status), events.objects.list()])).not.toContain(SECRET);
          expect(counts.every((count) => Number.isInteger(count) && count >= 0)).toBe(true);
          source.fileChanged(file, undefined);
          expect(store.names().sort()).toEqual(neighbours);
          expect(counts.at(-1)).toBe(0);
        }),
        { numRuns: RUNS.source },
      ),
    );
  }, 60_000);

  it('answers the worst files up to the size limit in bounded time, and refuses bigger ones at once', () => {
    const MiB = 1024 * 1024;
    const fill = (unit: string) => unit.repeat(Math.floor((MiB - 16) / unit.length));
    const worst: Record<string, string> = {
      'one map of 100k keys': Array.from({ length: 100_000 }, (_, i) => `k${i}: ${i}`).join('\n').slice(0, MiB - 16),
      'a sequence of 250k items': fill('- x\n'),
      'spec with 100k unknown fields': `apiVersion: camlet.dev/v1\nkind: Camera\nmetadata: { name: wide }\nspec:\n${Array.from({ length: 100_000 }, (_, i) => `  k${i}: 1`).join('\n')}`.slice(0, MiB - 16),
      '10k documents': fill('---\na: 1\n'),
      'nested compact sequences': fill('- '),
      'nested explicit keys': fill('? '),
      'nested mid-line keys': fill('x: ? '),
      'nested flow': fill('['),
      '50k anchors': fill('- &a x\n'),
      '50k aliases': `a: &a x\n${fill('- *a\n')}`,
      'one long line': `a: ${fill('x')}`,
      'one long URL with a password': `apiVersion: camlet.dev/v1\nkind: Camera\nmetadata: { name: long }\nspec: { streams: { main: { url: "rtsp://u:${SECRET}${'x'.repeat(MiB - 200)}@h/x" } } }\n`,
    };
    for (const [label, text] of Object.entries(worst)) {
      const started = performance.now();
      // A bound against blow-ups (time growing faster than the file), not a speed test: the worst
      // take 2-5 s here alone, twice that beside the rest of the suite.
      const file = check(text, 'worst.yaml', 30_000);
      measured[`worst: ${label}`] = Math.round(performance.now() - started);
      expect(allErrors(file).length, label).toBeGreaterThan(0);
    }
    const tenMegabytes = randomBytes(10 * MiB).toString('latin1');
    const started = performance.now();
    expect(check(tenMegabytes, 'huge.yaml').errors.map(formatSourceError)).toEqual([
      `huge.yaml:1:1: file is over the ${YAML_LIMITS.maxFileBytes}-byte limit for a manifest file: split it into several files`,
    ]);
    expect(performance.now() - started).toBeLessThan(500);
  }, 240_000);

  it('survives a 10 MB junk file in a watched folder, with a pointed error and an unharmed neighbour', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'camlet-fuzz-'));
    const revision = new Revision();
    const store = new CameraStore(revision, systemClock);
    const counts: number[] = [];
    const source = new ManifestSource(store, new EventRecorder(revision, systemClock, 'test'), createLogger('test', 'silent'), (count) => counts.push(count));
    const watcher = new ManifestWatcher({ folder, debounceMs: 50, logger: createLogger('test', 'silent'), onFile: (path, text) => source.fileChanged(path, text) });
    try {
      await writeFile(join(folder, 'door.yaml'), 'apiVersion: camlet.dev/v1\nkind: Camera\nmetadata: { name: door }\nspec: { streams: { main: { url: "rtsp://10.0.0.1/a" } } }\n');
      await watcher.start();
      const door = store.objects.get('door');
      expect(door?.status.phase).toBe('Pending');

      const junkFile = join(folder, 'junk.yaml');
      await writeFile(junkFile, randomBytes(10 * 1024 * 1024));
      const deadline = Date.now() + 15_000;
      while (!source.report().some((r) => r.file === junkFile)) {
        if (Date.now() > deadline) throw new Error('junk.yaml was never handed on');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(source.report()).toEqual([
        { file: join(folder, 'door.yaml'), cameras: ['door'], errors: [] },
        { file: junkFile, cameras: [], errors: [`${junkFile}:1:1: file is over the ${YAML_LIMITS.maxFileBytes}-byte limit for a manifest file: split it into several files`] },
      ]);
      expect(store.objects.get('door')).toBe(door);
      expect(store.names()).toEqual(['door']);
      expect(counts).toEqual([0, 1]);
    } finally {
      await watcher.stop();
      await rm(folder, { recursive: true, force: true });
    }
  }, 30_000);

  it('throws at least 2,000 inputs at the validator', () => {
    expect(Object.values(RUNS).reduce((sum, runs) => sum + runs, 0)).toBeGreaterThanOrEqual(2000);
  });
});

import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { DocumentEditError, removeDocument, replaceDocumentValue, splitDocuments, UnparsableFileError } from './document-edit.js';

// A file as a person writes it: a header, aligned trailing comments, flow maps without padding,
// unindented sequences, a folded scalar, blank lines, three documents.
const FILE = `# Cameras of the house.
# Edited by hand; keep the comments.

apiVersion: camlet.dev/v1
kind: Camera
metadata:
  name: front-door                 # DNS-1123 label
  labels: {site: home, floor: "1"}
spec:
  streams:
    main: { url: "rtsp://admin:\${FRONT_DOOR_PASSWORD}@10.0.0.5:554/stream1" }   # tcp
    sub:  { url: 'rtsp://10.0.0.5:554/stream2' }
  motion:
    fps: 5      # five is enough
    zones:
    - name: porch
      points: [[0, 0], [0.5, 0], [0.5, 0.5]]

  # what gets recorded
  recording:
    mode: motion
    preRollSeconds: 5
---
# the garage
apiVersion: camlet.dev/v1
kind: Camera
metadata:
  name: garage
spec:
  streams:
    main:
      url: >-
        rtsp://10.0.0.6:554/stream1
---
apiVersion: camlet.dev/v1
kind: Camera
metadata: {name: yard}
spec: {streams: {main: {url: "rtsp://10.0.0.7/y"}}}
`;

/** The parts of a Camera these tests change. */
interface TestCamera {
  metadata: { name: string; labels: Record<string, string> };
  spec: {
    streams: { main: { url: string }; sub: { url: string } };
    motion: { fps: number; threshold?: number; zones: { name?: string; points: number[][] }[]; masks?: { name: string; points: number[][] }[] };
    recording: { mode: string; preRollSeconds?: number };
    health?: { heartbeatSeconds: number; timeoutSeconds: number };
  };
}

function valueAt(text: string, index: number): TestCamera {
  return parseAllDocuments(text)[index]?.toJS() as TestCamera;
}

/** The lines that differ, as [line number, before, after]; the files must keep their line count. */
function changedLines(before: string, after: string): [number, string, string][] {
  const a = before.split('\n');
  const b = after.split('\n');
  expect(b.length).toBe(a.length);
  return a.flatMap((line, i) => (line === b[i] ? [] : [[i + 1, line, b[i] as string] as [number, string, string]]));
}

describe('replaceDocumentValue', () => {
  it('changes one scalar and nothing else: comment alignment and quoting stay', () => {
    const wanted = valueAt(FILE, 0);
    wanted.spec.motion.fps = 10;
    const edited = replaceDocumentValue(FILE, 0, wanted);
    expect(changedLines(FILE, edited)).toEqual([[14, '    fps: 5      # five is enough', '    fps: 10      # five is enough']]);
  });

  it('keeps a quoted string quoted and changes values inside flow maps in place', () => {
    const wanted = valueAt(FILE, 0);
    wanted.spec.streams.sub.url = 'rtsp://10.0.0.5:554/stream3';
    wanted.metadata.labels.floor = '2';
    const edited = replaceDocumentValue(FILE, 0, wanted);
    expect(changedLines(FILE, edited)).toEqual([
      [8, '  labels: {site: home, floor: "1"}', '  labels: {site: home, floor: "2"}'],
      [12, "    sub:  { url: 'rtsp://10.0.0.5:554/stream2' }", "    sub:  { url: 'rtsp://10.0.0.5:554/stream3' }"],
    ]);
  });

  it('edits a later document, leaving the others byte for byte', () => {
    const wanted = valueAt(FILE, 1);
    wanted.spec.streams.main.url = 'rtsp://10.0.0.6:554/stream9';
    const edited = replaceDocumentValue(FILE, 1, wanted);
    // A folded scalar becomes a plain one: its two lines are the change.
    expect(edited).toBe(FILE.replace('      url: >-\n        rtsp://10.0.0.6:554/stream1\n', '      url: rtsp://10.0.0.6:554/stream9\n'));
  });

  it('adds a field as a new line indented like its neighbours, and removes one by its line', () => {
    const wanted = valueAt(FILE, 0);
    wanted.spec.motion.threshold = 40;
    delete wanted.spec.recording.preRollSeconds;
    const edited = replaceDocumentValue(FILE, 0, wanted);
    expect(edited).toBe(
      FILE.replace('      points: [[0, 0], [0.5, 0], [0.5, 0.5]]\n', '      points: [[0, 0], [0.5, 0], [0.5, 0.5]]\n    threshold: 40\n').replace('    preRollSeconds: 5\n', ''),
    );
  });

  it('adds a whole section in block style, sequences unindented as the file writes them', () => {
    const wanted = valueAt(FILE, 0);
    wanted.spec.health = { heartbeatSeconds: 2, timeoutSeconds: 10 };
    wanted.spec.motion.masks = [{ name: 'tree', points: [[0, 0], [1, 0], [1, 1]] }];
    const edited = replaceDocumentValue(FILE, 0, wanted);
    expect(valueAt(edited, 0)).toEqual(wanted);
    expect(edited).toContain('    preRollSeconds: 5\n  health:\n    heartbeatSeconds: 2\n    timeoutSeconds: 10\n---\n');
    expect(edited).toContain('      points: [[0, 0], [0.5, 0], [0.5, 0.5]]\n    masks:\n    - name: tree\n      points: [[0, 0], [1, 0], [1, 1]]\n');
  });

  it('re-prints only a flow collection whose keys change', () => {
    const wanted = valueAt(FILE, 0);
    wanted.metadata.labels = { site: 'home' };
    const edited = replaceDocumentValue(FILE, 0, wanted);
    expect(changedLines(FILE, edited)).toEqual([[8, '  labels: {site: home, floor: "1"}', '  labels: {site: home}']]);
  });

  it('appends and removes block sequence items', () => {
    const wanted = valueAt(FILE, 0);
    wanted.spec.motion.zones.push({ name: 'path', points: [[0, 1], [1, 1], [1, 0.5]] });
    const added = replaceDocumentValue(FILE, 0, wanted);
    expect(added).toContain('    - name: porch\n      points: [[0, 0], [0.5, 0], [0.5, 0.5]]\n    - name: path\n      points: [[0, 1], [1, 1], [1, 0.5]]\n');
    wanted.spec.motion.zones.shift();
    const removed = replaceDocumentValue(added, 0, wanted);
    expect(valueAt(removed, 0)).toEqual(wanted);
    expect(removed).toContain('    zones:\n    - name: path\n');
  });

  it('empties a block list in place, as `key: []`', () => {
    const wanted = valueAt(FILE, 0);
    wanted.spec.motion.zones = [];
    const edited = replaceDocumentValue(FILE, 0, wanted);
    expect(edited).toBe(FILE.replace('    zones:\n    - name: porch\n      points: [[0, 0], [0.5, 0], [0.5, 0.5]]\n', '    zones: []\n'));
  });

  it('falls back to re-printing the one document when no small edit fits, keeping its comments', () => {
    const wanted = valueAt(FILE, 0);
    // The first pair of a sequence item shares its line with the dash: no line to remove.
    delete (wanted.spec.motion.zones[0] as { name?: string }).name;
    const edited = replaceDocumentValue(FILE, 0, wanted);
    expect(valueAt(edited, 0)).toEqual(wanted);
    expect(edited).toContain('# five is enough');
    expect(edited).toContain('# what gets recorded');
    expect(edited.slice(edited.indexOf('---\n# the garage'))).toBe(FILE.slice(FILE.indexOf('---\n# the garage')));
  });

  it('returns the text unchanged when the value is already there, whatever the key order', () => {
    const wanted = valueAt(FILE, 2);
    expect(replaceDocumentValue(FILE, 2, { spec: wanted.spec, metadata: wanted.metadata, kind: 'Camera', apiVersion: 'camlet.dev/v1' })).toBe(FILE);
  });

  it('fills a key written without a value', () => {
    const text = 'a:\nb: 1\n';
    expect(replaceDocumentValue(text, 0, { a: 2, b: 1 })).toBe('a: 2\nb: 1\n');
  });

  it('refuses a file with YAML errors, naming the line', () => {
    expect(() => replaceDocumentValue('a: 1\nb: [\n', 0, { a: 2 })).toThrow(UnparsableFileError);
    try {
      splitDocuments('a: 1\n---\nb: {\n');
    } catch (error) {
      expect((error as UnparsableFileError).line).toBeGreaterThanOrEqual(3);
    }
  });

  it('names a document that is not there', () => {
    expect(() => replaceDocumentValue('a: 1\n', 3, {})).toThrow(DocumentEditError);
  });
});

describe('removeDocument', () => {
  it('removes a middle document with its separator and leaves the rest byte for byte', () => {
    const start = FILE.indexOf('---\n# the garage');
    const end = FILE.indexOf('---\napiVersion', start + 1);
    expect(removeDocument(FILE, 1)).toBe(FILE.slice(0, start) + FILE.slice(end));
  });

  it('removes the first document and keeps the header comments above it', () => {
    const result = removeDocument(FILE, 0) as string;
    expect(result.startsWith('# Cameras of the house.\n# Edited by hand; keep the comments.\n\n---\n# the garage\n')).toBe(true);
    expect(result.endsWith(FILE.slice(FILE.indexOf('---\n# the garage')))).toBe(true);
  });

  it('removes the last document', () => {
    expect(removeDocument(FILE, 2)).toBe(FILE.slice(0, FILE.lastIndexOf('---\napiVersion')));
  });

  it('says the file should go when no other document has content', () => {
    expect(removeDocument('# one camera\napiVersion: camlet.dev/v1\nkind: Camera\n---\n', 0)).toBeUndefined();
  });
});

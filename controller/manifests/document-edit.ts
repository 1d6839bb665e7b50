// Edits one document of a hand-written, multi-document YAML file so that it holds a wanted value,
// leaving every byte that does not have to change as the user wrote it: other documents, comments,
// blank lines, quoting, flow or block style, the alignment of trailing comments.
//
// The yaml library's Document API keeps comments but re-prints the whole document in its own
// style (one space before a trailing comment, `{ a: 1 }` for `{a: 1}`, sequences indented), so it
// is used here to find where each value is written (node ranges), and the change is made as small
// text edits at those ranges. Only where no small edit fits (a shape the editor does not handle)
// does it fall back to re-printing that one document with the Document API. Both are checked by
// parsing the result again: the edited document must hold exactly the wanted value and every other
// document what it held before, or nothing is returned.
import {
  Document,
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseAllDocuments,
  Scalar,
  stringify,
  visit,
  type Node,
  type Pair,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { jsonEqual } from '../../lib/deep-equal.js';

/** A parsed file, split into the text slices of its documents (contiguous, covering the whole text). */
export interface DocumentSlice {
  document: Document.Parsed;
  /** Index among all documents of the file, empty ones included (as readYamlDocuments counts). */
  index: number;
  start: number;
  end: number;
  /** The document's value; null for an empty document. */
  value: unknown;
}

export class DocumentEditError extends Error {
  override name = 'DocumentEditError';
}

/** A file that cannot be edited safely: YAML syntax errors, which an edit could make worse. */
export class UnparsableFileError extends Error {
  override name = 'UnparsableFileError';
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

const TO_JS = { maxAliasCount: 100 };

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let at = text.indexOf('\n'); at !== -1 && at < offset; at = text.indexOf('\n', at + 1)) line++;
  return line;
}

/** Splits a file into its documents; throws UnparsableFileError on YAML errors. */
export function splitDocuments(text: string): DocumentSlice[] {
  const documents = parseAllDocuments(text, { uniqueKeys: true, prettyErrors: false });
  if (!Array.isArray(documents)) return [];
  const slices: DocumentSlice[] = [];
  documents.forEach((document, index) => {
    const error = document.errors[0];
    if (error) throw new UnparsableFileError(`YAML syntax: ${error.message.split('\n')[0] ?? error.code}`, lineOf(text, error.pos[0]));
    // The first document's slice starts at the top of the file, with the comments above it; each
    // later one starts where the previous ends (its `---`), so the slices cover the whole text.
    const start = index === 0 ? 0 : document.range[0];
    slices.push({ document, index, start, end: text.length, value: document.contents === null ? null : document.toJS(TO_JS) });
  });
  for (let i = 0; i + 1 < slices.length; i++) (slices[i] as DocumentSlice).end = (slices[i + 1] as DocumentSlice).start;
  return slices;
}

interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/** How the document is indented, so that added lines look like their neighbours. */
interface Style {
  indentStep: number;
  /** `key:\n  - item` (true) or `key:\n- item` (false). */
  indentSeq: boolean;
  /** `{ a: 1 }` (true) or `{a: 1}` (false). */
  flowPadding: boolean;
}

class CannotEditInPlace extends Error {}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Whether only spaces stand between the start of the line and `offset`. */
function startsLine(text: string, offset: number): boolean {
  return /^[ \t]*$/.test(text.slice(lineStart(text, offset), offset));
}

/** Offset just past the newline that ends the line holding `offset` (the text's end when there is none). */
function afterLine(text: string, offset: number): number {
  const newline = text.indexOf('\n', Math.max(0, offset));
  return newline === -1 ? text.length : newline + 1;
}

function detectStyle(text: string, document: Document.Parsed): Style {
  const style: Style = { indentStep: 2, indentSeq: true, flowPadding: true };
  let stepFound = false;
  let seqFound = false;
  let flowFound = false;
  visit(document, {
    Pair(_, pair) {
      const key = pair.key as Node | null;
      const value = pair.value as Node | null;
      if (!key?.range || !value?.range) return;
      if (!stepFound && isMap(value) && !value.flow && startsLine(text, value.range[0])) {
        const step = columnOf(text, value.range[0]) - columnOf(text, key.range[0]);
        if (step > 0) {
          style.indentStep = step;
          stepFound = true;
        }
      }
      if (!seqFound && isSeq(value) && !value.flow) {
        style.indentSeq = columnOf(text, value.range[0]) > columnOf(text, key.range[0]);
        seqFound = true;
      }
    },
    Map(_, map) {
      if (!flowFound && map.flow && map.range && map.items.length > 0) {
        style.flowPadding = text[map.range[0] + 1] === ' ';
        flowFound = true;
      }
    },
  });
  return style;
}

/** A string, number, boolean or null as one line of YAML, in the quoting style of the value it replaces. */
function renderScalar(value: unknown, like: Scalar | undefined, inFlow: boolean): string {
  if (typeof value !== 'string') return value === null || value === undefined ? 'null' : JSON.stringify(value);
  const type = like?.type;
  if (type === Scalar.QUOTE_DOUBLE) return JSON.stringify(value);
  if (type === Scalar.QUOTE_SINGLE && !value.includes('\n')) return `'${value.replaceAll("'", "''")}'`;
  const plain = stringify(value, { lineWidth: 0 }).trimEnd();
  // A block scalar cannot stand on one line; flow indicators would end a plain scalar in flow.
  if (plain.includes('\n') || (inFlow && /[,[\]{}]/.test(plain))) return JSON.stringify(value);
  return plain;
}

/** Sequences of scalars (polygon points) read best on one line, as people write them. */
function compactDocument(value: unknown): Document {
  const document = new Document(value);
  visit(document, {
    Seq(_, seq) {
      if (seq.items.every((item) => isScalar(item) || (isSeq(item) && item.items.every(isScalar)))) seq.flow = true;
    },
  });
  return document;
}

function renderFlow(value: unknown, style: Style): string {
  if (!isCollection(new Document(value).contents)) return renderScalar(value, undefined, true);
  return stringify(value, { collectionStyle: 'flow', lineWidth: 0, flowCollectionPadding: style.flowPadding }).trimEnd();
}

/** `value` as block YAML (a map's pairs or a sequence's items), every line indented by `indent`. */
function renderBlock(value: unknown, indent: number, style: Style): string {
  const text = compactDocument(value).toString({ indent: style.indentStep, indentSeq: style.indentSeq, lineWidth: 0, flowCollectionPadding: style.flowPadding });
  const pad = ' '.repeat(indent);
  return text
    .split('\n')
    .map((line) => (line === '' ? line : pad + line))
    .join('\n');
}

class InPlaceEditor {
  readonly edits: TextEdit[] = [];

  constructor(
    private readonly text: string,
    private readonly document: Document.Parsed,
    private readonly style: Style,
  ) {}

  private valueOf(node: unknown): unknown {
    if (node === null || node === undefined) return null;
    return (node as Node).toJS(this.document, TO_JS);
  }

  private replace(start: number, end: number, text: string): void {
    this.edits.push({ start, end, text });
  }

  edit(node: unknown, wanted: unknown, inFlow = false): void {
    if (jsonEqual(this.valueOf(node), wanted)) return;
    if (isAlias(node)) throw new CannotEditInPlace('an alias');
    if (isScalar(node)) return this.editScalar(node, wanted, inFlow);
    if (isMap(node) && isPlainObject(wanted)) return node.flow ? this.editFlow(node, wanted) : this.editBlockMap(node, wanted);
    if (isSeq(node) && Array.isArray(wanted)) return node.flow ? this.editFlow(node, wanted) : this.editBlockSeq(node, wanted);
    this.replaceNode(node, wanted, inFlow);
  }

  private editScalar(node: Scalar, wanted: unknown, inFlow: boolean): void {
    const [start, end] = node.range ?? [];
    if (start === undefined || end === undefined) throw new CannotEditInPlace('a scalar without a position');
    const rendered = isPlainObject(wanted) || Array.isArray(wanted) ? renderFlow(wanted, this.style) : renderScalar(wanted, node, inFlow);
    if (start === end) {
      // `key:` with nothing after it: the value goes after the colon.
      this.replace(start, end, `${this.text[start - 1] === ':' ? ' ' : ''}${rendered}`);
      return;
    }
    const block = node.type === Scalar.BLOCK_FOLDED || node.type === Scalar.BLOCK_LITERAL;
    // A block scalar's range ends past its last line break, which must stay.
    this.replace(start, end, block && this.text[end - 1] === '\n' ? `${rendered}\n` : rendered);
  }

  /** A flow collection keeps its text when only values inside change; a changed shape re-prints it. */
  private editFlow(node: YAMLMap | YAMLSeq, wanted: Record<string, unknown> | unknown[]): void {
    if (isMap(node) && isPlainObject(wanted)) {
      const keys = node.items.map((pair) => (isScalar(pair.key) ? String(pair.key.value) : undefined));
      const sameKeys = keys.length === Object.keys(wanted).length && keys.every((key) => key !== undefined && Object.hasOwn(wanted, key));
      if (sameKeys) {
        node.items.forEach((pair, i) => this.edit(pair.value, wanted[keys[i] as string], true));
        return;
      }
    } else if (isSeq(node) && Array.isArray(wanted) && node.items.length === wanted.length) {
      node.items.forEach((item, i) => this.edit(item, wanted[i], true));
      return;
    }
    const [start, end] = node.range ?? [];
    if (start === undefined || end === undefined) throw new CannotEditInPlace('a collection without a position');
    // Padded as this collection is written, `{ a: 1 }` or `{a: 1}`.
    const padded = node.items.length === 0 ? this.style.flowPadding : this.text[start + 1] === ' ';
    this.replace(start, end, renderFlow(wanted, { ...this.style, flowPadding: padded }));
  }

  /** End of the last line a pair is written on (its trailing comment included). */
  private pairEnd(pair: Pair): number {
    const value = pair.value as Node | null;
    const key = pair.key as Node | null;
    const valueEnd = value?.range && value.range[1] > value.range[0] ? value.range[1] : (key?.range?.[1] ?? 0);
    return afterLine(this.text, valueEnd - 1);
  }

  private editBlockMap(node: YAMLMap, wanted: Record<string, unknown>): void {
    const present = new Set<string>();
    let kept = 0;
    for (const pair of node.items) {
      if (!isPair(pair) || !isScalar(pair.key) || !pair.key.range) throw new CannotEditInPlace('a complex key');
      const key = String(pair.key.value);
      present.add(key);
      if (Object.hasOwn(wanted, key) && wanted[key] !== undefined) {
        kept++;
        if (pair.value === null) throw new CannotEditInPlace('an explicit key without a value');
        if (this.becomesInline(pair.value, wanted[key])) this.inlineBlockValue(pair, wanted[key]);
        else this.edit(pair.value, wanted[key]);
        continue;
      }
      // A pair that shares its line with something before it (`- name: x`, the first pair of a
      // sequence item) cannot go by removing lines.
      if (!startsLine(this.text, pair.key.range[0])) throw new CannotEditInPlace('a pair that does not start its line');
      this.replace(lineStart(this.text, pair.key.range[0]), this.pairEnd(pair), '');
    }
    const added = Object.entries(wanted).filter(([key, value]) => !present.has(key) && value !== undefined);
    if (kept === 0 && added.length === 0) throw new CannotEditInPlace('a block map left empty');
    if (added.length === 0) return;
    const first = node.items[0]?.key as Node | undefined;
    const last = node.items[node.items.length - 1];
    if (!first?.range || !last) throw new CannotEditInPlace('an empty block map');
    const at = this.pairEnd(last);
    const newline = at === this.text.length && !this.text.endsWith('\n') ? '\n' : '';
    this.replace(at, at, newline + renderBlock(Object.fromEntries(added), columnOf(this.text, first.range[0]), this.style));
  }

  /** A block collection that is to become a scalar or an empty collection, which cannot be written as a block. */
  private becomesInline(node: unknown, wanted: unknown): boolean {
    if (!isCollection(node) || node.flow || jsonEqual(this.valueOf(node), wanted)) return false;
    return !(isPlainObject(wanted) || Array.isArray(wanted)) || Object.keys(wanted).length === 0;
  }

  /** `key:` followed by block lines becomes `key: value`, a comment after the colon kept. */
  private inlineBlockValue(pair: Pair, wanted: unknown): void {
    const key = pair.key as Node;
    const value = pair.value as Node;
    if (!key.range || !value.range || !startsLine(this.text, value.range[0])) throw new CannotEditInPlace('a block value without a position');
    const colon = this.text.indexOf(':', key.range[1]);
    if (colon === -1 || colon >= value.range[0]) throw new CannotEditInPlace('a key without its colon');
    const collection = isPlainObject(wanted) || Array.isArray(wanted);
    this.replace(colon + 1, colon + 1, ` ${collection ? renderFlow(wanted, this.style) : renderScalar(wanted, undefined, false)}`);
    this.replace(afterLine(this.text, colon), afterLine(this.text, value.range[1] - 1), '');
  }

  /** Offset of the `- ` that introduces a block sequence item. */
  private dashOf(item: unknown): number {
    const start = (item as Node | null)?.range?.[0];
    if (start === undefined) throw new CannotEditInPlace('an item without a position');
    const dash = this.text.lastIndexOf('-', start);
    if (dash === -1 || !/^[ \t]*$/.test(this.text.slice(dash + 1, start)) || !startsLine(this.text, dash)) {
      throw new CannotEditInPlace('a sequence item that does not start its line');
    }
    return dash;
  }

  private itemEnd(item: unknown): number {
    const range = (item as Node | null)?.range;
    if (!range) throw new CannotEditInPlace('an item without a position');
    return afterLine(this.text, Math.max(range[0], range[1] - 1));
  }

  private editBlockSeq(node: YAMLSeq, wanted: unknown[]): void {
    if (wanted.length === 0) throw new CannotEditInPlace('a block sequence left empty');
    const common = Math.min(node.items.length, wanted.length);
    for (let i = 0; i < common; i++) this.edit(node.items[i], wanted[i]);
    for (let i = common; i < node.items.length; i++) {
      const item = node.items[i];
      this.replace(lineStart(this.text, this.dashOf(item)), this.itemEnd(item), '');
    }
    if (wanted.length > node.items.length) {
      const last = node.items[node.items.length - 1];
      const at = this.itemEnd(last);
      const newline = at === this.text.length && !this.text.endsWith('\n') ? '\n' : '';
      this.replace(at, at, newline + renderBlock(wanted.slice(node.items.length), columnOf(this.text, this.dashOf(last)), this.style));
    }
  }

  /** A value whose kind changes (a scalar becoming a map, a block map a list, ...). */
  private replaceNode(node: unknown, wanted: unknown, inFlow: boolean): void {
    const range = (node as Node | null)?.range;
    if (!range) throw new CannotEditInPlace('a value without a position');
    const collection = isPlainObject(wanted) || Array.isArray(wanted);
    if (isCollection(node) && !node.flow) {
      const empty = collection && Object.keys(wanted as object).length === 0;
      if (!collection || empty || !startsLine(this.text, range[0])) throw new CannotEditInPlace('a block collection replaced by a scalar');
      this.replace(lineStart(this.text, range[0]), afterLine(this.text, range[1] - 1), renderBlock(wanted, columnOf(this.text, range[0]), this.style));
      return;
    }
    this.replace(range[0], range[1], collection ? renderFlow(wanted, this.style) : renderScalar(wanted, undefined, inFlow));
  }
}

function applyEdits(text: string, edits: TextEdit[]): string {
  // From the end backwards, so that earlier offsets stay valid.
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  for (let i = 1; i < sorted.length; i++) {
    if ((sorted[i] as TextEdit).end > (sorted[i - 1] as TextEdit).start) throw new CannotEditInPlace('overlapping edits');
  }
  let result = text;
  for (const { start, end, text: replacement } of sorted) result = result.slice(0, start) + replacement + result.slice(end);
  return result;
}

/** The Document API's way: the document's nodes updated in place (comments kept), then re-printed. */
function mergeNodes(document: Document.Parsed, node: unknown, wanted: unknown): unknown {
  const current: unknown = node === null || node === undefined ? null : (node as Node).toJS(document, TO_JS);
  if (jsonEqual(current, wanted)) return node;
  if (isMap(node) && isPlainObject(wanted)) {
    for (const pair of [...node.items]) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === undefined || !Object.hasOwn(wanted, key) || wanted[key] === undefined) node.delete(pair.key);
    }
    for (const [key, value] of Object.entries(wanted)) {
      if (value === undefined) continue;
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
      if (pair) pair.value = mergeNodes(document, pair.value, value);
      else node.set(document.createNode(key), compactDocument(value).contents);
    }
    return node;
  }
  if (isSeq(node) && Array.isArray(wanted) && node.items.length === wanted.length) {
    node.items = node.items.map((item, i) => mergeNodes(document, item, wanted[i]));
    return node;
  }
  if (isScalar(node) && !isCollection(new Document(wanted).contents)) {
    node.value = wanted;
    return node;
  }
  const created = compactDocument(wanted).contents as Node;
  if (node && (node as Node).comment) created.comment = (node as Node).comment;
  return created;
}

function reprinted(slice: DocumentSlice, text: string, wanted: unknown): string {
  const { document } = slice;
  document.contents = mergeNodes(document, document.contents, wanted) as typeof document.contents;
  let printed = document.toString({ lineWidth: 0 });
  // A later document's slice starts with its `---`, which the re-printed text must keep.
  if (slice.index > 0 && text.startsWith('---', slice.start) && !printed.startsWith('---')) printed = `---\n${printed}`;
  return printed;
}

/** The documents' values after an edit must be the wanted one at `index` and unchanged elsewhere. */
function check(result: string, before: DocumentSlice[], index: number, wanted: unknown): boolean {
  let after: DocumentSlice[];
  try {
    after = splitDocuments(result);
  } catch {
    return false;
  }
  if (after.length !== before.length) return false;
  return after.every((slice, i) => jsonEqual(slice.value, i === index ? wanted : (before[i] as DocumentSlice).value));
}

/**
 * The file's text with the document at `index` holding `wanted`, edited in place; throws
 * DocumentEditError when no edit could be proven right (the file is then left as it is).
 */
export function replaceDocumentValue(text: string, index: number, wanted: unknown): string {
  const slices = splitDocuments(text);
  const slice = slices[index];
  if (!slice) throw new DocumentEditError(`no document ${index + 1} in the file`);
  if (jsonEqual(slice.value, wanted)) return text;
  try {
    const editor = new InPlaceEditor(text, slice.document, detectStyle(text, slice.document));
    editor.edit(slice.document.contents, wanted);
    const edited = applyEdits(text, editor.edits);
    if (check(edited, slices, index, wanted)) return edited;
  } catch (error) {
    if (!(error instanceof CannotEditInPlace)) throw error;
  }
  // The fallback re-prints this one document (its comments kept); the others stay as written.
  const fresh = splitDocuments(text)[index] as DocumentSlice;
  const result = text.slice(0, fresh.start) + reprinted(fresh, text, wanted) + text.slice(fresh.end);
  if (check(result, slices, index, wanted)) return result;
  throw new DocumentEditError('the edited file would not hold the wanted value; nothing was changed');
}

/**
 * The file's text without the document at `index`, the other documents as written; undefined
 * when no document with content would be left (the file should go).
 */
export function removeDocument(text: string, index: number): string | undefined {
  const slices = splitDocuments(text);
  const slice = slices[index];
  if (!slice) throw new DocumentEditError(`no document ${index + 1} in the file`);
  if (!slices.some((other) => other !== slice && other.value !== null)) return undefined;
  // The comments above the first document may be about the whole file: they stay.
  const start = index === 0 ? slice.document.range[0] : slice.start;
  const result = text.slice(0, start) + text.slice(slice.end);
  const after = splitDocuments(result).filter((s) => s.value !== null);
  const expected = slices.filter((s) => s !== slice && s.value !== null);
  if (after.length !== expected.length || !after.every((s, i) => jsonEqual(s.value, (expected[i] as DocumentSlice).value))) {
    throw new DocumentEditError('removing the document would change the others; nothing was changed');
  }
  return result;
}

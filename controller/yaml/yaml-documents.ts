import { Composer, CST, isMap, isPair, isScalar, Lexer, LineCounter, Parser, visit, type Document, type Node } from 'yaml';
import { shortened, type SourceError } from './source-error.js';

/** Limits that keep one hostile file from stalling or exhausting the controller. */
export const YAML_LIMITS = {
  /** Kubernetes refuses objects over 1.5 MiB; a manifest file has no reason to be bigger. */
  maxFileBytes: 1024 * 1024,
  maxDocuments: 10_000,
  /** Aliases expanded per document: stops "billion laughs" anchor and merge-key bombs. */
  maxAliasCount: 100,
  /** Flow nesting ([ and {); the parser's time grows badly with depth, so each bracket is checked before it sees it. */
  maxFlowDepth: 64,
  /**
   * Nesting as the parser sees it, block and flow (and the levels that broken YAML opens). The
   * parser recurses once per level, and some thousands of levels exhaust the stack, which can
   * abort the whole process: so it is checked after every token.
   */
  maxNestingDepth: 256,
} as const;

export interface Position {
  line: number;
  column: number;
}

export interface YamlDocument {
  /** Index of the document in its file, from 0. */
  index: number;
  /** Position of the document's first node. */
  position: Position;
  value: unknown;
  /** Where the value at `path` is written; for a missing field, its nearest existing parent. */
  locate(path: readonly (string | number)[], pointAtKey?: boolean): Position;
}

export interface YamlFile {
  documents: YamlDocument[];
  errors: SourceError[];
}

/** Thrown from inside the parse when a limit is crossed, so that the parse stops there. */
class NestingLimit extends Error {
  constructor(
    message: string,
    readonly offset?: number,
  ) {
    super(message);
  }
}

/** The parser's tokens, as parseAllDocuments makes them, with the nesting checked at each step. */
function* limitedTokens(text: string): Generator<CST.Token> {
  const parser = new Parser();
  let flow = 0;
  for (const lexeme of new Lexer().lex(text)) {
    const type = CST.tokenType(lexeme);
    if ((type === 'flow-map-start' || type === 'flow-seq-start') && ++flow > YAML_LIMITS.maxFlowDepth) {
      throw new NestingLimit(`collections nested deeper than ${YAML_LIMITS.maxFlowDepth} levels`);
    }
    if ((type === 'flow-map-end' || type === 'flow-seq-end') && flow > 0) flow--;
    if (type === 'flow-error-end') flow = 0;
    const offset = parser.offset;
    yield* parser.next(lexeme);
    if (parser.stack.length > YAML_LIMITS.maxNestingDepth) {
      throw new NestingLimit(`collections nested deeper than ${YAML_LIMITS.maxNestingDepth} levels (block and flow together)`, offset);
    }
  }
  yield* parser.end();
}

/** Keys written twice in one map. The parser's own check (uniqueKeys) takes time that grows with the square of the map's size. */
function duplicateKeys(document: Document): Node[] {
  const duplicates: Node[] = [];
  visit(document, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const { key } of map.items) {
        if (!isScalar(key)) continue;
        if (seen.has(key.value)) duplicates.push(key);
        else seen.add(key.value);
      }
    },
  });
  return duplicates;
}

function nodeAt(document: Document, path: readonly (string | number)[], pointAtKey: boolean): Node | undefined {
  let node: unknown = document.contents;
  let last: Node | undefined = node as Node | undefined;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === segment);
      if (!pair) return last;
      if (pointAtKey && i === path.length - 1) return (pair.key as Node | null) ?? last;
      node = pair.value;
    } else if (node && typeof node === 'object' && 'items' in node && typeof segment === 'number') {
      node = (node as { items: unknown[] }).items[segment];
    } else {
      return last;
    }
    if (node && typeof node === 'object' && 'range' in node) last = node as Node;
  }
  return last;
}

/**
 * Parses every document of a YAML file, keeping positions so that each later error can point at
 * its line and column. Syntax errors and limit breaches are returned, never thrown.
 */
export function readYamlDocuments(file: string, text: string): YamlFile {
  const atStart: Position = { line: 1, column: 1 };
  const fileError = (message: string, position = atStart): YamlFile => ({
    documents: [],
    errors: [{ file, ...position, field: '', message }],
  });
  if (Buffer.byteLength(text) > YAML_LIMITS.maxFileBytes) {
    return fileError(`file is over the ${YAML_LIMITS.maxFileBytes}-byte limit for a manifest file: split it into several files`);
  }
  if (text.includes('\u0000')) return fileError('file holds NUL bytes: not a YAML text file');
  // Line starts from the text itself: the parser reports them too, but misses some in broken YAML
  // (a line break inside a scalar that it could not place).
  const lineCounter = new LineCounter();
  lineCounter.addNewLine(0);
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) lineCounter.addNewLine(at + 1);
  const positionOf = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  // Keys written twice are found by duplicateKeys below; warnings (such as about a map used as
  // a key) are not printed on stderr.
  const composer = new Composer({ uniqueKeys: false, logLevel: 'error' });
  let all: Document.Parsed[];
  // yaml makes an Error for every problem, and broken YAML can hold a million of them: without
  // their stack traces (which nothing here reads), the parse takes a sixth of the time.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    all = Array.from(composer.compose(limitedTokens(text)));
  } catch (error) {
    if (error instanceof NestingLimit) return fileError(error.message, error.offset === undefined ? atStart : positionOf(error.offset));
    // Not expected; still, one file must never take the controller down.
    return fileError(`YAML: ${shortened((error as Error).message, 200)}`);
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  const documents: YamlDocument[] = [];
  const errors: SourceError[] = [];
  if (all.length > YAML_LIMITS.maxDocuments) {
    return fileError(`file holds ${all.length} documents, over the limit of ${YAML_LIMITS.maxDocuments}`);
  }
  all.forEach((document, index) => {
    const start = document.contents?.range?.[0] ?? document.range[0];
    const position = positionOf(start);
    // Messages can quote the text (an alias, a tag): shortened, and with no password in them.
    if (document.errors.length > 0) {
      for (const error of document.errors.slice(0, 5)) {
        errors.push({ file, ...positionOf(error.pos[0]), field: '', message: `YAML syntax: ${shortened(error.message.split('\n')[0] ?? error.code, 200)}` });
      }
      return;
    }
    const duplicates = duplicateKeys(document);
    if (duplicates.length > 0) {
      for (const key of duplicates.slice(0, 5)) {
        errors.push({ file, ...positionOf(key.range?.[0] ?? start), field: '', message: 'YAML syntax: Map keys must be unique' });
      }
      return;
    }
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: YAML_LIMITS.maxAliasCount });
    } catch (error) {
      errors.push({ file, ...position, field: '', message: `YAML: ${shortened((error as Error).message, 200)}` });
      return;
    }
    if (value === null) return; // an empty document, such as after a trailing ---, as kubectl skips
    documents.push({
      index,
      position,
      value,
      locate: (path, pointAtKey = false) => positionOf(nodeAt(document, path, pointAtKey)?.range?.[0] ?? start),
    });
  });
  return { documents, errors };
}

/** The value at `path` inside plain data, or undefined where the path leads nowhere. */
export function valueAtPath(value: unknown, path: readonly (string | number)[]): unknown {
  let current = value;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

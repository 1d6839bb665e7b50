import { isMap, isPair, isScalar, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
import type { SourceError } from './source-error.js';

/** Limits that keep one hostile file from stalling or exhausting the controller. */
export const YAML_LIMITS = {
  /** Kubernetes refuses objects over 1.5 MiB; a manifest file has no reason to be bigger. */
  maxFileBytes: 1024 * 1024,
  maxDocuments: 10_000,
  /** Aliases expanded per document: stops "billion laughs" anchor and merge-key bombs. */
  maxAliasCount: 100,
  /** Flow nesting ([ and {); the parser's time grows badly with depth, so it is checked first. */
  maxFlowDepth: 64,
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

function deepestFlowNesting(text: string): number {
  let depth = 0;
  let deepest = 0;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quote) {
      if (char === quote) quote = null;
      else if (char === '\n') quote = null;
      continue;
    }
    if (char === '"' || char === "'") quote = char;
    else if (char === '[' || char === '{') deepest = Math.max(deepest, ++depth);
    else if ((char === ']' || char === '}') && depth > 0) depth--;
  }
  return deepest;
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
  if (deepestFlowNesting(text) > YAML_LIMITS.maxFlowDepth) {
    return fileError(`collections nested deeper than ${YAML_LIMITS.maxFlowDepth} levels`);
  }

  const lineCounter = new LineCounter();
  const positionOf = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const parsed = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const documents: YamlDocument[] = [];
  const errors: SourceError[] = [];
  // A stream holding nothing but comments parses as an empty list (or as an EmptyStream).
  const all = Array.isArray(parsed) ? parsed : [];
  if (all.length > YAML_LIMITS.maxDocuments) {
    return fileError(`file holds ${all.length} documents, over the limit of ${YAML_LIMITS.maxDocuments}`);
  }
  all.forEach((document, index) => {
    const start = document.contents?.range?.[0] ?? document.range[0];
    const position = positionOf(start);
    if (document.errors.length > 0) {
      for (const error of document.errors.slice(0, 5)) {
        errors.push({ file, ...positionOf(error.pos[0]), field: '', message: `YAML syntax: ${error.message.split('\n')[0] ?? error.code}` });
      }
      return;
    }
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: YAML_LIMITS.maxAliasCount });
    } catch (error) {
      errors.push({ file, ...position, field: '', message: `YAML: ${(error as Error).message}` });
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

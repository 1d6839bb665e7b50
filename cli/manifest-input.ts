// `-f FILE|DIR|-`: the manifests a command is given, split into documents that each keep their
// own text (comments included, sent to the controller as written) and the line they start on
// (so that an error the controller finds in a document points at the line of the user's file).
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readManifestFile } from '../controller/manifests/camera-document.js';
import { splitDocuments, UnparsableFileError } from '../controller/manifests/document-edit.js';
import type { Environment } from '../controller/manifests/secrets.js';
import { formatSourceError } from '../controller/yaml/source-error.js';
import { CliError } from './client/errors.js';

/** One document of an input file. */
export interface InputDocument {
  /** The file as the user named it (STDIN for -). */
  file: string;
  /** The document's text, comments included. */
  text: string;
  /** Line of the file where `text` starts, 1-based. */
  startLine: number;
  kind: unknown;
  name: string | undefined;
}

export interface InputFile {
  file: string;
  text: string;
}

/**
 * ${VAR} references are resolved by the controller from its own environment: here every variable
 * resolves, so that a client without them validates everything else.
 */
const ANY_ENVIRONMENT: Environment = new Proxy(
  {},
  {
    get: (_, key) => (typeof key === 'string' ? 'placeholder' : undefined),
    has: () => true,
  },
);

const MANIFEST = /\.(ya?ml|json)$/i;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function folderFiles(folder: string, recursive: boolean): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.name.startsWith('.')) continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (recursive) files.push(...(await folderFiles(path, recursive)));
    } else if (MANIFEST.test(entry.name)) files.push(path);
  }
  return files;
}

/** The files behind every -f: a file, a folder's manifests (-R: and its subfolders'), or stdin. */
export async function readInputs(paths: string[], recursive: boolean): Promise<InputFile[]> {
  if (paths.length === 0) throw new CliError('must specify -f FILE, -f DIR or -f - (stdin)');
  const inputs: InputFile[] = [];
  for (const path of paths) {
    if (path === '-') {
      inputs.push({ file: 'STDIN', text: await readStdin() });
      continue;
    }
    let stats;
    try {
      stats = await stat(path);
    } catch {
      throw new CliError(`the path "${path}" does not exist`);
    }
    const files = stats.isDirectory() ? await folderFiles(path, recursive) : [path];
    for (const file of files) inputs.push({ file, text: await readFile(file, 'utf8') });
  }
  return inputs;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let at = text.indexOf('\n'); at !== -1 && at < offset; at = text.indexOf('\n', at + 1)) line++;
  return line;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/**
 * Every document of the inputs, after checking them all against the CRD as the controller will
 * (but for ${VAR}, which only the controller can resolve). Throws, with every error's file, line
 * and field, before anything is sent: nothing is applied from input that is partly wrong.
 */
export function validatedDocuments(inputs: InputFile[], verb: string): InputDocument[] {
  const errors: string[] = [];
  const documents: InputDocument[] = [];
  for (const { file, text } of inputs) {
    const parsed = readManifestFile(file, text, ANY_ENVIRONMENT);
    const problems = [...parsed.errors, ...parsed.documents.flatMap((d) => (d.valid ? [] : d.errors))];
    if (problems.length > 0) {
      errors.push(`error validating "${file}": ${problems.map(formatSourceError).join(`\n  `)}`);
      continue;
    }
    let slices;
    try {
      slices = splitDocuments(text);
    } catch (error) {
      if (error instanceof UnparsableFileError) {
        errors.push(`error validating "${file}": ${file}:${error.line}: ${error.message}`);
        continue;
      }
      throw error;
    }
    for (const slice of slices) {
      if (slice.value === null) continue;
      const value = record(slice.value);
      const name = record(value.metadata).name;
      documents.push({ file, text: text.slice(slice.start, slice.end), startLine: lineAt(text, slice.start), kind: value.kind, name: typeof name === 'string' ? name : undefined });
    }
  }
  if (errors.length > 0) throw new CliError(errors.join('\nerror: '));
  if (documents.length === 0) throw new CliError(`no objects passed to ${verb}`);
  return documents;
}

/** The Camera names the inputs declare (for delete -f), without checking the rest of them. */
export function declaredNames(inputs: InputFile[]): { file: string; name: string }[] {
  const names: { file: string; name: string }[] = [];
  for (const { file, text } of inputs) {
    let slices;
    try {
      slices = splitDocuments(text);
    } catch (error) {
      if (error instanceof UnparsableFileError) throw new CliError(`error reading "${file}": ${file}:${error.line}: ${error.message}`);
      throw error;
    }
    for (const slice of slices) {
      const value = record(slice.value);
      const name = record(value.metadata).name;
      if (slice.value === null) continue;
      if (value.kind !== 'Camera' || typeof name !== 'string') {
        throw new CliError(`error reading "${file}" (line ${lineAt(text, slice.start)}): only Camera objects (kind: Camera, with metadata.name) can be deleted`);
      }
      names.push({ file, name });
    }
  }
  return names;
}

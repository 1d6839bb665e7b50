import { lstat, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { jsonEqual } from '../../lib/deep-equal.js';
import { redactUrl } from '../../lib/redact.js';
import { formatSourceError, type SourceError } from '../yaml/source-error.js';
import { YAML_LIMITS } from '../yaml/yaml-documents.js';
import { removeFile, writeFileAtomically } from './atomic-write.js';
import { IGNORED_METADATA, readManifestFile, type CameraManifest } from './camera-document.js';
import { withoutImpliedDefaults } from './implied-defaults.js';
import { DocumentEditError, removeDocument, replaceDocumentValue, splitDocuments, UnparsableFileError, type DocumentSlice } from './document-edit.js';
import type { Environment } from './secrets.js';

export type ApplyResult = 'created' | 'configured' | 'unchanged';

/** One problem with a request, as Kubernetes' StatusCause, with where it is in the request body. */
export interface WriteCause {
  field: string;
  message: string;
  /** 1-based, in the text that was sent. */
  line?: number;
  column?: number;
}

export type WriteErrorReason = 'BadRequest' | 'Invalid' | 'Conflict' | 'AlreadyExists' | 'NotFound' | 'InternalError';

/** A write refused, with the reason a Kubernetes client expects (Invalid: 422, Conflict: 409, ...). */
export class ManifestWriteError extends Error {
  override name = 'ManifestWriteError';
  constructor(
    readonly reason: WriteErrorReason,
    message: string,
    readonly causes: WriteCause[] = [],
  ) {
    super(message);
  }
}

export interface ApplyOutcome {
  result: ApplyResult;
  /** The camera as the file will hold it, validated, defaults applied. */
  camera: CameraManifest;
  /** The file written (or that would be, in a dry run). */
  file: string;
}

export interface DeleteOutcome {
  file: string;
  /** The file held only this camera and is gone. */
  fileRemoved: boolean;
}

export interface ManifestWriterOptions {
  folder: string;
  /** The file the controller read the camera from (as the store records it), if it knows the camera. */
  fileOf(name: string): string | undefined;
  environment?: Environment;
}

/** What a request's text is called in messages: it has no file name of its own. */
const REQUEST = '(request)';
const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

interface Located {
  path: string;
  text: string;
  slices: DocumentSlice[];
  slice: DocumentSlice;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nameOf(value: unknown): string | undefined {
  const metadata = isPlainObject(value) ? value.metadata : undefined;
  const name = isPlainObject(metadata) ? metadata.name : undefined;
  return typeof name === 'string' ? name : undefined;
}

function causeOf(error: SourceError, withPosition: boolean): WriteCause {
  return {
    field: error.field,
    message: `${error.message}${error.value !== undefined ? ` (value: ${error.value})` : ''}`,
    ...(withPosition ? { line: error.line, column: error.column } : {}),
  };
}

/**
 * What `camlet get -o yaml` adds and a manifest must not hold: the status (the controller's) and
 * server-set metadata. Accepted in a request, as kubectl accepts them, and left out of the file.
 */
function withoutServerFields(value: Record<string, unknown>): Record<string, unknown> {
  const { status: _status, ...rest } = value;
  if (isPlainObject(rest.metadata)) {
    rest.metadata = Object.fromEntries(Object.entries(rest.metadata).filter(([key]) => !IGNORED_METADATA.has(key)));
  }
  return rest;
}

/**
 * A stream URL as the API shows it (password as ***) means "the URL already there": applying the
 * output of `camlet get -o yaml` must not write *** over a password or a ${VAR} reference.
 */
function withRedactedUrlsRestored(value: Record<string, unknown>, existing: unknown): Record<string, unknown> {
  const streams = isPlainObject(value.spec) && isPlainObject(value.spec.streams) ? value.spec.streams : undefined;
  if (!streams) return value;
  const existingStreams = isPlainObject(existing) && isPlainObject(existing.spec) && isPlainObject(existing.spec.streams) ? existing.spec.streams : {};
  const restored = structuredClone(value);
  const restoredStreams = (restored.spec as Record<string, Record<string, unknown>>).streams as Record<string, unknown>;
  for (const [role, stream] of Object.entries(streams)) {
    const url = isPlainObject(stream) ? stream.url : undefined;
    if (typeof url !== 'string' || !url.includes('***')) continue;
    const before = existingStreams[role];
    const existingUrl = isPlainObject(before) ? before.url : undefined;
    if (typeof existingUrl === 'string' && redactUrl(existingUrl) === url) {
      (restoredStreams[role] as Record<string, unknown>).url = existingUrl;
      continue;
    }
    throw new ManifestWriteError('Invalid', `Camera "${nameOf(value) ?? ''}" is invalid: spec.streams.${role}.url: holds a redacted password (***)`, [
      {
        field: `spec.streams.${role}.url`,
        message: `holds a redacted password (***) that matches no URL of the camera: write the password, or a \${VAR} reference to the controller's environment`,
      },
    ]);
  }
  return restored;
}

/**
 * Writes Camera manifests into the manifests folder on behalf of the API (`camlet apply`,
 * `camlet delete`). The folder stays the source of truth: the controller's watcher picks each
 * change up as it would an edit by hand. A camera is edited in the document and the file that
 * declare it, with every other byte kept as written (comments, formatting, other cameras); a new
 * camera gets a file of its own, `<name>.yaml`. Every write is checked before it happens and is
 * atomic; writes run one at a time, so two requests never interleave their read and write.
 */
export class ManifestWriter {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly folder: string;
  private readonly environment: Environment;

  constructor(private readonly options: ManifestWriterOptions) {
    this.folder = resolve(options.folder);
    this.environment = options.environment ?? process.env;
  }

  /** Creates or updates the camera the text declares; `name`, when given (PUT), must match it. */
  apply(text: string, options: { name?: string; dryRun: boolean; createOnly?: boolean }): Promise<ApplyOutcome> {
    return this.serialized(() => this.applyNow(text, options));
  }

  delete(name: string, options: { dryRun: boolean }): Promise<DeleteOutcome> {
    return this.serialized(() => this.deleteNow(name, options));
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private shown(path: string): string {
    const fromHere = relative(process.cwd(), path);
    return fromHere.startsWith('..') ? path : fromHere;
  }

  private async applyNow(text: string, options: { name?: string; dryRun: boolean; createOnly?: boolean }): Promise<ApplyOutcome> {
    const { value, docText } = this.readRequest(text);
    const name = nameOf(value) as string;
    if (options.name !== undefined && options.name !== name) {
      throw new ManifestWriteError('BadRequest', `the name of the object (${name}) does not match the name on the URL (${options.name})`);
    }
    const existing = await this.locate(name);
    if (existing && options.createOnly) {
      throw new ManifestWriteError('AlreadyExists', `cameras.camlet.dev "${name}" already exists (${this.shown(existing.path)})`);
    }
    const wanted = withRedactedUrlsRestored(withoutServerFields(value), existing?.slice.value);

    let path: string;
    let result: ApplyResult;
    let after: string;
    if (existing) {
      path = existing.path;
      const edit = withoutImpliedDefaults(wanted, existing.slice.value);
      const unchanged = jsonEqual(existing.slice.value, edit);
      result = unchanged ? 'unchanged' : 'configured';
      after = unchanged ? existing.text : this.edited(() => replaceDocumentValue(existing.text, existing.slice.index, edit), path);
    } else {
      path = join(this.folder, `${name}.yaml`);
      // The document as the client wrote it (its comments too), without what the file must not hold.
      const own = this.edited(() => replaceDocumentValue(docText, 0, wanted), REQUEST);
      const present = await this.read(path);
      after = present === undefined ? own : `${present}${present.endsWith('\n') || present === '' ? '' : '\n'}---\n${own}`;
      result = 'created';
    }
    const camera = this.validated(path, after, name);
    if (!options.dryRun && after !== existing?.text) await this.write(path, after);
    return { result, camera, file: path };
  }

  /** The one document of a request, checked against the CRD, errors placed in the text sent. */
  private readRequest(text: string): { value: Record<string, unknown>; docText: string } {
    if (Buffer.byteLength(text) > YAML_LIMITS.maxFileBytes) {
      throw new ManifestWriteError('BadRequest', `the request is over the ${YAML_LIMITS.maxFileBytes}-byte limit of a manifest`);
    }
    const parsed = readManifestFile(REQUEST, text, this.environment);
    if (parsed.errors.length > 0) {
      throw new ManifestWriteError('BadRequest', `the request is not valid YAML: ${parsed.errors.map(formatSourceError).join('; ')}`, parsed.errors.map((e) => causeOf(e, true)));
    }
    if (parsed.documents.length !== 1) {
      throw new ManifestWriteError('BadRequest', `the request must hold exactly one Camera document; it holds ${parsed.documents.length}`);
    }
    const document = parsed.documents[0];
    if (document && !document.valid) {
      const name = document.name ?? '';
      const summary = document.errors.map((e) => `${e.field ? `${e.field}: ` : ''}${e.message}${e.value !== undefined ? ` (value: ${e.value})` : ''}`).join('; ');
      throw new ManifestWriteError('Invalid', `Camera "${name}" is invalid: ${summary}`, document.errors.map((e) => causeOf(e, true)));
    }
    const slices = splitDocuments(text).filter((slice) => slice.value !== null);
    const slice = slices[0] as DocumentSlice;
    // A `---` that opened the document in the request is not needed at the top of a file of its own.
    let docText = text.slice(slice.start, slice.end).replace(/^---[ \t]*\n/, '');
    if (!docText.endsWith('\n')) docText += '\n';
    return { value: slice.value as Record<string, unknown>, docText };
  }

  private edited(edit: () => string, where: string): string {
    try {
      return edit();
    } catch (error) {
      if (error instanceof DocumentEditError) throw new ManifestWriteError('InternalError', `cannot edit ${this.shown(where)}: ${error.message}`);
      throw error;
    }
  }

  /** The text about to be written must give a valid camera `name` (and other files are not touched). */
  private validated(path: string, text: string, name: string): CameraManifest {
    const shown = this.shown(path);
    const parsed = readManifestFile(shown, text, this.environment);
    const document = parsed.documents.find((d) => (d.valid ? d.camera.name : d.name) === name);
    if (parsed.errors.length === 0 && document?.valid) return document.camera;
    const errors = parsed.errors.length > 0 ? parsed.errors : document && !document.valid ? document.errors : [];
    const detail = errors.length > 0 ? errors.map(formatSourceError).join('; ') : `no valid document for ${name} in ${shown}`;
    throw new ManifestWriteError('Invalid', `Camera "${name}" is invalid once written into ${shown}: ${detail}`, errors.map((e) => causeOf(e, false)));
  }

  private async deleteNow(name: string, options: { dryRun: boolean }): Promise<DeleteOutcome> {
    if (!NAME.test(name)) throw new ManifestWriteError('NotFound', `cameras.camlet.dev "${name}" not found`);
    const existing = await this.locate(name);
    if (!existing) throw new ManifestWriteError('NotFound', `cameras.camlet.dev "${name}" not found`);
    const after = this.edited(() => removeDocument(existing.text, existing.slice.index) ?? '', existing.path);
    const fileRemoved = after === '';
    if (!options.dryRun) {
      if (fileRemoved) await removeFile(existing.path);
      else await this.write(existing.path, after);
    }
    return { file: existing.path, fileRemoved };
  }

  private async read(path: string): Promise<string | undefined> {
    let stats;
    try {
      stats = await lstat(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    // A link (a ConfigMap mount's files are links) would be replaced by a file: the link's target,
    // outside the folder, is the source of truth there.
    if (stats.isSymbolicLink()) throw new ManifestWriteError('Conflict', `${this.shown(path)} is a symbolic link; camlet writes only regular files (edit its target instead)`);
    if (!stats.isFile()) throw new ManifestWriteError('Conflict', `${this.shown(path)} is not a regular file`);
    if (stats.size > YAML_LIMITS.maxFileBytes) throw new ManifestWriteError('Conflict', `${this.shown(path)} is over the ${YAML_LIMITS.maxFileBytes}-byte limit of a manifest file`);
    return readFile(path, 'utf8');
  }

  /**
   * The file and document declaring `name`: the file the controller read it from, else
   * `<name>.yaml` (written moments ago, before the controller read it).
   */
  private async locate(name: string): Promise<Located | undefined> {
    const known = this.options.fileOf(name);
    const candidates = [...new Set([...(known !== undefined ? [resolve(known)] : []), join(this.folder, `${name}.yaml`)])];
    for (const path of candidates) {
      if (dirname(path) !== this.folder) continue;
      const text = await this.read(path);
      if (text === undefined) continue;
      let slices: DocumentSlice[];
      try {
        slices = splitDocuments(text);
      } catch (error) {
        if (error instanceof UnparsableFileError) {
          throw new ManifestWriteError('Conflict', `${this.shown(path)}:${error.line}: ${error.message}; fix the file before camlet edits it`);
        }
        throw error;
      }
      const slice = slices.find((s) => nameOf(s.value) === name);
      if (slice) return { path, text, slices, slice };
    }
    return undefined;
  }

  private async write(path: string, text: string): Promise<void> {
    try {
      await writeFileAtomically(path, text);
    } catch (error) {
      throw new ManifestWriteError('InternalError', `cannot write ${this.shown(path)}: ${(error as Error).message}`);
    }
  }
}

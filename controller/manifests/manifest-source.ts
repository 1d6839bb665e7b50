import type { Logger } from '../../lib/logger.js';
import type { EventRecorder } from '../events/event-recorder.js';
import type { CameraStore } from '../store/camera-store.js';
import { formatSourceError, type SourceError } from '../yaml/source-error.js';
import { readManifestFile, type CameraDocument } from './camera-document.js';

interface FileState {
  /** Documents by camera name, in file order (the first of a name declared twice in one file). */
  byName: Map<string, CameraDocument>;
  /** Problems of the file that belong to no camera it owns: syntax, nameless documents, names twice in it. */
  errors: SourceError[];
  rejectedDocuments: number;
}

/** What /status shows about one manifest file. */
export interface ManifestFileReport {
  file: string;
  cameras: string[];
  errors: string[];
}

/**
 * Turns the content of manifest files into desired cameras in the store. A camera name belongs
 * to the first file that declared it (alphabetical order at start-up, then order of arrival);
 * another file declaring it is reported, naming both, until the first lets go. A file that
 * cannot be parsed any more does not delete its cameras: they keep their last valid spec and are
 * marked ManifestValid=False, as a rejected `kubectl apply` leaves the object as it was.
 */
export class ManifestSource {
  private readonly files = new Map<string, FileState>();
  /** For each name, the files that declare it, owner first. */
  private readonly claims = new Map<string, string[]>();
  /** Names declared by more than one file, so that counting duplicates never walks every file. */
  private readonly contested = new Set<string>();
  /** The sum of every file's rejectedDocuments. */
  private rejectedDocuments = 0;

  constructor(
    private readonly store: CameraStore,
    private readonly events: EventRecorder,
    private readonly logger: Logger,
    private readonly onInvalidCount: (count: number) => void,
  ) {}

  /** A file was added or changed (`text`), or deleted (undefined). */
  fileChanged(file: string, text: string | undefined): void {
    const previous = this.files.get(file);
    try {
      if (text === undefined) {
        this.files.delete(file);
        for (const name of previous?.byName.keys() ?? []) this.release(name, file);
        this.logger.info({ file }, 'manifest file removed');
      } else {
        this.read(file, text, previous);
      }
    } finally {
      // Whatever happened, the sum follows what `files` holds now.
      this.rejectedDocuments += (this.files.get(file)?.rejectedDocuments ?? 0) - (previous?.rejectedDocuments ?? 0);
    }
    this.onInvalidCount(this.invalidCount());
  }

  report(): ManifestFileReport[] {
    return [...this.files.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([file, state]) => ({
        file,
        cameras: [...state.byName.keys()].filter((name) => this.owner(name) === file),
        errors: [
          ...new Set([
            ...state.errors.map(formatSourceError),
            ...[...state.byName].flatMap(([name, d]) => {
              const owner = this.owner(name);
              return owner !== undefined && owner !== file ? [formatSourceError(duplicateError(name, owner, file, d))] : [];
            }),
            ...[...state.byName.values()].flatMap((d) => (d.valid ? [] : d.errors.map(formatSourceError))),
          ]),
        ],
      }));
  }

  /**
   * Rejected documents: invalid ones, and valid ones whose name another file holds. Duplicates
   * are counted (and reported) from the claims as they are now, so that they end when the
   * owner lets go, whichever way.
   */
  private invalidCount(): number {
    let count = this.rejectedDocuments;
    for (const name of this.contested) {
      for (const file of this.claims.get(name)?.slice(1) ?? []) if (this.files.get(file)?.byName.get(name)?.valid) count++;
    }
    return count;
  }

  private read(file: string, text: string, previous: FileState | undefined): void {
    const parsed = readManifestFile(file, text);
    const state: FileState = { byName: new Map(), errors: [...parsed.errors], rejectedDocuments: parsed.errors.length > 0 ? 1 : 0 };
    for (const document of parsed.documents) {
      const name = document.valid ? document.camera.name : document.name;
      if (!document.valid) state.rejectedDocuments++;
      if (name === undefined) {
        if (!document.valid) state.errors.push(...document.errors);
        continue;
      }
      const first = state.byName.get(name);
      if (first) {
        state.rejectedDocuments += document.valid ? 1 : 0;
        state.errors.push({
          file,
          line: document.valid ? document.camera.source.line : document.source.line,
          column: 1,
          field: 'metadata.name',
          message: `camera ${name} is declared twice in this file (documents ${(first.valid ? first.camera.source : first.source).document + 1} and ${(document.valid ? document.camera.source : document.source).document + 1}); the first is used`,
        });
        continue;
      }
      state.byName.set(name, document);
    }

    // Cameras the file no longer declares: gone if the file parsed cleanly; kept and marked
    // invalid if part of it could not be read, since they may still be in there.
    const unreadable = parsed.errors.length > 0;
    for (const name of previous?.byName.keys() ?? []) {
      if (state.byName.has(name)) continue;
      if (unreadable && this.owner(name) === file) {
        const kept: CameraDocument = { valid: false, name, source: { file, document: 0, line: 1 }, errors: parsed.errors };
        state.byName.set(name, kept);
      } else {
        this.release(name, file);
      }
    }
    this.files.set(file, state);

    for (const [name, document] of state.byName) {
      const claimants = this.claims.get(name) ?? [];
      if (!claimants.includes(file)) {
        claimants.push(file);
        this.claims.set(name, claimants);
        if (claimants.length > 1) this.contested.add(name);
      }
      if (claimants[0] === file) this.apply(name, document);
      else this.reportDuplicate(name, claimants[0] as string, file, document);
    }
    const errorCount = state.rejectedDocuments;
    this.logger[errorCount > 0 ? 'warn' : 'info'](
      { file, cameras: [...state.byName.keys()], invalidDocuments: errorCount },
      errorCount > 0 ? `manifest file read with ${errorCount} rejected document(s)` : 'manifest file read',
    );
    for (const error of state.errors) this.logger.warn({ file }, formatSourceError(error));
  }

  private owner(name: string): string | undefined {
    return this.claims.get(name)?.[0];
  }

  private apply(name: string, document: CameraDocument): void {
    if (document.valid) {
      this.store.applyValid(document.camera);
      return;
    }
    const before = this.store.desired(name);
    this.store.applyInvalid(name, document.source, document.errors);
    const message = document.errors.map(formatSourceError).join('; ');
    const kept = before?.manifest ? ' (the camera keeps running with its last valid spec)' : '';
    this.events.record({ kind: 'Camera', name }, 'Warning', 'InvalidManifest', `${message}${kept}`);
    this.logger.warn({ camera: name }, `invalid manifest: ${message}${kept}`);
  }

  /** `file` no longer declares `name`: the next file declaring it takes over, or the camera goes. */
  private release(name: string, file: string): void {
    const wasOwner = this.owner(name) === file;
    const claimants = (this.claims.get(name) ?? []).filter((f) => f !== file);
    if (claimants.length < 2) this.contested.delete(name);
    if (claimants.length === 0) {
      this.claims.delete(name);
      this.store.remove(name);
      return;
    }
    this.claims.set(name, claimants);
    if (!wasOwner) return;
    const heir = claimants[0] as string;
    const document = this.files.get(heir)?.byName.get(name);
    if (document) {
      this.events.record({ kind: 'Camera', name }, 'Normal', 'ManifestMoved', `now declared by ${heir} (no longer by ${file})`);
      this.apply(name, document);
    }
  }

  private reportDuplicate(name: string, owner: string, ignored: string, document: CameraDocument): void {
    const { message } = duplicateError(name, owner, ignored, document);
    this.events.record({ kind: 'Camera', name }, 'Warning', 'DuplicateName', message);
    this.logger.warn({ camera: name, file: ignored, owner }, message);
  }
}

function duplicateError(name: string, owner: string, ignored: string, document: CameraDocument): SourceError {
  return {
    file: ignored,
    line: document.valid ? document.camera.source.line : document.source.line,
    column: 1,
    field: 'metadata.name',
    message: `camera ${name} is declared in ${owner} and again in ${ignored}; ${ignored} is ignored for it until ${owner} no longer declares it`,
  };
}

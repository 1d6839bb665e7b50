import type { CameraSpec, CameraStatus } from '../../crds-like-schemas/generated/camera.js';
import type { Clock } from '../../lib/clock.js';
import { jsonEqual } from '../../lib/deep-equal.js';
import { copyWith, newUid } from '../../lib/fixed-shape.js';
import { redactUrl } from '../../lib/redact.js';
import type { CameraManifest, ManifestSource } from '../manifests/camera-document.js';
import { formatSourceError, type SourceError } from '../yaml/source-error.js';
import { setCondition } from './conditions.js';
import { ObjectStore, type Revision } from './object-store.js';

/** A Camera as the API shows it: metadata, the spec with passwords redacted, and the status. */
export interface CameraObject {
  apiVersion: 'camlet.dev/v1';
  kind: 'Camera';
  metadata: {
    name: string;
    uid: string;
    generation: number;
    resourceVersion?: string;
    creationTimestamp: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  /** Absent for a camera that has never had a valid manifest. */
  spec?: CameraSpec;
  status: CameraStatus;
}

/** What the reconciler reads: the desired state of one camera. */
export interface DesiredCamera {
  name: string;
  generation: number;
  /** The last valid manifest; absent when the camera never had one (phase Invalid). */
  manifest?: CameraManifest;
  /** Set while the current manifest is invalid (the last valid one, if any, keeps running). */
  manifestErrors?: SourceError[];
  source: ManifestSource;
}

interface CameraRecord extends DesiredCamera {
  uid: string;
  creationTimestamp: string;
  status: CameraStatus;
}

/** One redacted copy per spec, shared by every version of the camera published with it. */
const redactedSpecs = new WeakMap<CameraSpec, CameraSpec>();

function redactedSpec(spec: CameraSpec): CameraSpec {
  let redacted = redactedSpecs.get(spec);
  if (!redacted) {
    const streams = Object.fromEntries(
      Object.entries(spec.streams).map(([role, stream]) => [role, stream && copyWith(stream, { url: redactUrl(stream.url) })]),
    ) as CameraSpec['streams'];
    redacted = copyWith(spec, { streams });
    redactedSpecs.set(spec, redacted);
  }
  return redacted;
}

type SpecListener = (name: string) => void;

/**
 * The desired state of every camera, by name, with Kubernetes' bookkeeping: a uid, a generation
 * bumped only when the spec really changes (defaults applied, key order ignored), and the status
 * that the controller writes. It tells its listeners which camera's desired state changed; it
 * never calls the reconciler itself.
 */
export class CameraStore {
  readonly objects: ObjectStore<CameraObject>;
  private readonly records = new Map<string, CameraRecord>();
  private readonly specListeners = new Set<SpecListener>();

  constructor(
    revision: Revision,
    private readonly clock: Clock,
  ) {
    this.objects = new ObjectStore<CameraObject>(revision);
  }

  onSpecChange(listener: SpecListener): void {
    this.specListeners.add(listener);
  }

  names(): string[] {
    return [...this.records.keys()];
  }

  desired(name: string): DesiredCamera | undefined {
    return this.records.get(name);
  }

  /** A valid manifest for `name` was read: a new camera, a new generation, or nothing new. */
  applyValid(manifest: CameraManifest): void {
    const existing = this.records.get(manifest.name);
    if (!existing) {
      this.create(manifest.name, { manifest, source: manifest.source, generation: 1 });
      return;
    }
    const specChanged = !existing.manifest || !jsonEqual(existing.manifest.spec, manifest.spec);
    const wasInvalid = existing.manifestErrors !== undefined;
    const metadataChanged =
      !jsonEqual([existing.manifest?.labels, existing.manifest?.annotations, existing.source], [manifest.labels, manifest.annotations, manifest.source]);
    if (!specChanged && !wasInvalid && !metadataChanged) return;
    // A camera that never had a valid spec keeps generation 1 for its first one.
    if (specChanged && existing.manifest) existing.generation += 1;
    existing.manifest = manifest;
    existing.source = manifest.source;
    existing.manifestErrors = undefined;
    const status = this.withManifestValid(existing.status, undefined);
    existing.status = status.phase === 'Invalid' ? { phase: 'Pending', restarts: 0, conditions: status.conditions } : status;
    this.publish(existing);
    if (specChanged || wasInvalid) this.notify(manifest.name);
  }

  /**
   * The manifest for `name` is invalid. A camera that has run keeps its last valid spec (like a
   * rejected `kubectl apply`) with ManifestValid=False; a new one is Invalid.
   */
  applyInvalid(name: string, source: ManifestSource, errors: SourceError[]): void {
    const existing = this.records.get(name);
    if (!existing) {
      this.create(name, { source, manifestErrors: errors, generation: 1 });
      return;
    }
    if (jsonEqual(existing.manifestErrors, errors)) return;
    existing.manifestErrors = errors;
    existing.source = source;
    existing.status = this.withManifestValid(existing.status, errors);
    this.publish(existing);
    this.notify(name);
  }

  remove(name: string): void {
    if (!this.records.delete(name)) return;
    this.objects.delete(name);
    this.notify(name);
  }

  /** The controller's side: phase, conditions and figures, from the supervisor and reconciler. */
  updateStatus(name: string, update: (status: CameraStatus) => CameraStatus): void {
    const record = this.records.get(name);
    if (!record) return;
    const status = update(record.status);
    if (jsonEqual(status, record.status)) return;
    record.status = status;
    this.publish(record);
  }

  private create(name: string, fields: Pick<CameraRecord, 'manifest' | 'manifestErrors' | 'source' | 'generation'>): void {
    const record: CameraRecord = {
      name,
      uid: newUid(),
      creationTimestamp: new Date(this.clock.now()).toISOString(),
      ...fields,
      status: {},
    };
    record.status = this.withManifestValid(fields.manifest ? { phase: 'Pending', restarts: 0 } : { phase: 'Invalid' }, fields.manifestErrors);
    this.records.set(name, record);
    this.publish(record);
    this.notify(name);
  }

  private withManifestValid(status: CameraStatus, errors: SourceError[] | undefined): CameraStatus {
    const now = new Date(this.clock.now());
    const condition = errors
      ? { type: 'ManifestValid', status: 'False' as const, reason: 'InvalidManifest', message: errors.map(formatSourceError).join('; ') }
      : { type: 'ManifestValid', status: 'True' as const, reason: 'Valid', message: 'the manifest passed validation' };
    const conditions = setCondition(status.conditions ?? [], condition, now);
    if (status.phase === 'Invalid') return copyWith(status, { conditions, reason: condition.reason, message: condition.message });
    return copyWith(status, { conditions });
  }

  private publish(record: CameraRecord): void {
    const { manifest } = record;
    this.objects.put({
      apiVersion: 'camlet.dev/v1',
      kind: 'Camera',
      metadata: {
        name: record.name,
        uid: record.uid,
        generation: record.generation,
        creationTimestamp: record.creationTimestamp,
        // Undefined, not left out, so that every version has one shape (lib/fixed-shape.ts); JSON omits them.
        labels: manifest && Object.keys(manifest.labels).length > 0 ? manifest.labels : undefined,
        annotations: manifest && Object.keys(manifest.annotations).length > 0 ? manifest.annotations : undefined,
      },
      spec: manifest ? redactedSpec(manifest.spec) : undefined,
      status: record.status,
    });
  }

  private notify(name: string): void {
    for (const listener of this.specListeners) listener(name);
  }
}

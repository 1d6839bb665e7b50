// The API's objects as the dashboard reads them; the Camera's spec and status types are generated
// from the CRD (crds-like-schemas/), like the controller's own, and the recordings' are the controller's.
import type { MotionEventObject, RecordingObject } from '../../../controller/api/recording-object.js';
import type { StatusCause } from '../../../controller/api/status-error.js';
import type { StorageObject } from '../../../controller/api/storage-api.js';
import type { CameraSpec, CameraStatus } from '../../../crds-like-schemas/generated/camera.js';

export type { CameraSpec, CameraStatus };

export interface ObjectMeta {
  name: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  labels?: Record<string, string>;
}

export interface Camera {
  apiVersion: string;
  kind: 'Camera';
  metadata: ObjectMeta;
  spec?: CameraSpec;
  status: CameraStatus;
}

export interface CameraEvent {
  kind: 'Event';
  metadata: ObjectMeta;
  involvedObject: { kind: string; name: string };
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  count: number;
  firstTimestamp: string;
  lastTimestamp: string;
}

export interface WatchEvent<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'ERROR';
  object: T;
}

/** An error as the API answers it (Kubernetes' Status); causes place a validation error at a field (the controller's own type). */
export type { StatusCause };

export interface ApiStatus {
  kind: 'Status';
  status: 'Failure';
  message: string;
  reason: string;
  code: number;
  details?: { name?: string; causes?: StatusCause[] };
}

/** GET storage: the storage filesystem, each camera's recordings, the recent rate and the outlook. */
export type Storage = StorageObject;

/** A recording and a motion event as the recordings API shows them: the controller's own types. */
export type Recording = RecordingObject;
export type { MotionEventObject };

export interface ResourceList<T> {
  metadata: { continue?: string; resourceVersion?: string };
  items: T[];
}

/** GET timeline: per camera, recorded intervals and motion markers aggregated to the resolution. */
export interface Timeline {
  kind: 'Timeline';
  from: string;
  to: string;
  resolutionSeconds: number;
  cameras: {
    camera: string;
    intervals: { start: string; end: string; recordings: number; triggers: Recording['spec']['trigger'][] }[];
    motion: { start: string; count: number; peakScore: number }[];
  }[];
}

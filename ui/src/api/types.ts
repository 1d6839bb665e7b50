// The API's objects as the dashboard reads them; the Camera's spec and status types are generated
// from the CRD (crds-like-schemas/), like the controller's own.
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

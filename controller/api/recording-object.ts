import type { MotionEvent, Recording, RecordingState, RecordingTrigger } from '../recordings/types.js';

/** A recording as the API shows it: shaped as a Kubernetes resource, named by its id. */
export interface RecordingObject {
  apiVersion: 'camlet.dev/v1';
  kind: 'Recording';
  metadata: {
    name: string;
    /** Set on watch events only: the change's place in the controller's revision. */
    resourceVersion?: string;
    /** The recording's start: when it came into being (not when its row was written). */
    creationTimestamp: string;
    labels: { camera: string; trigger: RecordingTrigger };
  };
  spec: {
    camera: string;
    /** Relative to the storage folder; for information: files are served by id only. */
    path: string;
    start: string;
    end: string;
    durationSeconds: number;
    bytes: number;
    codec: string;
    /** WIDTHxHEIGHT. */
    resolution: string;
    trigger: RecordingTrigger;
  };
  status: { state: RecordingState; indexedTime: string };
}

export interface MotionEventObject {
  apiVersion: 'camlet.dev/v1';
  kind: 'MotionEvent';
  metadata: { name: string; creationTimestamp: string; labels: { camera: string } };
  spec: {
    camera: string;
    start: string;
    /** Absent while the motion goes on. */
    end?: string;
    peakScore: number;
    /** Regions that moved as it began, in fractions of the picture. */
    boxes: MotionEvent['boxes'];
    /** The id of the recording that holds it, once there is one. */
    recording?: string;
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

export function recordingObject(recording: Recording): RecordingObject {
  return {
    apiVersion: 'camlet.dev/v1',
    kind: 'Recording',
    metadata: { name: recording.id, creationTimestamp: iso(recording.startMs), labels: { camera: recording.camera, trigger: recording.trigger } },
    spec: {
      camera: recording.camera,
      path: recording.path,
      start: iso(recording.startMs),
      end: iso(recording.endMs),
      durationSeconds: recording.durationSeconds,
      bytes: recording.bytes,
      codec: recording.codec,
      resolution: `${recording.width}x${recording.height}`,
      trigger: recording.trigger,
    },
    status: { state: recording.state, indexedTime: iso(recording.createdMs) },
  };
}

export function motionEventObject(event: MotionEvent): MotionEventObject {
  return {
    apiVersion: 'camlet.dev/v1',
    kind: 'MotionEvent',
    metadata: { name: String(event.id), creationTimestamp: iso(event.startMs), labels: { camera: event.camera } },
    spec: {
      camera: event.camera,
      start: iso(event.startMs),
      ...(event.endMs !== undefined ? { end: iso(event.endMs) } : {}),
      peakScore: event.peakScore,
      boxes: event.boxes,
      ...(event.recordingId !== undefined ? { recording: event.recordingId } : {}),
    },
  };
}

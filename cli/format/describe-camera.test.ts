import { describe, expect, it } from 'vitest';
import type { EventObject } from '../../controller/events/event-recorder.js';
import type { CameraObject } from '../../controller/store/camera-store.js';
import { describeCamera } from './describe-camera.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');

const camera: CameraObject = {
  apiVersion: 'camlet.dev/v1',
  kind: 'Camera',
  metadata: { name: 'door', uid: 'u1', generation: 2, resourceVersion: '40', creationTimestamp: '2024-05-01T10:00:00Z', labels: { site: 'home', floor: '1' } },
  spec: {
    enabled: true,
    streams: { main: { url: 'rtsp://admin:***@10.0.0.5/main', transport: 'tcp' } },
    motion: { enabled: true, fps: 5, width: 320, threshold: 25, minArea: 0.005, zones: [], masks: [] },
    recording: { mode: 'motion', preRollSeconds: 5, postRollSeconds: 5, segmentMinutes: 10, audio: 'keep', retention: { maxAgeDays: 14, maxBytes: '50Gi' } },
    health: { heartbeatSeconds: 2, timeoutSeconds: 10, unhealthyRestartSeconds: 30 },
    restart: { initialBackoffSeconds: 1, maxBackoffSeconds: 60, maxRestarts: 0, resetAfterSeconds: 120 },
  },
  status: {
    phase: 'Running',
    observedGeneration: 2,
    restarts: 1,
    lastHeartbeatTime: '2024-05-01T11:59:58Z',
    conditions: [
      { type: 'Ready', status: 'True', reason: 'Running', message: 'the worker runs', lastTransitionTime: '2024-05-01T11:55:00Z' },
      { type: 'Recording', status: 'True', reason: 'Recording', message: 'motion recording', lastTransitionTime: '2024-05-01T11:59:45Z' },
    ],
    streams: { main: { connected: true, fps: 9.96, frames: 3000, reconnects: 0, lastFrameTime: '2024-05-01T11:59:59Z' } },
    worker: { runtime: 'process', pid: 4242, startTime: '2024-05-01T11:55:00Z' },
    recording: { id: 'r-1', trigger: 'motion', startTime: '2024-05-01T11:59:45Z' },
  },
};

function event(reason: string, message: string, first: string, last: string, count = 1, type: 'Normal' | 'Warning' = 'Normal'): EventObject {
  return {
    apiVersion: 'camlet.dev/v1',
    kind: 'Event',
    metadata: { name: `door.${reason}`, uid: reason, creationTimestamp: first },
    involvedObject: { apiVersion: 'camlet.dev/v1', kind: 'Camera', name: 'door' },
    type,
    reason,
    message,
    count,
    firstTimestamp: first,
    lastTimestamp: last,
    source: { component: 'camlet-controller' },
  };
}

describe('describeCamera', () => {
  it('prints the whole description as kubectl describe lays it out', () => {
    const events = [
      event('Started', 'the worker runs', '2024-05-01T11:55:00Z', '2024-05-01T11:55:00Z'),
      event('MotionDetected', 'motion over 4.0% of the picture', '2024-05-01T11:40:00Z', '2024-05-01T11:59:45Z', 3),
    ];
    expect(describeCamera(camera, events, NOW)).toBe(`Name:                door
Labels:              floor=1
                     site=home
Annotations:         <none>
API Version:         camlet.dev/v1
Kind:                Camera
Creation Timestamp:  2024-05-01T10:00:00Z (120m ago)
Generation:          2
Spec:
  Enabled:      true
  Main Stream:  rtsp://admin:***@10.0.0.5/main (tcp)
  Sub Stream:   <none> (the main stream is analysed)
  Motion:       5 fps at 320 px wide, threshold 25, min area 0.5%, 0 zone(s), 0 mask(s)
  Recording:    motion, pre-roll 5s, post-roll 5s, kept 14d or up to 50Gi
  Health:       heartbeat every 2s, unhealthy after 10s, restarted after 30s more
  Restart:      backoff 1s to 60s, no limit, reset after 120s
Status:
  Phase:                Running
  Observed Generation:  2
  Restarts:             1
  Last Heartbeat:       2024-05-01T11:59:58Z (2s ago)
  Worker:               process runtime, pid 4242, started 5m ago
  Streams:
    main:  connected, 10 fps, 3000 frames, 0 reconnects, last frame 1s ago
Conditions:
  Type       Status  Reason     Last Transition  Message
  ----       ------  ------     ---------------  -------
  Ready      True    Running    5m               the worker runs
  Recording  True    Recording  15s              motion recording
Recording:
  Trigger:  motion
  Started:  2024-05-01T11:59:45Z (15s ago)
  Id:       r-1
Events:
  Type    Reason          Age                From               Message
  ----    ------          ----               ----               -------
  Normal  Started         5m                 camlet-controller  the worker runs
  Normal  MotionDetected  15s (x3 over 20m)  camlet-controller  motion over 4.0% of the picture
`);
  });

  it('says what is missing for a camera that never had a valid manifest, and redacts any URL', () => {
    const invalid: CameraObject = {
      apiVersion: 'camlet.dev/v1',
      kind: 'Camera',
      metadata: { name: 'bad', uid: 'u2', generation: 1, creationTimestamp: '2024-05-01T11:59:00Z' },
      status: { phase: 'Invalid', reason: 'InvalidManifest', message: 'bad.yaml:7:12: spec.streams.main.url: must match ^rtsps?:// (value: "http://root:***@x/")' },
    };
    const text = describeCamera(invalid, [], NOW);
    expect(text).toContain('Spec:                <none> (no valid manifest yet)\n');
    expect(text).toContain('  Message:              bad.yaml:7:12: spec.streams.main.url: must match ^rtsps?:// (value: "http://root:***@x/")\n');
    expect(text.endsWith('Conditions:             <none>\nRecording:              <none>\nEvents:                 <none>\n')).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import type { RecordingObject } from '../../controller/api/recording-object.js';
import { binarySize, recordingHeaders, recordingRow } from './recording-table.js';

const recording: RecordingObject = {
  apiVersion: 'camlet.dev/v1',
  kind: 'Recording',
  metadata: { name: 'b6f0c2a4', creationTimestamp: '2026-11-23T10:00:00.000Z', labels: { camera: 'porch', trigger: 'motion' } },
  spec: {
    camera: 'porch',
    path: 'porch/2026-11-23/porch-20261123T100000Z.mp4',
    start: '2026-11-23T10:00:00.000Z',
    end: '2026-11-23T10:00:14.300Z',
    durationSeconds: 14.3,
    bytes: 3_565_158,
    codec: 'h264',
    resolution: '1280x720',
    trigger: 'motion',
  },
  status: { state: 'complete', indexedTime: '2026-11-23T10:00:14.800Z' },
};

describe('recording table', () => {
  it('prints name, camera, trigger, start, duration, size and age; more with -o wide', () => {
    const now = Date.parse('2026-11-23T10:05:14.300Z');
    expect(recordingHeaders(false)).toEqual(['NAME', 'CAMERA', 'TRIGGER', 'START', 'DURATION', 'SIZE', 'AGE']);
    expect(recordingRow(recording, false, now)).toEqual(['b6f0c2a4', 'porch', 'motion', '2026-11-23T10:00:00Z', '14s', '3.4Mi', '5m']);
    expect(recordingRow(recording, true, now).slice(7)).toEqual(['h264', '1280x720', 'complete', 'porch/2026-11-23/porch-20261123T100000Z.mp4']);
  });

  it('sizes in binary units', () => {
    expect([0, 900, 2048, 10 * 1024 * 1024, 5.5 * 1024 ** 3].map(binarySize)).toEqual(['0B', '900B', '2.0Ki', '10Mi', '5.5Gi']);
  });
});

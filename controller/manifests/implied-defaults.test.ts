import { describe, expect, it } from 'vitest';
import { withoutImpliedDefaults } from './implied-defaults.js';

const written = { apiVersion: 'camlet.dev/v1', kind: 'Camera', metadata: { name: 'door' }, spec: { streams: { main: { url: 'rtsp://h/m' } }, motion: { fps: 5 } } };

describe('withoutImpliedDefaults', () => {
  it('leaves out the defaults `get -o yaml` fills in, keeping what changed and what the file writes', () => {
    const fromGet = {
      ...written,
      spec: {
        enabled: true,
        streams: { main: { url: 'rtsp://h/m', transport: 'tcp' } },
        motion: { enabled: true, fps: 8, width: 320, threshold: 40, minArea: 0.005, zones: [], masks: [] },
        recording: { mode: 'motion', preRollSeconds: 5, postRollSeconds: 5, segmentMinutes: 10, retention: { maxAgeDays: 14, maxBytes: '50Gi' } },
        health: { heartbeatSeconds: 5, timeoutSeconds: 15, unhealthyRestartSeconds: 30 },
        restart: { initialBackoffSeconds: 1, maxBackoffSeconds: 60, maxRestarts: 0, resetAfterSeconds: 120 },
      },
    };
    expect(withoutImpliedDefaults(fromGet, written)).toEqual({ ...written, spec: { streams: { main: { url: 'rtsp://h/m' } }, motion: { fps: 8, threshold: 40 } } });
  });

  it('keeps a field the file writes, even at its default', () => {
    const file = { ...written, spec: { ...written.spec, enabled: true } };
    expect(withoutImpliedDefaults(file, file)).toEqual(file);
  });

  it('keeps a section whose values differ from the defaults', () => {
    const wanted = { ...written, spec: { ...written.spec, recording: { mode: 'continuous', preRollSeconds: 5 } } };
    expect(withoutImpliedDefaults(wanted, written)).toEqual({ ...written, spec: { ...written.spec, recording: { mode: 'continuous' } } });
  });
});

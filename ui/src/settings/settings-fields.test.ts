import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { ApiStatus, Camera } from '../api/types';
import { changedFields, editedCamera, formValues, placeErrors, SETTINGS_FIELDS } from './settings-fields';

const camera = {
  apiVersion: 'camlet.dev/v1',
  kind: 'Camera',
  metadata: { name: 'porch', uid: 'u-1', generation: 3, labels: { site: 'home' }, annotations: { note: 'kept' } },
  spec: {
    enabled: true,
    streams: { main: { url: 'rtsp://admin:***@10.0.0.5/main' } },
    motion: { enabled: true, fps: 5, width: 320, threshold: 25, minArea: 0.005, zones: [], masks: [] },
    recording: { mode: 'motion', preRollSeconds: 5, postRollSeconds: 5, segmentMinutes: 10, audio: 'keep', retention: { maxAgeDays: 14, maxBytes: '50Gi' } },
  },
  status: { phase: 'Running' },
} as unknown as Camera;

describe('the form', () => {
  it("holds the spec's values as the inputs show them", () => {
    expect(formValues(camera)).toEqual({
      'spec.enabled': true,
      'spec.motion.enabled': true,
      'spec.motion.threshold': '25',
      'spec.motion.minArea': '0.005',
      'spec.motion.fps': '5',
      'spec.motion.width': '320',
      'spec.recording.mode': 'motion',
      'spec.recording.preRollSeconds': '5',
      'spec.recording.postRollSeconds': '5',
      'spec.recording.segmentMinutes': '10',
      'spec.recording.retention.maxAgeDays': '14',
      'spec.recording.retention.maxBytes': '50Gi',
    });
  });

  it('gives back the whole camera with the edits, metadata and the redacted URL as they came', () => {
    const values = { ...formValues(camera), 'spec.motion.threshold': ' 40 ', 'spec.motion.enabled': false, 'spec.recording.retention.maxBytes': '1073741824', 'spec.recording.preRollSeconds': '' };
    const edited = editedCamera(camera, values);
    expect(edited.metadata).toEqual(camera.metadata);
    expect(edited.spec?.streams.main.url).toBe('rtsp://admin:***@10.0.0.5/main');
    expect(edited.spec?.motion).toMatchObject({ threshold: 40, enabled: false });
    expect(edited.spec?.recording.retention.maxBytes).toBe(1073741824);
    // Emptied: left out, so the default applies.
    expect(edited.spec?.recording).not.toHaveProperty('preRollSeconds');
    expect(camera.spec?.motion.threshold).toBe(25);
    expect(changedFields(camera, values)).toEqual(['spec.motion.enabled', 'spec.motion.threshold', 'spec.recording.preRollSeconds', 'spec.recording.retention.maxBytes']);
  });

  it('sends what is no number as typed, for the server to name at its field', () => {
    const edited = editedCamera(camera, { ...formValues(camera), 'spec.motion.fps': 'fast', 'spec.recording.retention.maxBytes': '20Gi' });
    expect(edited.spec?.motion.fps).toBe('fast');
    expect(edited.spec?.recording.retention.maxBytes).toBe('20Gi');
  });
});

describe('placeErrors', () => {
  const refused = (causes: { field?: string; message: string }[]): ApiStatus => ({ kind: 'Status', status: 'Failure', reason: 'Invalid', code: 422, message: 'Camera "porch" is invalid', details: { causes } });

  it("puts each cause at the form's field its path names", () => {
    expect(
      placeErrors(
        refused([
          { field: 'spec.motion.threshold', message: 'must be <= 255 (value: 300)' },
          { field: 'spec.motion.zones.0.points', message: 'must have at least 3 items' },
          { message: 'something else' },
        ]),
      ),
    ).toEqual({ byField: { 'spec.motion.threshold': 'must be <= 255 (value: 300)' }, other: ['spec.motion.zones.0.points: must have at least 3 items', 'something else'] });
  });

  it('keeps the message of a refusal without causes', () => {
    expect(placeErrors({ ...refused([]), message: 'the controller could not be reached' })).toEqual({ byField: {}, other: ['the controller could not be reached'] });
  });
});

describe('the limits of the inputs', () => {
  it("are the CRD's", () => {
    const crd = parse(readFileSync(new URL('../../../crds-like-schemas/camera.yaml', import.meta.url), 'utf8')) as {
      spec: { versions: { schema: { openAPIV3Schema: Record<string, unknown> } }[] };
    };
    const root = crd.spec.versions[0]?.schema.openAPIV3Schema as Record<string, unknown>;
    for (const field of SETTINGS_FIELDS) {
      let schema = root;
      for (const key of field.path.split('.')) schema = (schema.properties as Record<string, Record<string, unknown>>)[key] as Record<string, unknown>;
      expect(schema, field.path).toBeDefined();
      if (field.kind === 'integer' || field.kind === 'number') expect({ type: schema.type, min: schema.minimum, max: schema.maximum }, field.path).toEqual({ type: field.kind, min: field.min, max: field.max });
      if (field.kind === 'choice') expect(schema.enum, field.path).toEqual(field.options);
      if (field.kind === 'boolean') expect(schema.type, field.path).toBe('boolean');
      if (field.kind === 'quantity') expect(schema['x-kubernetes-int-or-string'], field.path).toBe(true);
    }
  });
});

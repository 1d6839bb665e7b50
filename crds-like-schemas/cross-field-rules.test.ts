import { describe, expect, it } from 'vitest';
import { loadCrd, type OpenApiSchema } from './crd.js';
import { cameraSpecRules, checkCameraSpecRules } from './cross-field-rules.js';
import { createValidator } from './validator.js';
import type { CameraSpec } from './generated/camera.js';

function celRulesIn(schema: OpenApiSchema, path: string[] = []): { path: string[]; rule: string; message: string }[] {
  const here = (schema['x-kubernetes-validations'] ?? []).map(({ rule, message }) => ({ path, rule, message }));
  const below = Object.entries(schema.properties ?? {}).flatMap(([name, child]) => celRulesIn(child, [...path, name]));
  return [...here, ...below];
}

function defaultedSpec(spec: Record<string, unknown>): CameraSpec {
  const document = { spec: { streams: { main: { url: 'rtsp://camera.test/main' } }, ...spec } };
  expect(createValidator(loadCrd('camera.yaml').schema)(document)).toEqual([]);
  return document.spec as unknown as CameraSpec;
}

describe('cross-field rules', () => {
  it('implements exactly the CEL rules of the CRD', () => {
    const inCrd = celRulesIn(loadCrd('camera.yaml').schema);
    const implemented = cameraSpecRules.map(({ path, rule, message }) => ({ path, rule, message }));
    expect(implemented).toEqual(inCrd);
  });

  it('accepts the defaults', () => {
    expect(checkCameraSpecRules(defaultedSpec({}))).toEqual([]);
  });

  it('rejects a timeout no longer than the heartbeat', () => {
    expect(checkCameraSpecRules(defaultedSpec({ health: { heartbeatSeconds: 10, timeoutSeconds: 10 } }))).toEqual([
      { path: ['spec', 'health'], message: 'timeoutSeconds must be greater than heartbeatSeconds' },
    ]);
  });

  it('rejects a maximum backoff below the initial one', () => {
    expect(checkCameraSpecRules(defaultedSpec({ restart: { initialBackoffSeconds: 30, maxBackoffSeconds: 5 } }))).toEqual([
      { path: ['spec', 'restart'], message: 'maxBackoffSeconds must be at least initialBackoffSeconds' },
    ]);
  });
});

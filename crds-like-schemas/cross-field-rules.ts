import type { CameraSpec } from './generated/camera.js';
import type { FieldError } from './validator.js';

/**
 * The CRD's x-kubernetes-validations (CEL), checked here in TypeScript since camlet has no CEL
 * engine. Each rule names its CEL text so that cross-field-rules.test.ts can prove the CRD and
 * this list say the same thing.
 */
export interface CrossFieldRule {
  /** Path of the object that CEL's `self` stands for. */
  path: string[];
  rule: string;
  message: string;
  holds(spec: CameraSpec): boolean;
}

export const cameraSpecRules: readonly CrossFieldRule[] = [
  {
    path: ['spec', 'health'],
    rule: 'self.timeoutSeconds > self.heartbeatSeconds',
    message: 'timeoutSeconds must be greater than heartbeatSeconds',
    holds: ({ health }) => health.timeoutSeconds > health.heartbeatSeconds,
  },
  {
    path: ['spec', 'restart'],
    rule: 'self.maxBackoffSeconds >= self.initialBackoffSeconds',
    message: 'maxBackoffSeconds must be at least initialBackoffSeconds',
    holds: ({ restart }) => restart.maxBackoffSeconds >= restart.initialBackoffSeconds,
  },
];

/** Checks every rule against a spec that already passed the schema (so its fields are there). */
export function checkCameraSpecRules(spec: CameraSpec): FieldError[] {
  return cameraSpecRules.filter((rule) => !rule.holds(spec)).map(({ path, message }) => ({ path, message }));
}

// The camera settings the editor's form shows, and the way between them and the Camera object:
// the spec's values into the form's inputs, the inputs back into the whole object that PUT sends,
// and the API's validation causes (field paths) onto the inputs they concern. The server
// validates; the limits here only set the inputs' min and max, and settings-fields.test.ts
// checks them against the CRD.
import type { ApiStatus, Camera } from '../api/types';

interface FieldBase {
  /** The field's path in the Camera object, as the API's causes name it. */
  path: string;
  label: string;
  hint?: string;
}

export type SettingsField =
  | (FieldBase & { kind: 'boolean' })
  | (FieldBase & { kind: 'integer' | 'number'; min: number; max: number; step?: number; unit?: string })
  | (FieldBase & { kind: 'choice'; options: readonly string[] })
  | (FieldBase & { kind: 'quantity' });

export interface SettingsGroup {
  title: string;
  fields: readonly SettingsField[];
}

export const SETTINGS_GROUPS: readonly SettingsGroup[] = [
  {
    title: 'Camera',
    fields: [{ path: 'spec.enabled', label: 'Enabled', kind: 'boolean', hint: 'Off stops the worker and keeps the camera' }],
  },
  {
    title: 'Motion',
    fields: [
      { path: 'spec.motion.enabled', label: 'Detect motion', kind: 'boolean' },
      { path: 'spec.motion.threshold', label: 'Threshold', kind: 'integer', min: 1, max: 255, hint: 'Brightness change of a moving pixel' },
      { path: 'spec.motion.minArea', label: 'Minimum area', kind: 'number', min: 0, max: 1, step: 0.001, hint: 'Smallest region, as a fraction of the frame' },
      { path: 'spec.motion.fps', label: 'Analysis rate', kind: 'integer', min: 1, max: 30, unit: 'fps' },
      { path: 'spec.motion.width', label: 'Analysis width', kind: 'integer', min: 64, max: 1920, unit: 'px' },
    ],
  },
  {
    title: 'Recording',
    fields: [
      { path: 'spec.recording.mode', label: 'Mode', kind: 'choice', options: ['motion', 'continuous', 'off'] },
      { path: 'spec.recording.preRollSeconds', label: 'Pre-roll', kind: 'integer', min: 0, max: 60, unit: 's' },
      { path: 'spec.recording.postRollSeconds', label: 'Post-roll', kind: 'integer', min: 0, max: 300, unit: 's' },
      { path: 'spec.recording.segmentMinutes', label: 'File length (continuous)', kind: 'integer', min: 1, max: 60, unit: 'min' },
    ],
  },
  {
    title: 'Retention',
    fields: [
      { path: 'spec.recording.retention.maxAgeDays', label: 'Keep for', kind: 'integer', min: 1, max: 3650, unit: 'days' },
      { path: 'spec.recording.retention.maxBytes', label: 'Keep at most', kind: 'quantity', hint: 'Bytes, or a quantity such as 50Gi' },
    ],
  },
];

export const SETTINGS_FIELDS: readonly SettingsField[] = SETTINGS_GROUPS.flatMap((group) => group.fields);

/** What the inputs hold: text for numbers and quantities (as typed), true or false for switches. */
export type FormValues = Record<string, string | boolean>;

function valueAt(object: unknown, path: string): unknown {
  let value = object;
  for (const key of path.split('.')) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  return value;
}

/** The form's inputs for a camera, from its spec as the API gives it (defaults filled in). */
export function formValues(camera: Camera): FormValues {
  const values: FormValues = {};
  for (const field of SETTINGS_FIELDS) {
    const value = valueAt(camera, field.path);
    values[field.path] = field.kind === 'boolean' ? value !== false : typeof value === 'string' || typeof value === 'number' ? String(value) : '';
  }
  return values;
}

/**
 * An input's text as the value to send: a number when it reads as one, otherwise the text itself,
 * so that the server names what is wrong with it at its field; undefined (the key left out, the
 * default applies) when empty.
 */
function sentValue(field: SettingsField, value: string | boolean): unknown {
  if (typeof value === 'boolean') return value;
  const text = value.trim();
  if (text === '') return undefined;
  const numeric = /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text);
  if (field.kind === 'quantity') return /^\d+$/.test(text) ? Number(text) : text;
  if (field.kind === 'integer' || field.kind === 'number') return numeric ? Number(text) : text;
  return text;
}

/**
 * The whole Camera to PUT: the object as the API gave it, its spec edited by the form. The
 * metadata goes back as it came (the server keeps what it sets out of the file), and so do the
 * stream URLs: the API shows their passwords as ***, which the server reads as "the password
 * already there".
 */
export function editedCamera(camera: Camera, values: FormValues): Pick<Camera, 'apiVersion' | 'kind' | 'metadata' | 'spec'> {
  const edited = structuredClone({ apiVersion: camera.apiVersion, kind: camera.kind, metadata: camera.metadata, spec: camera.spec });
  for (const field of SETTINGS_FIELDS) {
    const value = values[field.path];
    if (value === undefined) continue;
    const keys = field.path.split('.');
    const last = keys.pop() as string;
    let parent = edited as unknown as Record<string, unknown>;
    for (const key of keys) {
      if (typeof parent[key] !== 'object' || parent[key] === null) parent[key] = {};
      parent = parent[key] as Record<string, unknown>;
    }
    const sent = sentValue(field, value);
    if (sent === undefined) delete parent[last];
    else parent[last] = sent;
  }
  return edited;
}

/** The fields the form changed from the camera's spec. */
export function changedFields(camera: Camera, values: FormValues): string[] {
  const before = formValues(camera);
  return SETTINGS_FIELDS.filter((field) => values[field.path] !== before[field.path]).map((field) => field.path);
}

export interface PlacedErrors {
  /** Messages by the path of the form's field they belong to. */
  byField: Record<string, string>;
  /** Those about no field of the form (with their path, when they have one). */
  other: string[];
}

/**
 * The causes of a refused write, each at the form's field its path names (or a field inside it:
 * `spec.motion.zones.0` is no field of the form, and goes to `other`).
 */
export function placeErrors(status: ApiStatus): PlacedErrors {
  const placed: PlacedErrors = { byField: {}, other: [] };
  const causes = status.details?.causes ?? [];
  for (const cause of causes) {
    const field = cause.field !== undefined ? SETTINGS_FIELDS.find((f) => cause.field === f.path || cause.field?.startsWith(`${f.path}.`)) : undefined;
    if (field) placed.byField[field.path] = placed.byField[field.path] ? `${placed.byField[field.path]}; ${cause.message}` : cause.message;
    else placed.other.push(cause.field ? `${cause.field}: ${cause.message}` : cause.message);
  }
  if (causes.length === 0) placed.other.push(status.message);
  return placed;
}

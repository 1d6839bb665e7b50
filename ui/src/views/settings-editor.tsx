// The camera page's settings editor: a form over the camera's editable spec (or its JSON), saved
// by PUT of the whole camera. The controller validates and writes the manifest only when valid;
// its causes are shown at the fields they name. While nothing is edited, the form follows the
// camera as the watch brings it.
import { useEffect, useState } from 'preact/hooks';
import { putCamera, type SaveOutcome } from '../api/camera-write';
import type { Camera } from '../api/types';
import { editedCamera, formValues, placeErrors, SETTINGS_GROUPS, type FormValues, type PlacedErrors, type SettingsField } from '../settings/settings-fields';

const NO_ERRORS: PlacedErrors = { byField: {}, other: [] };

function FieldInput({ field, value, error, onChange }: { field: SettingsField; value: string | boolean; error?: string; onChange: (value: string | boolean) => void }) {
  const id = `setting-${field.path.replaceAll('.', '-')}`;
  let input;
  if (field.kind === 'boolean') {
    input = <input id={id} type="checkbox" checked={value === true} onChange={(e) => onChange(e.currentTarget.checked)} />;
  } else if (field.kind === 'choice') {
    input = (
      <select id={id} value={String(value)} aria-invalid={error ? 'true' : undefined} onChange={(e) => onChange(e.currentTarget.value)}>
        {field.options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    );
  } else {
    const numeric = field.kind !== 'quantity';
    input = (
      <span class="input-unit">
        <input
          id={id}
          type="text"
          inputMode={numeric ? 'decimal' : 'text'}
          value={String(value)}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          onInput={(e) => onChange(e.currentTarget.value)}
        />
        {/* Empty for fields without one, so that every input lines up. */}
        <span class="unit">{field.kind !== 'quantity' ? field.unit : undefined}</span>
      </span>
    );
  }
  const limits = field.kind === 'integer' || field.kind === 'number' ? `${field.min}–${field.max}` : undefined;
  return (
    <div class={`setting${error ? ' invalid' : ''}${field.kind === 'boolean' ? ' setting-switch' : ''}`} data-field={field.path}>
      <label for={id}>{field.label}</label>
      {input}
      {(field.hint || limits) && <span class="setting-hint">{[field.hint, limits].filter(Boolean).join(' · ')}</span>}
      {error && (
        <span class="field-error" id={`${id}-error`} role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

/** The object as the JSON tab shows it: what a manifest holds, without the server's metadata. */
function manifestJson(camera: Camera, values: FormValues): string {
  const { apiVersion, kind, metadata, spec } = editedCamera(camera, values);
  const { name, labels, annotations } = metadata as Camera['metadata'] & { annotations?: Record<string, string> };
  return JSON.stringify({ apiVersion, kind, metadata: { name, ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) }, spec }, null, 2);
}

export function SettingsEditor({ camera }: { camera: Camera }) {
  const [tab, setTab] = useState<'form' | 'json'>('form');
  const [values, setValues] = useState<FormValues>(() => formValues(camera));
  const [json, setJson] = useState('');
  const [dirty, setDirty] = useState(false);
  const [errors, setErrors] = useState<PlacedErrors>(NO_ERRORS);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState<string>();
  const specVersion = `${camera.metadata.generation}:${JSON.stringify(camera.spec)}`;

  // Keyed by the spec, not by the object, which every change of status replaces.
  useEffect(() => {
    if (!dirty) setValues(formValues(camera));
  }, [specVersion]);

  if (!camera.spec) return <p class="muted">This camera's manifest has not been valid yet: there are no settings to edit. Fix its file; the conditions say where.</p>;

  const edit = (path: string, value: string | boolean) => {
    setValues({ ...values, [path]: value });
    setDirty(true);
    setSaved(undefined);
    if (errors.byField[path]) setErrors({ ...errors, byField: Object.fromEntries(Object.entries(errors.byField).filter(([key]) => key !== path)) });
  };

  const finish = (outcome: SaveOutcome) => {
    setSaving(false);
    if (!outcome.ok) {
      setErrors(placeErrors(outcome.status));
      return;
    }
    setErrors(NO_ERRORS);
    setDirty(false);
    setValues(formValues(outcome.camera));
    setSaved(outcome.result === 'unchanged' ? 'Nothing to change.' : `Saved: generation ${outcome.camera.metadata.generation ?? '—'}.`);
  };

  const save = async (event: Event) => {
    event.preventDefault();
    let object: Pick<Camera, 'metadata'>;
    if (tab === 'json') {
      try {
        object = JSON.parse(json) as Pick<Camera, 'metadata'>;
      } catch (error) {
        setErrors({ byField: {}, other: [`The JSON does not parse: ${(error as Error).message}`] });
        return;
      }
      if (object?.metadata?.name !== camera.metadata.name) {
        setErrors({ byField: {}, other: [`metadata.name must stay "${camera.metadata.name}": this editor changes this camera only`] });
        return;
      }
    } else {
      object = editedCamera(camera, values);
    }
    setSaving(true);
    setSaved(undefined);
    finish(await putCamera(object));
  };

  const reset = () => {
    setValues(formValues(camera));
    setJson(manifestJson(camera, formValues(camera)));
    setDirty(false);
    setErrors(NO_ERRORS);
    setSaved(undefined);
  };

  const showTab = (next: 'form' | 'json') => {
    if (next === 'json') setJson(manifestJson(camera, values));
    setTab(next);
  };

  // In the JSON tab every cause is listed, with its path: there are no fields to put them at.
  const listed = tab === 'json' ? [...Object.entries(errors.byField).map(([path, message]) => `${path}: ${message}`), ...errors.other] : errors.other;
  return (
    <form class="settings" onSubmit={(event) => void save(event)} noValidate data-dirty={dirty}>
      <div class="tabs" role="tablist">
        {(['form', 'json'] as const).map((name) => (
          <button key={name} type="button" role="tab" aria-selected={tab === name} class={tab === name ? 'active' : ''} onClick={() => showTab(name)}>
            {name === 'form' ? 'Form' : 'JSON'}
          </button>
        ))}
      </div>
      {tab === 'form' ? (
        <div class="settings-groups">
          {SETTINGS_GROUPS.map((group) => (
            <fieldset key={group.title}>
              <legend>{group.title}</legend>
              {group.fields.map((field) => (
                <FieldInput key={field.path} field={field} value={values[field.path] ?? ''} error={errors.byField[field.path]} onChange={(value) => edit(field.path, value)} />
              ))}
            </fieldset>
          ))}
        </div>
      ) : (
        <textarea
          class="settings-json mono"
          spellcheck={false}
          aria-label="The camera as JSON"
          value={json}
          onInput={(e) => {
            setJson(e.currentTarget.value);
            setDirty(true);
          }}
        />
      )}
      <p class="muted settings-note">Stream URLs are kept as they are: their passwords are never shown or sent back here.</p>
      {listed.length > 0 && (
        <ul class="form-error" role="alert">
          {listed.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
      <div class="settings-actions">
        <button type="submit" class="primary" disabled={saving || !dirty}>
          {saving ? 'Saving…' : 'Save'}
        </button>
        <button type="button" disabled={saving || !dirty} onClick={reset}>
          Reset
        </button>
        {saved && (
          <span class="saved" role="status">
            {saved}
          </span>
        )}
        {Object.keys(errors.byField).length > 0 && tab === 'form' && <span class="not-saved">Not saved: the controller refused the values marked.</span>}
      </div>
    </form>
  );
}

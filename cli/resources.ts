// The resource types the CLI knows, by every name kubectl users type for them.
import { CliError } from './client/errors.js';

export type ResourceType = 'cameras' | 'events' | 'recordings';

const NAMES: Record<string, ResourceType> = {
  cameras: 'cameras',
  camera: 'cameras',
  cam: 'cameras',
  'cameras.camlet.dev': 'cameras',
  'camera.camlet.dev': 'cameras',
  events: 'events',
  event: 'events',
  ev: 'events',
  'events.camlet.dev': 'events',
  'event.camlet.dev': 'events',
  recordings: 'recordings',
  recording: 'recordings',
  rec: 'recordings',
  'recordings.camlet.dev': 'recordings',
  'recording.camlet.dev': 'recordings',
};

/** How a type is listed in errors, with its short names. */
const SPELLED: Record<ResourceType, string> = { cameras: 'cameras (camera, cam)', events: 'events (event, ev)', recordings: 'recordings (recording, rec)' };

/** `camera.camlet.dev/NAME`, as `-o name` and `apply` print an object. */
export const QUALIFIED: Record<ResourceType, string> = { cameras: 'camera.camlet.dev', events: 'event.camlet.dev', recordings: 'recording.camlet.dev' };

export const API = '/apis/camlet.dev/v1';

export function resourceType(word: string, allowed: readonly ResourceType[] = ['cameras', 'events', 'recordings']): ResourceType {
  const type = NAMES[word.toLowerCase()];
  if (!type || !allowed.includes(type)) {
    const known = allowed.map((t) => SPELLED[t]).join(', ');
    throw new CliError(`the server doesn't have a resource type "${word}" (${known})`);
  }
  return type;
}

/** A camera named as NAME or camera/NAME (cameras/NAME, cam/NAME). */
export function cameraName(target: string): string {
  const slash = target.indexOf('/');
  if (slash === -1) return target;
  resourceType(target.slice(0, slash), ['cameras']);
  return target.slice(slash + 1);
}

/**
 * `TYPE [NAME...]` or `TYPE/NAME [TYPE/NAME...]`, as kubectl takes them; one type at a time.
 */
export function parseTargets(args: string[], verb: string, allowed?: readonly ResourceType[]): { type: ResourceType; names: string[] } {
  const [first, ...rest] = args;
  if (first === undefined) {
    throw new CliError(`you must specify the type of resource to ${verb}: ${(allowed ?? ['cameras', 'events', 'recordings']).join(' or ')}`);
  }
  if (!first.includes('/')) {
    const type = resourceType(first, allowed);
    for (const name of rest) if (name.includes('/')) throw new CliError(`there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'camlet ${verb} ${name}')`);
    return { type, names: rest };
  }
  let type: ResourceType | undefined;
  const names: string[] = [];
  for (const arg of args) {
    const slash = arg.indexOf('/');
    if (slash === -1) throw new CliError(`arguments in resource/name form must have a single resource and name: ${JSON.stringify(arg)}`);
    const argType = resourceType(arg.slice(0, slash), allowed);
    if (type !== undefined && argType !== type) throw new CliError(`one resource type at a time: ${type} and ${argType}`);
    type = argType;
    const name = arg.slice(slash + 1);
    if (name === '') throw new CliError(`arguments in resource/name form must have a name: ${JSON.stringify(arg)}`);
    names.push(name);
  }
  return { type: type as ResourceType, names };
}

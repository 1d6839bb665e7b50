import type { Command } from 'commander';
import type { RecordingObject } from '../../controller/api/recording-object.js';
import type { EventObject } from '../../controller/events/event-recorder.js';
import type { CameraObject } from '../../controller/store/camera-store.js';
import { LabelSelectorError, parseLabelSelector } from '../../controller/api/label-selector.js';
import type { StatusObject } from '../../controller/api/status-error.js';
import { ApiError, CliError } from '../client/errors.js';
import { contextOf, type CliContext } from '../context.js';
import { cameraHeaders, cameraRow } from '../format/camera-table.js';
import { DurationError, parseDuration } from '../../lib/duration.js';
import { byLastSeen, eventHeaders, eventRow } from '../format/event-table.js';
import { findValues, JsonPathError } from '../format/jsonpath.js';
import { formatObjects, parseOutput, toJson, toYaml, type OutputFormat } from '../format/output.js';
import { recordingHeaders, recordingRow } from '../format/recording-table.js';
import { Table } from '../format/table.js';
import { API, parseTargets, QUALIFIED, resourceType, type ResourceType } from '../resources.js';
import { action, report } from '../run.js';

interface GetFlags {
  output?: string;
  selector?: string;
  watch?: boolean;
  watchOnly?: boolean;
  headers?: boolean;
  sortBy?: string;
  for?: string;
  camera?: string;
  since?: string;
}

type Item = CameraObject | EventObject | RecordingObject;

interface ListBody {
  metadata: { resourceVersion: string; continue?: string };
  items: Item[];
}

/** Recordings are listed a page at a time, as kubectl lists in chunks of 500. */
const RECORDINGS_PAGE = 500;

interface WatchLine {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'ERROR';
  object: Item | StatusObject;
}

/** A label selector checked here first, so that a typo is reported as kubectl reports it, before any request. */
export function checkedSelector(selector: string | undefined): string | undefined {
  if (selector === undefined) return undefined;
  try {
    parseLabelSelector(selector);
  } catch (error) {
    if (error instanceof LabelSelectorError) throw new CliError(`unable to parse label selector ${JSON.stringify(selector)}: ${error.message}`);
    throw error;
  }
  return selector;
}

/** `--for camera/NAME` (or cam/NAME, or NAME) as the API's fieldSelector on events. */
function eventFieldSelector(target: string | undefined): string | undefined {
  if (target === undefined) return undefined;
  const slash = target.indexOf('/');
  const name = slash === -1 ? target : target.slice(slash + 1);
  if (slash !== -1) resourceType(target.slice(0, slash), ['cameras']);
  if (name === '') throw new CliError(`--for needs a camera: camera/NAME, not ${JSON.stringify(target)}`);
  return `involvedObject.kind=Camera,involvedObject.name=${name}`;
}

function query(parameters: Record<string, string | undefined>): string {
  const entries = Object.entries(parameters).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return entries.length === 0 ? '' : `?${new URLSearchParams(entries).toString()}`;
}

/** --sort-by: numbers by value, text in order, items without the field last. */
function sortItems(items: Item[], expression: string): Item[] {
  const keyed = items.map((item) => ({ item, key: findValues(expression, item)[0] }));
  keyed.sort((a, b) => {
    if (a.key === undefined || b.key === undefined) return a.key === undefined ? (b.key === undefined ? 0 : 1) : -1;
    if (typeof a.key === 'number' && typeof b.key === 'number') return a.key - b.key;
    const [x, y] = [JSON.stringify(a.key), JSON.stringify(b.key)];
    return x < y ? -1 : x > y ? 1 : 0;
  });
  return keyed.map(({ item }) => item);
}

class Printer {
  private readonly table: Table;

  constructor(
    private readonly type: ResourceType,
    private readonly format: OutputFormat,
    noHeaders: boolean,
    private readonly now: () => number,
  ) {
    const wide = format.kind === 'table' && format.wide;
    const headers = { cameras: cameraHeaders, events: eventHeaders, recordings: recordingHeaders }[type];
    this.table = new Table(headers(wide), noHeaders);
  }

  private rows(items: Item[]): string[][] {
    const wide = this.format.kind === 'table' && this.format.wide;
    return items.map((item) => {
      if (this.type === 'cameras') return cameraRow(item as CameraObject, wide, this.now());
      if (this.type === 'events') return eventRow(item as EventObject, wide, this.now());
      return recordingRow(item as RecordingObject, wide, this.now());
    });
  }

  /** What was listed or asked for by name. */
  initial(items: Item[], single: boolean): string {
    if (this.format.kind === 'table') return items.length === 0 ? '' : this.table.render(this.rows(items));
    return formatObjects(this.format, items, { single, qualified: QUALIFIED[this.type] });
  }

  /** One change seen by -w. */
  change(item: Item): string {
    switch (this.format.kind) {
      case 'table':
        return this.table.render(this.rows([item]));
      case 'json':
        return toJson(item);
      case 'yaml':
        return `${toYaml(item)}---\n`;
      default:
        return formatObjects(this.format, [item], { single: true, qualified: QUALIFIED[this.type] });
    }
  }
}

async function get(ctx: CliContext, args: string[], flags: GetFlags): Promise<number> {
  const { type, names } = parseTargets(args, 'get');
  const format = parseOutput(flags.output);
  const selector = checkedSelector(flags.selector);
  if (names.length > 0 && selector !== undefined) throw new CliError('name cannot be provided when a selector is specified');
  if (flags.for !== undefined && type !== 'events') throw new CliError('--for is for events only: camlet get events --for camera/NAME');
  if ((flags.camera !== undefined || flags.since !== undefined) && type !== 'recordings') {
    throw new CliError('--camera and --since are for recordings only: camlet get recordings --camera NAME --since 2h');
  }
  let from: string | undefined;
  if (flags.since !== undefined) {
    try {
      from = new Date(ctx.now() - parseDuration(flags.since)).toISOString();
    } catch (error) {
      if (error instanceof DurationError) throw new CliError(`--since: ${error.message}`);
      throw error;
    }
  }
  if (flags.sortBy !== undefined) {
    try {
      findValues(flags.sortBy, {});
    } catch (error) {
      if (error instanceof JsonPathError) throw new CliError(`--sort-by: ${error.message}`);
      throw error;
    }
  }
  const parameters =
    type === 'recordings'
      ? { labelSelector: selector, camera: flags.camera, from, order: 'oldest' }
      : { labelSelector: selector, fieldSelector: type === 'events' ? eventFieldSelector(flags.for) : undefined };
  const printer = new Printer(type, format, flags.headers === false, () => ctx.now());
  const watching = flags.watch === true || flags.watchOnly === true;
  let status = 0;
  let items: Item[] = [];
  let resourceVersion: string | undefined;

  if (names.length > 0 && !watching) {
    for (const name of names) {
      try {
        items.push(await ctx.client.get<Item>(`${API}/${type}/${encodeURIComponent(name)}`));
      } catch (error) {
        // As kubectl: what was found is printed, each name not found is reported, and the exit status says so.
        if (!(error instanceof ApiError)) throw error;
        status = 1;
        process.stderr.write(`Error from server (${error.reason}): ${error.message}\n`);
      }
    }
  } else {
    const list = await ctx.client.get<ListBody>(`${API}/${type}${query({ ...parameters, ...(type === 'recordings' ? { limit: String(RECORDINGS_PAGE) } : {}) })}`);
    resourceVersion = list.metadata.resourceVersion;
    items = list.items;
    // The following pages, until the list is whole.
    for (let token = list.metadata.continue; token; ) {
      const page = await ctx.client.get<ListBody>(`${API}/${type}${query({ ...parameters, limit: String(RECORDINGS_PAGE), continue: token })}`);
      items = items.concat(page.items);
      token = page.metadata.continue;
    }
    if (names.length > 0) {
      for (const name of names) {
        if (!items.some((item) => item.metadata.name === name)) {
          status = report(new ApiError(404, undefined, `${type}.camlet.dev "${name}" not found`));
        }
      }
      if (status !== 0) return status;
      items = items.filter((item) => names.includes(item.metadata.name));
    }
  }
  if (type === 'events') items = [...(items as EventObject[])].sort(byLastSeen);
  if (flags.sortBy !== undefined) items = sortItems(items, flags.sortBy);

  if (!flags.watchOnly) {
    const text = printer.initial(items, names.length === 1);
    if (items.length === 0 && names.length === 0 && !watching && format.kind !== 'json' && format.kind !== 'yaml') {
      process.stderr.write('No resources found\n');
    }
    ctx.out(text);
  }
  if (!watching) return status;

  const path = `${API}/${type}${query({ ...parameters, watch: 'true', resourceVersion })}`;
  for await (const line of ctx.client.lines(path)) {
    if (line.trim() === '') continue;
    const event = JSON.parse(line) as WatchLine;
    if (event.type === 'ERROR') {
      const problem = event.object as StatusObject;
      throw new ApiError(problem.code, problem, line);
    }
    const item = event.object as Item;
    if (names.length > 0 && !names.includes(item.metadata.name)) continue;
    ctx.out(printer.change(item));
  }
  return status;
}

export function addGetCommand(program: Command): void {
  program
    .command('get')
    .description('Display cameras, events or recordings: get cameras|camera|cam [NAME...], get events [--for camera/NAME], get recordings [--camera NAME] [--since 2h]')
    .argument('[resources...]', 'the type (cameras, events, recordings) and names, or TYPE/NAME')
    .option('-o, --output <format>', 'json, yaml, name, wide, or jsonpath=TEMPLATE (such as jsonpath={.items[*].metadata.name})')
    .option('-l, --selector <selector>', 'label selector, such as site=home,tier in (a,b),!disabled')
    .option('-w, --watch', 'after listing, watch for changes and print a row for each')
    .option('--watch-only', 'watch for changes without listing first')
    .option('--no-headers', "don't print the header line of tables")
    .option('--sort-by <jsonpath>', 'sort by a field, such as .metadata.name or {.status.restarts}')
    .option('--for <camera>', 'events about one camera only: camera/NAME')
    .option('--camera <name>', "recordings of one camera only")
    .option('--since <duration>', 'recordings that end within this long before now, such as 30m or 2h')
    .addHelpText(
      'after',
      `
Examples:
  camlet get cameras
  camlet get cam front-door -o yaml
  camlet get cameras -l site=home -o wide --sort-by .status.restarts
  camlet get cameras -w
  camlet get events --for camera/front-door -w
  camlet get recordings --camera front-door --since 2h`,
    )
    .action(action(async (args: string[], flags: GetFlags, command: Command) => get(contextOf(command), args, flags)));
}

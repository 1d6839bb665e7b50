import type { Command } from 'commander';
import type { CameraObject } from '../../controller/store/camera-store.js';
import { ApiError, CliError } from '../client/errors.js';
import { contextOf, type CliContext } from '../context.js';
import { dryRunOf, dryRunSuffix } from '../dry-run.js';
import { API, parseTargets } from '../resources.js';
import { action, report } from '../run.js';
import { collect } from '../options.js';
import { checkedSelector } from './get.js';

interface DeleteFlags {
  filename?: string[];
  recursive?: boolean;
  selector?: string;
  all?: boolean;
  dryRun?: string | boolean;
  ignoreNotFound?: boolean;
}

async function remove(ctx: CliContext, args: string[], flags: DeleteFlags): Promise<number> {
  const dryRun = dryRunOf(flags.dryRun);
  const selector = checkedSelector(flags.selector);
  let names: string[];
  if (flags.filename && flags.filename.length > 0) {
    if (args.length > 0) throw new CliError('when -f is given, no resource type or name can be given');
    const { declaredNames, readInputs } = await import('../manifest-input.js');
    names = declaredNames(await readInputs(flags.filename, flags.recursive === true)).map((declared) => declared.name);
  } else {
    const targets = parseTargets(args, 'delete', ['cameras']);
    names = targets.names;
    const bySelection = selector !== undefined || flags.all === true;
    if (names.length > 0 && bySelection) throw new CliError('name cannot be provided when a selector or --all is specified');
    if (names.length === 0 && !bySelection) throw new CliError('resource(s) were provided, but no name was specified: give NAME, -l SELECTOR or --all');
    if (bySelection) {
      const path = `${API}/cameras${selector !== undefined ? `?labelSelector=${encodeURIComponent(selector)}` : ''}`;
      names = (await ctx.client.get<{ items: CameraObject[] }>(path)).items.map((camera) => camera.metadata.name);
      if (names.length === 0) {
        process.stderr.write('No resources found\n');
        return 0;
      }
    }
  }
  let status = 0;
  for (const name of names) {
    const path = `${API}/cameras/${encodeURIComponent(name)}`;
    try {
      if (dryRun === 'client') await ctx.client.get(path);
      else await ctx.client.request('DELETE', `${path}${dryRun === 'server' ? '?dryRun=All' : ''}`);
      ctx.out(`camera.camlet.dev "${name}" deleted${dryRunSuffix(dryRun)}\n`);
    } catch (error) {
      if (flags.ignoreNotFound && error instanceof ApiError && error.status === 404) continue;
      status = report(error);
    }
  }
  return status;
}

export function addDeleteCommand(program: Command): void {
  program
    .command('delete')
    .description("Delete cameras: the controller removes each camera's document from its manifest file (the file, when it held only that camera)")
    .argument('[resources...]', 'camera (cameras, cam) and names, or camera/NAME')
    .option('-f, --filename <file>', 'delete the cameras a manifest file (or folder, or - for stdin) declares (repeatable)', collect)
    .option('-R, --recursive', 'read the folders given with -f and their subfolders')
    .option('-l, --selector <selector>', 'delete the cameras with these labels')
    .option('--all', 'delete every camera')
    .option('--dry-run [strategy]', 'client: check here only; server: let the controller check, delete nothing')
    .option('--ignore-not-found', 'a camera that does not exist is no error')
    .addHelpText('after', '\nExamples:\n  camlet delete camera garage\n  camlet delete -f garage.yaml\n  camlet delete cameras -l site=old')
    .action(action(async (args: string[], flags: DeleteFlags, command: Command) => remove(contextOf(command), args, flags)));
}

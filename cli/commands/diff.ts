import type { Command } from 'commander';
import type { CameraObject } from '../../controller/store/camera-store.js';
import { ApiError, errorText } from '../client/errors.js';
import { contextOf, type CliContext } from '../context.js';
import { toYaml } from '../format/output.js';
import { unifiedDiff } from '../format/unified-diff.js';
import { inDocument } from '../request-errors.js';
import { API } from '../resources.js';
import { report } from '../run.js';
import { collect } from '../options.js';

interface DiffFlags {
  filename: string[];
  recursive?: boolean;
}

/** kubectl diff's exit status: 0 no differences, 1 differences, above 1 an error. */
const DIFF_ERROR = 2;

/** The object without what changes on its own (status, resourceVersion), as kubectl diff compares them. */
function comparable(object: CameraObject | undefined): string {
  if (!object) return '';
  const { status: _status, ...rest } = object;
  const { resourceVersion: _version, ...metadata } = rest.metadata;
  return toYaml({ ...rest, metadata });
}

async function diff(ctx: CliContext, flags: DiffFlags): Promise<number> {
  const { readInputs, validatedDocuments } = await import('../manifest-input.js');
  const documents = validatedDocuments(await readInputs(flags.filename ?? [], flags.recursive === true), 'diff');
  let status = 0;
  for (const document of documents) {
    const name = document.name as string;
    const path = `${API}/cameras/${encodeURIComponent(name)}`;
    try {
      const live = await ctx.client.get<CameraObject>(path).catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 404) return undefined;
        throw error;
      });
      const { body: merged } = await ctx.client.json<CameraObject>('PUT', `${path}?dryRun=All`, { body: document.text, contentType: 'application/yaml' });
      const hunks = unifiedDiff(comparable(live), comparable(merged));
      if (hunks === '') continue;
      const file = `camlet.dev.v1.Camera.${name}`;
      ctx.out(`diff -u -N LIVE/${file} MERGED/${file}\n--- LIVE/${file}\n+++ MERGED/${file}\n${hunks}`);
      status = Math.max(status, 1);
    } catch (error) {
      report(inDocument(error, document, 'diffing'));
      status = DIFF_ERROR;
    }
  }
  return status;
}

export function addDiffCommand(program: Command): void {
  program
    .command('diff')
    .description('Show what apply would change: the live cameras against what the manifests would make of them')
    .option('-f, --filename <file>', 'a manifest file, a folder of them, or - for stdin (repeatable)', collect)
    .option('-R, --recursive', 'read the folders given with -f and their subfolders')
    .addHelpText('after', '\nExit status: 0 no differences, 1 differences, 2 an error.\n\nExamples:\n  camlet diff -f garage.yaml')
    .action(async (flags: DiffFlags, command: Command) => {
      // Errors exit with 2, not 1: 1 means "there are differences".
      try {
        process.exitCode = await diff(contextOf(command), flags);
      } catch (error) {
        process.stderr.write(`${errorText(error)}\n`);
        process.exitCode = DIFF_ERROR;
      }
    });
}

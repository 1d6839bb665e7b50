import type { Command } from 'commander';
import { APPLY_RESULT_HEADER } from '../../controller/api/apply-result.js';
import type { CameraObject } from '../../controller/store/camera-store.js';
import { ApiError } from '../client/errors.js';
import { contextOf, type CliContext } from '../context.js';
import { dryRunOf, dryRunSuffix } from '../dry-run.js';
import { formatObjects, parseOutput } from '../format/output.js';
import { collect } from '../options.js';
import { inDocument } from '../request-errors.js';
import { API, QUALIFIED } from '../resources.js';
import { action, report } from '../run.js';

interface ApplyFlags {
  filename: string[];
  recursive?: boolean;
  dryRun?: string | boolean;
  output?: string;
}

async function apply(ctx: CliContext, flags: ApplyFlags): Promise<number> {
  const dryRun = dryRunOf(flags.dryRun);
  const format = parseOutput(flags.output, ['json', 'yaml', 'name']);
  // Every document is checked before the first is sent: input that is partly wrong applies nothing.
  // (Loaded here: the validator costs other commands 100 ms of start-up.)
  const { readInputs, validatedDocuments } = await import('../manifest-input.js');
  const documents = validatedDocuments(await readInputs(flags.filename ?? [], flags.recursive === true), 'apply');
  let status = 0;
  for (const document of documents) {
    const name = document.name as string;
    const path = `${API}/cameras/${encodeURIComponent(name)}`;
    try {
      let result: string;
      let object: CameraObject | undefined;
      if (dryRun === 'client') {
        const exists = await ctx.client.get(path).then(
          () => true,
          (error: unknown) => {
            if (error instanceof ApiError && error.status === 404) return false;
            throw error;
          },
        );
        result = exists ? 'configured' : 'created';
      } else {
        const { body, response } = await ctx.client.json<CameraObject>('PUT', `${path}${dryRun === 'server' ? '?dryRun=All' : ''}`, {
          body: document.text,
          contentType: 'application/yaml',
        });
        object = body;
        result = response.headers.get(APPLY_RESULT_HEADER) ?? (response.status === 201 ? 'created' : 'configured');
      }
      if (format.kind === 'table') ctx.out(`${QUALIFIED.cameras}/${name} ${result}${dryRunSuffix(dryRun)}\n`);
      else if (format.kind === 'name') ctx.out(`${QUALIFIED.cameras}/${name}\n`);
      else if (object) ctx.out(formatObjects(format, [object], { single: true, qualified: QUALIFIED.cameras }));
    } catch (error) {
      status = report(inDocument(error, document, 'applying'));
    }
  }
  return status;
}

export function addApplyCommand(program: Command): void {
  program
    .command('apply')
    .description("Create or update cameras from manifests: the controller writes them into its manifests folder, keeping each file's comments and layout")
    .option('-f, --filename <file>', 'a manifest file, a folder of them, or - for stdin (repeatable)', collect)
    .option('-R, --recursive', 'read the folders given with -f and their subfolders')
    .option('--dry-run [strategy]', 'client: validate here only; server: let the controller validate, write nothing')
    .option('-o, --output <format>', 'name, json or yaml: print the applied objects')
    .addHelpText(
      'after',
      '\nExamples:\n  camlet apply -f garage.yaml\n  camlet apply -f cameras/ --dry-run=server\n  camlet get cam garage -o yaml | sed s/fps:.5/fps: 10/ | camlet apply -f -',
    )
    .action(action(async (flags: ApplyFlags, command: Command) => apply(contextOf(command), flags)));
}

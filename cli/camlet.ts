#!/usr/bin/env node
// camlet: the controller (`camlet controller`) and kubectl for it (get, describe, apply, diff,
// delete, logs, record, top), talking to the controller's HTTP API.
import { Command } from 'commander';
import { addApplyCommand } from './commands/apply.js';
import { addCompletionCommand } from './commands/completion.js';
import { addDeleteCommand } from './commands/delete.js';
import { addDescribeCommand } from './commands/describe.js';
import { addDiffCommand } from './commands/diff.js';
import { addGetCommand } from './commands/get.js';
import { addLogsCommand } from './commands/logs.js';
import { addRecordCommand } from './commands/record.js';
import { addTopCommand } from './commands/top.js';
import { addVersionCommand } from './commands/version.js';
import { DEFAULT_SERVER } from './context.js';
import { addControllerCommand } from './controller-command.js';

// `camlet get cameras | head` closes the pipe early: that is no error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const program = new Command();
program
  .name('camlet')
  .description('A network video recorder run the way Kubernetes runs pods: cameras as manifests, a controller, and kubectl-like commands')
  .option('--server <address>', `the controller's API (default: CAMLET_SERVER, or ${DEFAULT_SERVER})`)
  .option('--token <token>', 'bearer token sent to the API, for a controller behind an authenticating proxy')
  .option('--request-timeout <duration>', 'give up on a request after this long (such as 5s or 1m); 0 waits as long as it takes', '0');

addGetCommand(program);
addDescribeCommand(program);
addApplyCommand(program);
addDiffCommand(program);
addDeleteCommand(program);
addLogsCommand(program);
addRecordCommand(program);
addTopCommand(program);
addVersionCommand(program);
addCompletionCommand(program);
addControllerCommand(program);

/**
 * A mistyped flag or command ends with status 1, the usage of the command it was meant for, and
 * where its help is, as kubectl's do.
 */
function explainMistakes(command: Command, path: string[]): void {
  const full = [...path, command.name()].join(' ');
  command.showHelpAfterError(`Usage: ${full} ${command.usage()}\nSee '${full} --help' for usage.`);
  for (const sub of command.commands) explainMistakes(sub, [...path, command.name()]);
}
explainMistakes(program, []);

await program.parseAsync(process.argv);

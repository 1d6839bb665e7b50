#!/usr/bin/env node
// camlet: the controller and, in time, the kubectl-like client for it.
import { Command } from 'commander';
import { controllerVersion } from '../controller/version.js';
import { addControllerCommand } from './controller-command.js';

const program = new Command();
program.name('camlet').description('A network video recorder run the way Kubernetes runs pods').showHelpAfterError();
program
  .command('version')
  .description('Print the version of camlet')
  .action(() => {
    process.stdout.write(`Client Version: v${controllerVersion}\n`);
  });
addControllerCommand(program);

await program.parseAsync(process.argv);

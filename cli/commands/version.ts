import type { Command } from 'commander';
import { controllerVersion } from '../../controller/version.js';
import { CliError } from '../client/errors.js';
import { contextOf } from '../context.js';
import { toJson, toYaml } from '../format/output.js';
import { action, report } from '../run.js';

interface VersionFlags {
  client?: boolean;
  output?: string;
}

function clientInfo(): Record<string, string> {
  const [major = '0', minor = '0'] = controllerVersion.split('.');
  return { major, minor, gitVersion: `v${controllerVersion}`, nodeVersion: process.version, platform: `${process.platform}/${process.arch}` };
}

export function addVersionCommand(program: Command): void {
  program
    .command('version')
    .description('Print the client and server versions')
    .option('--client', 'the client version only (no request to the server)')
    .option('-o, --output <format>', 'json or yaml')
    .action(
      action(async (flags: VersionFlags, command: Command) => {
        if (flags.output !== undefined && flags.output !== 'json' && flags.output !== 'yaml') {
          throw new CliError(`--output must be 'yaml' or 'json'`);
        }
        const client = clientInfo();
        let server: { gitVersion: string } | undefined;
        if (!flags.client) {
          try {
            server = await contextOf(command).client.get<{ gitVersion: string }>('/version');
          } catch (error) {
            // As kubectl: the client's version is printed all the same, then the error.
            if (flags.output === undefined) process.stdout.write(`Client Version: ${client.gitVersion}\n`);
            return report(error);
          }
        }
        if (flags.output !== undefined) {
          const value = { clientVersion: client, ...(server ? { serverVersion: server } : {}) };
          process.stdout.write(flags.output === 'json' ? toJson(value) : toYaml(value));
        } else {
          process.stdout.write(`Client Version: ${client.gitVersion}\n${server ? `Server Version: ${server.gitVersion}\n` : ''}`);
        }
        return 0;
      }),
    );
}

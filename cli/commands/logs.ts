import type { Command } from 'commander';
import { CliError } from '../client/errors.js';
import { contextOf, type CliContext } from '../context.js';
import { DurationError, parseDuration } from '../../lib/duration.js';
import { prettyLogLine } from '../format/log-line.js';
import { API, cameraName } from '../resources.js';
import { action } from '../run.js';

interface LogsFlags {
  follow?: boolean;
  tail?: string;
  since?: string;
  sinceTime?: string;
  output?: string;
}

function parameters(flags: LogsFlags): URLSearchParams {
  const query = new URLSearchParams();
  if (flags.follow) query.set('follow', 'true');
  const tail = Number(flags.tail ?? -1);
  if (!Number.isInteger(tail) || tail < -1) throw new CliError(`--tail must be a whole number of lines (-1 for all), not ${JSON.stringify(flags.tail)}`);
  if (tail >= 0) query.set('tailLines', String(tail));
  if (flags.since !== undefined && flags.sinceTime !== undefined) throw new CliError('at most one of --since or --since-time may be given');
  if (flags.since !== undefined) {
    try {
      query.set('sinceSeconds', String(Math.max(1, Math.ceil(parseDuration(flags.since) / 1000))));
    } catch (error) {
      if (error instanceof DurationError) throw new CliError(`--since: ${error.message}`);
      throw error;
    }
  }
  if (flags.sinceTime !== undefined) {
    if (Number.isNaN(Date.parse(flags.sinceTime))) throw new CliError(`--since-time must be an RFC 3339 time such as 2024-05-01T10:00:00Z, not ${JSON.stringify(flags.sinceTime)}`);
    query.set('sinceTime', flags.sinceTime);
  }
  return query;
}

async function logs(ctx: CliContext, target: string, flags: LogsFlags): Promise<void> {
  if (flags.output !== undefined && flags.output !== 'json') throw new CliError(`unable to match a printer suitable for the output format "${flags.output}", allowed formats are: json`);
  const query = parameters(flags).toString();
  const path = `${API}/cameras/${encodeURIComponent(cameraName(target))}/log${query ? `?${query}` : ''}`;
  const show = (line: string) => (flags.output === 'json' ? line : prettyLogLine(line));
  if (!flags.follow) {
    const text = await ctx.client.text(path);
    ctx.out(
      text
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => `${show(line)}\n`)
        .join(''),
    );
    return;
  }
  for await (const line of ctx.client.lines(path)) if (line !== '') ctx.out(`${show(line)}\n`);
}

export function addLogsCommand(program: Command): void {
  program
    .command('logs')
    .description("Print a camera's worker log (the controller keeps the last 10,000 lines of each)")
    .argument('<camera>', 'the camera: NAME or camera/NAME')
    .option('-f, --follow', 'keep printing new lines as they come')
    .option('--tail <lines>', 'the last N lines only (-1: all)', '-1')
    .option('--since <duration>', 'lines of the last 10s, 5m, 1h... only')
    .option('--since-time <time>', 'lines since an RFC 3339 time only')
    .option('-o, --output <format>', 'json: the lines as the worker wrote them (one JSON object each)')
    .addHelpText('after', '\nExamples:\n  camlet logs front-door --tail 20\n  camlet logs front-door -f --since 10m\n  camlet logs front-door -o json | jq .msg')
    .action(action(async (target: string, flags: LogsFlags, command: Command) => logs(contextOf(command), target, flags)));
}

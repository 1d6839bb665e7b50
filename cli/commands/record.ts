// `camlet record NAME [--seconds N] | --stop`, and `camlet record --all` (the panic button): a
// manual recording through the controller's API (POST cameras/NAME/record, POST record).
import type { Command } from 'commander';
import { CliError } from '../client/errors.js';
import { contextOf, type CliContext } from '../context.js';
import { API, cameraName, QUALIFIED } from '../resources.js';
import { action } from '../run.js';

interface RecordFlags {
  seconds?: string;
  stop?: boolean;
  all?: boolean;
}

interface ManualRecordingList {
  accepted: string[];
  rejected: { camera: string; message: string }[];
}

function requestBody(flags: RecordFlags): string {
  if (flags.stop) {
    if (flags.seconds !== undefined) throw new CliError('--seconds cannot be given with --stop');
    return JSON.stringify({ stop: true });
  }
  if (flags.seconds === undefined) return '{}';
  // Sent as typed when it is a number: the controller says what range it takes.
  const seconds = Number(flags.seconds);
  if (flags.seconds.trim() === '' || !Number.isFinite(seconds)) throw new CliError(`--seconds must be a number of seconds, not ${JSON.stringify(flags.seconds)}`);
  return JSON.stringify({ seconds });
}

/** `camera.camlet.dev/door recording (manual, 60s)`, or `... recording stopped`. */
function line(name: string, answer: { action: string; seconds?: number }): string {
  return `${QUALIFIED.cameras}/${name} ${answer.action === 'stop' ? 'recording stopped' : `recording (manual, ${answer.seconds}s)`}\n`;
}

async function record(ctx: CliContext, target: string | undefined, flags: RecordFlags): Promise<number> {
  const body = requestBody(flags);
  const post = <T>(path: string) => ctx.client.json<T>('POST', path, { body, contentType: 'application/json' });
  if (flags.all) {
    if (target !== undefined) throw new CliError('name cannot be provided when --all is specified');
    const { body: answer } = await post<ManualRecordingList & { action: string; seconds?: number }>(`${API}/record`);
    for (const name of answer.accepted) ctx.out(line(name, answer));
    for (const { message } of answer.rejected) process.stderr.write(`error: ${message}\n`);
    return answer.rejected.length > 0 ? 1 : 0;
  }
  if (target === undefined) throw new CliError('you must specify a camera to record, or --all for every camera');
  const name = cameraName(target);
  const { body: answer } = await post<{ action: string; seconds?: number }>(`${API}/cameras/${encodeURIComponent(name)}/record`);
  ctx.out(line(name, answer));
  return 0;
}

export function addRecordCommand(program: Command): void {
  program
    .command('record')
    .description("Record a camera now (trigger manual), whatever its recording mode: for --seconds (default 300, at most 3600) or until --stop; --all records every running camera (the panic button)")
    .argument('[camera]', 'the camera, NAME or camera/NAME')
    .option('--seconds <n>', 'record for this many seconds from now (a recording going on is extended)')
    .option('--stop', 'stop the manual recording now')
    .option('--all', 'every camera whose worker runs')
    .addHelpText('after', '\nExamples:\n  camlet record front-door --seconds 60\n  camlet record front-door --stop\n  camlet record --all')
    .action(action(async (camera: string | undefined, flags: RecordFlags, command: Command) => record(contextOf(command), camera, flags)));
}

import type { Command } from 'commander';
import type { EventObject } from '../../controller/events/event-recorder.js';
import type { CameraObject } from '../../controller/store/camera-store.js';
import { contextOf, type CliContext } from '../context.js';
import { describeCamera } from '../format/describe-camera.js';
import { byLastSeen } from '../format/event-table.js';
import { API, parseTargets } from '../resources.js';
import { action, report } from '../run.js';
import { checkedSelector } from './get.js';

interface DescribeFlags {
  selector?: string;
}

async function describe(ctx: CliContext, args: string[], flags: DescribeFlags): Promise<number> {
  const { names } = parseTargets(args, 'describe', ['cameras']);
  const selector = checkedSelector(flags.selector);
  let targets = names;
  if (targets.length === 0) {
    const path = `${API}/cameras${selector !== undefined ? `?labelSelector=${encodeURIComponent(selector)}` : ''}`;
    targets = (await ctx.client.get<{ items: CameraObject[] }>(path)).items.map((camera) => camera.metadata.name);
    if (targets.length === 0) process.stderr.write('No resources found\n');
  }
  let status = 0;
  let first = true;
  for (const name of targets) {
    try {
      const camera = await ctx.client.get<CameraObject>(`${API}/cameras/${encodeURIComponent(name)}`);
      const fieldSelector = encodeURIComponent(`involvedObject.kind=Camera,involvedObject.name=${name}`);
      const events = (await ctx.client.get<{ items: EventObject[] }>(`${API}/events?fieldSelector=${fieldSelector}`)).items.sort(byLastSeen);
      // As kubectl: descriptions of several objects are set apart by blank lines.
      ctx.out(`${first ? '' : '\n\n'}${describeCamera(camera, events, ctx.now())}`);
      first = false;
    } catch (error) {
      status = report(error);
    }
  }
  return status;
}

export function addDescribeCommand(program: Command): void {
  program
    .command('describe')
    .description('Show details of cameras: spec, status, conditions, the current recording and recent events')
    .argument('[resources...]', 'camera (cameras, cam) and names, or camera/NAME; all cameras when no name is given')
    .option('-l, --selector <selector>', 'describe the cameras with these labels')
    .addHelpText('after', '\nExamples:\n  camlet describe camera front-door\n  camlet describe cam -l site=home')
    .action(action(async (args: string[], flags: DescribeFlags, command: Command) => describe(contextOf(command), args, flags)));
}

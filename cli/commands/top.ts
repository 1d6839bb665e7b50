import type { Command } from 'commander';
import type { CameraObject } from '../../controller/store/camera-store.js';
import { CliError } from '../client/errors.js';
import { contextOf, type CliContext } from '../context.js';
import { parsePrometheusText, type Sample } from '../format/prometheus-text.js';
import { Table } from '../format/table.js';
import { API, parseTargets } from '../resources.js';
import { action } from '../run.js';
import { checkedSelector } from './get.js';

interface TopFlags {
  selector?: string;
  sortBy?: string;
  headers?: boolean;
}

/** CPU is a rate: the worker's CPU seconds are read twice, this far apart. */
const SAMPLE_MS = 1000;

interface Usage {
  name: string;
  cpuSeconds: number;
  memoryBytes: number;
  fps: Record<string, number>;
  motionFps?: number;
}

function usages(samples: Sample[]): Map<string, Usage> {
  const byCamera = new Map<string, Usage>();
  const of = (camera: string) => {
    let usage = byCamera.get(camera);
    if (!usage) {
      usage = { name: camera, cpuSeconds: Number.NaN, memoryBytes: Number.NaN, fps: {} };
      byCamera.set(camera, usage);
    }
    return usage;
  };
  for (const { name, labels, value } of samples) {
    const camera = labels.camera;
    if (camera === undefined) continue;
    if (name === 'camlet_worker_cpu_seconds_total') of(camera).cpuSeconds = value;
    else if (name === 'camlet_worker_resident_memory_bytes') of(camera).memoryBytes = value;
    else if (name === 'camlet_camera_stream_fps' && labels.stream !== undefined) of(camera).fps[labels.stream] = value;
    else if (name === 'camlet_motion_analysed_fps') of(camera).motionFps = value;
  }
  return byCamera;
}

/** kubectl top's units: CPU in millicores (15m), memory in mebibytes (42Mi). */
function millicores(cores: number): string {
  return `${Math.max(0, Math.round(cores * 1000))}m`;
}

function mebibytes(bytes: number): string {
  return `${Math.round(bytes / 1024 / 1024)}Mi`;
}

function fps(value: number | undefined): string {
  return value === undefined ? '-' : String(Math.round(value * 10) / 10);
}

async function top(ctx: CliContext, args: string[], flags: TopFlags): Promise<number> {
  const { names } = parseTargets(args, 'top', ['cameras']);
  const selector = checkedSelector(flags.selector);
  if (flags.sortBy !== undefined && flags.sortBy !== 'cpu' && flags.sortBy !== 'memory') throw new CliError(`--sort-by must be cpu or memory, not ${JSON.stringify(flags.sortBy)}`);
  const listPath = `${API}/cameras${selector !== undefined ? `?labelSelector=${encodeURIComponent(selector)}` : ''}`;
  const cameras = (await ctx.client.get<{ items: CameraObject[] }>(listPath)).items.map((camera) => camera.metadata.name);
  for (const name of names) if (!cameras.includes(name)) throw new CliError(`cameras.camlet.dev "${name}" not found`);
  const wanted = new Set(names.length > 0 ? names : cameras);

  const first = usages(parsePrometheusText(await ctx.client.text('/metrics')));
  const firstAt = performance.now();
  await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
  const second = usages(parsePrometheusText(await ctx.client.text('/metrics')));
  const seconds = (performance.now() - firstAt) / 1000;

  const rows: { usage: Usage; cores: number }[] = [];
  for (const usage of second.values()) {
    if (!wanted.has(usage.name) || Number.isNaN(usage.cpuSeconds)) continue;
    const before = first.get(usage.name)?.cpuSeconds;
    // A worker restarted between the two readings starts its CPU count again: no rate this time.
    const cores = before !== undefined && !Number.isNaN(before) && usage.cpuSeconds >= before ? (usage.cpuSeconds - before) / seconds : Number.NaN;
    rows.push({ usage, cores });
  }
  if (rows.length === 0) {
    const which = names.length === 1 ? `camera "${names[0]}"` : 'any camera';
    throw new CliError(`metrics not available yet for ${which}: no worker is running`);
  }
  if (flags.sortBy === 'cpu') rows.sort((a, b) => (b.cores || 0) - (a.cores || 0));
  if (flags.sortBy === 'memory') rows.sort((a, b) => (b.usage.memoryBytes || 0) - (a.usage.memoryBytes || 0));
  const table = new Table(['NAME', 'CPU(cores)', 'MEMORY(bytes)', 'MAIN(fps)', 'SUB(fps)', 'MOTION(fps)'], flags.headers === false);
  ctx.out(
    table.render(
      rows.map(({ usage, cores }) => [
        usage.name,
        Number.isNaN(cores) ? '<unknown>' : millicores(cores),
        Number.isNaN(usage.memoryBytes) ? '<unknown>' : mebibytes(usage.memoryBytes),
        fps(usage.fps.main),
        fps(usage.fps.sub),
        fps(usage.motionFps),
      ]),
    ),
  );
  return 0;
}

export function addTopCommand(program: Command): void {
  program
    .command('top')
    .description("Show each camera's worker CPU (its ffmpeg included, measured over a second), memory and frame rates")
    .argument('[resources...]', 'cameras (camera, cam) and names, or camera/NAME')
    .option('-l, --selector <selector>', 'the cameras with these labels only')
    .option('--sort-by <field>', 'cpu or memory')
    .option('--no-headers', "don't print the header line")
    .addHelpText('after', '\nExamples:\n  camlet top cameras\n  camlet top cameras --sort-by cpu')
    .action(action(async (args: string[], flags: TopFlags, command: Command) => top(contextOf(command), args, flags)));
}

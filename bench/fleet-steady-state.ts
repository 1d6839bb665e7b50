// Part of `npm run bench:controller`, run in a process of its own so that its peak memory is the
// controller's alone: the manifests folder the parent wrote (argv[2]), the FAKE no-op runtime,
// time until every camera is Running. Prints one JSON line.
import { dirname } from 'node:path';
import { loadConfig } from '../controller/config/load-config.js';
import { Controller } from '../controller/controller.js';
import { FakeNoopRuntime } from './fake-noop-runtime.js';

const [manifests, storage] = process.argv.slice(2);
if (manifests === undefined || storage === undefined) throw new Error('usage: fleet-steady-state MANIFESTS_FOLDER STORAGE_FOLDER');
const config = loadConfig({ flags: { manifests, storage, listen: '127.0.0.1:0', logLevel: 'warn' }, workingDirectory: dirname(manifests) });
const started = performance.now();
const controller = await Controller.start({ config, runtime: new FakeNoopRuntime() });
const loaded = performance.now();
let total = 0;
let running = 0;
for (;;) {
  const health = (await (await fetch(`http://${controller.api.address}/health`)).json()) as { cameras: { total: number; ready: number } };
  total = health.cameras.total;
  running = health.cameras.ready;
  if (total > 0 && running === total) break;
  if (performance.now() - started > 120_000) break;
  await new Promise((resolve) => setTimeout(resolve, 100));
}
const steady = performance.now();
const peakRssBytes = process.resourceUsage().maxRSS * 1024;
await controller.stop();
process.stdout.write(
  `${JSON.stringify({ cameras: total, running, loadSeconds: (loaded - started) / 1000, steadySeconds: (steady - started) / 1000, peakRssBytes })}\n`,
);
process.exit(0);

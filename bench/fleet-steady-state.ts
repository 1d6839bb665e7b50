// Part of `npm run bench:controller`, run in a process of its own so that its peak memory is the
// controller's: N manifest files, the FAKE no-op runtime, time until every camera is Running.
// Prints one JSON line.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../controller/config/load-config.js';
import { Controller } from '../controller/controller.js';
import { FakeNoopRuntime } from './fake-noop-runtime.js';

const count = Number(process.argv[2] ?? 10_000);
const root = await mkdtemp(join(tmpdir(), 'camlet-bench-fleet-'));
const manifests = join(root, 'manifests');
await mkdir(manifests);
for (let i = 0; i < count; i++) {
  const name = `cam-${String(i).padStart(5, '0')}`;
  await writeFile(
    join(manifests, `${name}.yaml`),
    `apiVersion: camlet.dev/v1\nkind: Camera\nmetadata:\n  name: ${name}\n  labels: { site: s${i % 50} }\nspec:\n  streams:\n    main: { url: "rtsp://10.1.${(i >> 8) & 255}.${i & 255}:554/main" }\n    sub: { url: "rtsp://10.1.${(i >> 8) & 255}.${i & 255}:554/sub" }\n`,
  );
}

const config = loadConfig({ flags: { manifests, storage: join(root, 'data'), listen: '127.0.0.1:0', logLevel: 'warn' }, workingDirectory: root });
const started = performance.now();
const controller = await Controller.start({ config, runtime: new FakeNoopRuntime() });
const loaded = performance.now();
let running = 0;
for (;;) {
  const health = (await (await fetch(`http://${controller.api.address}/health`)).json()) as { cameras: { total: number; ready: number } };
  running = health.cameras.ready;
  if (health.cameras.total === count && running === count) break;
  if (performance.now() - started > 120_000) break;
  await new Promise((resolve) => setTimeout(resolve, 100));
}
const steady = performance.now();
const peakRssBytes = process.resourceUsage().maxRSS * 1024;
await controller.stop();
await rm(root, { recursive: true, force: true });
process.stdout.write(
  `${JSON.stringify({ cameras: count, running, loadSeconds: (loaded - started) / 1000, steadySeconds: (steady - started) / 1000, peakRssBytes })}\n`,
);
process.exit(0);

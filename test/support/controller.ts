// Runs the built controller (`dist/cli/camlet.js controller`) as a user would, on temporary
// folders and a port the kernel picks, for end-to-end tests. Requires `npm run build` (make test
// builds first).
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { exited, spawnTiedToParent, stopGracefully } from '../../lib/child-process.js';
import { projectPath } from '../../lib/project-root.js';
import type { CameraObject } from '../../controller/store/camera-store.js';
import type { EventObject } from '../../controller/events/event-recorder.js';
import { waitUntil } from './processes.js';

export interface ControllerUnderTest {
  url: string;
  pid: number;
  process: ChildProcess;
  manifests: string;
  storage: string;
  /** Every line the controller printed (stdout and stderr), in order. */
  output: string[];
  get<T = unknown>(path: string): Promise<{ status: number; body: T; text: string }>;
  camera(name: string): Promise<CameraObject | undefined>;
  events(name: string): Promise<EventObject[]>;
  /** Waits until the camera satisfies `test`, polling the API; returns that version. */
  waitForCamera(name: string, test: (camera: CameraObject) => boolean, what: string, timeoutMs?: number): Promise<CameraObject>;
  /** Writes a manifest atomically (temporary file, then rename), as editors and `camlet apply` do. */
  writeManifest(file: string, text: string): Promise<void>;
  stop(): Promise<number | null>;
}

const running = new Set<ControllerUnderTest>();

export interface ControllerOptions {
  /** Extra environment variables (CAMLET_* settings, camera passwords). */
  environment?: Record<string, string>;
  /** Manifest files to write before the controller starts. */
  manifests?: Record<string, string>;
  /** The storage folder (left in place on stop); a new one under the test's folder otherwise. */
  storage?: string;
}

export async function startController(options: ControllerOptions = {}): Promise<ControllerUnderTest> {
  const entry = projectPath('dist', 'cli', 'camlet.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` (make test builds first)`);
  const root = await mkdtemp(join(tmpdir(), 'camlet-e2e-'));
  const manifests = join(root, 'manifests');
  const storage = options.storage ?? join(root, 'data');
  await mkdir(manifests);
  for (const [file, text] of Object.entries(options.manifests ?? {})) await writeFile(join(manifests, file), text);

  const child = spawnTiedToParent(process.execPath, [entry, 'controller', '--manifests', manifests, '--storage', storage, '--listen', '127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH, CAMLET_MANIFEST_DEBOUNCE_MILLISECONDS: '50', ...options.environment },
  });
  const output: string[] = [];
  const address = new Promise<string>((resolve, reject) => {
    const onLine = (line: string) => {
      output.push(line);
      if (line.includes('"controller listening"')) resolve((JSON.parse(line) as { address: string }).address);
    };
    if (child.stdout) createInterface({ input: child.stdout }).on('line', onLine);
    if (child.stderr) createInterface({ input: child.stderr }).on('line', onLine);
    child.once('exit', (code) => reject(new Error(`the controller exited (code ${code}) before listening:\n${output.join('\n')}`)));
  });
  const url = `http://${await address}`;

  const get = async <T,>(path: string) => {
    const response = await fetch(`${url}${path}`);
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON (metrics, healthz): the text is the body
    }
    return { status: response.status, body: body as T, text };
  };
  const camera = async (name: string) => {
    const response = await get<CameraObject>(`/apis/camlet.dev/v1/cameras/${name}`);
    return response.status === 200 ? response.body : undefined;
  };
  const controller: ControllerUnderTest = {
    url,
    pid: child.pid as number,
    process: child,
    manifests,
    storage,
    output,
    get,
    camera,
    events: async (name) =>
      (await get<{ items: EventObject[] }>(`/apis/camlet.dev/v1/events?fieldSelector=involvedObject.name=${name}`)).body.items.sort((a, b) =>
        a.metadata.resourceVersion && b.metadata.resourceVersion ? Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion) : 0,
      ),
    waitForCamera: (name, test, what, timeoutMs = 10_000) =>
      waitUntil(
        async () => {
          const found = await camera(name);
          return found && test(found) ? found : undefined;
        },
        timeoutMs,
        `camera ${name}: ${what}`,
      ),
    writeManifest: async (file, text) => {
      const temporary = join(manifests, `.${file}.tmp`);
      await writeFile(temporary, text);
      await rename(temporary, join(manifests, file));
    },
    stop: async () => {
      running.delete(controller);
      await stopGracefully(child, 20_000);
      await rm(root, { recursive: true, force: true });
      return child.exitCode;
    },
  };
  running.add(controller);
  void exited(child).then(() => running.delete(controller));
  return controller;
}

/** For afterAll/afterEach: stops every controller a test left running. */
export async function stopAllControllers(): Promise<void> {
  await Promise.all([...running].map((controller) => controller.stop()));
}

/** A Camera manifest for a test camera, with fast health settings. */
export function cameraManifest(name: string, mainUrl: string, subUrl?: string, extra = ''): string {
  return `apiVersion: camlet.dev/v1
kind: Camera
metadata:
  name: ${name}
  labels: { test: e2e }
spec:
  streams:
    main: { url: "${mainUrl}" }
${subUrl ? `    sub: { url: "${subUrl}" }\n` : ''}  health: { heartbeatSeconds: 1, timeoutSeconds: 4, unhealthyRestartSeconds: 5 }
  restart: { initialBackoffSeconds: 0.5, maxBackoffSeconds: 4 }
${extra}`;
}

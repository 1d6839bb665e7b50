// The `camlet` CLI as a user runs it: the built binary (dist/cli/camlet.js) as a subprocess, against
// the built controller with its real workers and a real RTSP camera that asks for a password.
// Whole outputs are compared: tables cell by cell with kubectl's column widths (ages by pattern),
// -o json and -o yaml parsed back, -w receiving a change made while it runs, apply/diff/delete
// round trips on a hand-written, commented manifest, and every error with its exit status.
import type { ChildProcess } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { CameraObject } from '../../controller/store/camera-store.js';
import { controllerVersion } from '../../controller/version.js';
import { spawnTiedToParent, stopGracefully } from '../../lib/child-process.js';
import { projectPath } from '../../lib/project-root.js';
import { cameraManifest, startController, stopAllControllers, type ControllerUnderTest } from '../support/controller.js';
import { freePort, waitUntil } from '../support/processes.js';
import { startRtspCamera, stopAllRtspCameras, type RtspCamera } from '../support/rtsp-camera.js';

const CAMLET = projectPath('dist', 'cli', 'camlet.js');
// A made-up test password, not a credential of anything real.
const PASSWORD = 'Cli-Test-Pw-5521';
const AGE = /^(\d+s|\d+m(\d+s)?|\d+h(\d+m)?|\d+d(\d+h)?)$/;
const NUMBER = /^\d+(\.\d)?$/;

const house = (port: number) => `# Cameras of the test house: written by hand, comments and all.
apiVersion: camlet.dev/v1
kind: Camera
metadata:
  name: door                  # the front door
  labels: {site: home, order: "2"}
spec:
  streams:
    main: { url: "rtsp://viewer:\${DOOR_PASSWORD}@127.0.0.1:${port}/main" }   # password from the environment
  motion: { enabled: false }
  recording:
    mode: "off"               # nothing is recorded in this test
  health: { heartbeatSeconds: 1, timeoutSeconds: 4 }
---
# The yard, its password written out: shown as *** everywhere.
apiVersion: camlet.dev/v1
kind: Camera
metadata:
  name: yard
  labels: {site: garden, order: "1"}
spec:
  streams:
    main: { url: "rtsp://viewer:${PASSWORD}@127.0.0.1:${port}/main" }
  motion:
    enabled: false
    threshold: 25     # the default, written out
  recording: { mode: "off" }
  health: { heartbeatSeconds: 1, timeoutSeconds: 4 }
`;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let rtsp: RtspCamera;
let controller: ControllerUnderTest;
let work: string;
let HOUSE: string;
const houseFile = () => join(controller.manifests, 'house.yaml');

function environment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, CAMLET_SERVER: controller.url, ...extra };
}

/** Runs `camlet ARGS` to its end. */
function camlet(args: string[], options: { input?: string; env?: Record<string, string> } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawnTiedToParent(process.execPath, [CAMLET, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: environment(options.env) });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin?.end(options.input ?? '');
  });
}

/** A long-running `camlet ARGS` (-w, -f): its stdout lines as they come. */
interface Running {
  lines: string[];
  waitFor(test: (line: string) => boolean, what: string, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

function start(args: string[]): Running {
  const child: ChildProcess = spawnTiedToParent(process.execPath, [CAMLET, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: environment() });
  const lines: string[] = [];
  let stderr = '';
  if (child.stdout) createInterface({ input: child.stdout }).on('line', (line) => lines.push(line));
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  let seen = 0;
  return {
    lines,
    waitFor: async (test, what, timeoutMs = 10_000) => {
      const line = await waitUntil(
        () => {
          const index = lines.findIndex((l, i) => i >= seen && test(l));
          if (index === -1) return undefined;
          seen = index + 1;
          return lines[index];
        },
        timeoutMs,
        `camlet ${args.join(' ')} to print ${what}; printed so far:\n${lines.join('\n')}\nstderr: ${stderr}`,
      );
      return line;
    },
    stop: () => stopGracefully(child, 2000),
  };
}

/**
 * Checks a table as kubectl prints it: each column as wide as its widest cell plus three spaces
 * (at least six), the last unpadded; then every cell against what is expected.
 */
function expectTable(text: string, expected: (string | RegExp)[][]): void {
  expect(text.endsWith('\n')).toBe(true);
  const lines = text.slice(0, -1).split('\n');
  // Cells are separated by at least three spaces, and hold no three in a row themselves.
  const rows = lines.map((line) => line.split(/ {3,}/));
  expect(rows.map((row) => row.length)).toEqual(expected.map((row) => row.length));
  const columns = expected[0]?.length ?? 0;
  const widths = Array.from({ length: columns - 1 }, (_, i) => Math.max(6, ...rows.map((row) => (row[i] ?? '').length + 3)));
  const aligned = rows.map((row) => row.map((cell, i) => (i < columns - 1 ? cell.padEnd(widths[i] as number) : cell)).join(''));
  expect(lines).toEqual(aligned);
  rows.forEach((row, r) =>
    row.forEach((cell, c) => {
      const want = expected[r]?.[c];
      if (want instanceof RegExp) expect(cell, `row ${r} column ${c}`).toMatch(want);
      else expect(cell, `row ${r} column ${c}`).toBe(want);
    }),
  );
}

/** A `describe` table: a header, dashes under it, rows; columns as wide as their widest cell plus two. */
function expectDescribeTable(lines: string[], header: string[], dashes: string[]): void {
  const rows = lines.map((line) => line.slice(2).split(/ {2,}/));
  expect(lines.every((line) => line.startsWith('  '))).toBe(true);
  expect(rows[0]).toEqual(header);
  expect(rows[1]).toEqual(dashes);
  const widths = header.slice(0, -1).map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length + 2)));
  expect(lines).toEqual(rows.map((row) => `  ${row.map((cell, i) => (i < widths.length ? cell.padEnd(widths[i] as number) : cell)).join('')}`));
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'camlet-cli-e2e-'));
  rtsp = await startRtspCamera({ user: 'viewer', password: PASSWORD });
  HOUSE = house(rtsp.port);
  controller = await startController({ environment: { DOOR_PASSWORD: PASSWORD }, manifests: { 'house.yaml': HOUSE } });
  for (const name of ['door', 'yard']) await controller.waitForCamera(name, (c) => c.status.phase === 'Running', 'Running', 20_000);
}, 60_000);
afterAll(async () => {
  await stopAllControllers();
  await stopAllRtspCameras();
  await rm(work, { recursive: true, force: true });
});

describe('camlet against a running controller', () => {
  it('prints the client and server versions', async () => {
    expect(await camlet(['version'])).toEqual({ code: 0, stdout: `Client Version: v${controllerVersion}\nServer Version: v${controllerVersion}\n`, stderr: '' });
    const json = JSON.parse((await camlet(['version', '-o', 'json'])).stdout) as { clientVersion: { gitVersion: string }; serverVersion: { gitVersion: string } };
    expect([json.clientVersion.gitVersion, json.serverVersion.gitVersion]).toEqual([`v${controllerVersion}`, `v${controllerVersion}`]);
  });

  it('lists cameras in a table with the CRD printer columns', async () => {
    const run = await camlet(['get', 'cameras']);
    expect([run.code, run.stderr]).toEqual([0, '']);
    expectTable(run.stdout, [
      ['NAME', 'PHASE', 'READY', 'RESTARTS', 'FPS', 'RECORDING', 'AGE'],
      ['door', 'Running', 'True', '0', NUMBER, 'False', AGE],
      ['yard', 'Running', 'True', '0', NUMBER, 'False', AGE],
    ]);
    // camera and cam are the same; --no-headers drops the header; --sort-by orders rows.
    expect((await camlet(['get', 'cam', '--no-headers'])).stdout.split('\n')[0]).toMatch(/^door {3,}Running/);
    const sorted = await camlet(['get', 'camera', '--sort-by', '{.metadata.labels.order}', '--no-headers']);
    expect(sorted.stdout.split('\n').map((line) => line.split(' ')[0])).toEqual(['yard', 'door', '']);
  });

  it('shows stream URLs with -o wide, the passwords redacted', async () => {
    const run = await camlet(['get', 'cameras', '-o', 'wide']);
    const url = `rtsp://viewer:***@127.0.0.1:${rtsp.port}/main`;
    expectTable(run.stdout, [
      ['NAME', 'PHASE', 'READY', 'RESTARTS', 'FPS', 'RECORDING', 'AGE', 'MAIN', 'HEARTBEAT', 'RUNTIME'],
      ['door', 'Running', 'True', '0', NUMBER, 'False', AGE, url, AGE, 'process'],
      ['yard', 'Running', 'True', '0', NUMBER, 'False', AGE, url, AGE, 'process'],
    ]);
    expect(run.stdout).not.toContain(PASSWORD);
  });

  it('filters by label and prints -o name and jsonpath', async () => {
    expect(await camlet(['get', 'cameras', '-l', 'site=home', '-o', 'name'])).toEqual({ code: 0, stdout: 'camera.camlet.dev/door\n', stderr: '' });
    expect((await camlet(['get', 'cameras', '-l', 'site in (home,garden),order!=9', '-o', 'jsonpath={.items[*].metadata.name}'])).stdout).toBe('door yard');
    const none = await camlet(['get', 'cameras', '-l', 'site=moon']);
    expect(none).toEqual({ code: 0, stdout: '', stderr: 'No resources found\n' });
    const bad = await camlet(['get', 'cameras', '-l', 'site in (home']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(`error: unable to parse label selector "site in (home": unable to parse requirement: found end of string, expected: ',' or ')' at position 14\n`);
  });

  it('prints -o json and -o yaml that parse back into what the API serves', async () => {
    const api = (await controller.get<{ items: CameraObject[] }>('/apis/camlet.dev/v1/cameras')).body;
    const list = JSON.parse((await camlet(['get', 'cameras', '-o', 'json'])).stdout) as { kind: string; apiVersion: string; items: CameraObject[] };
    expect([list.kind, list.apiVersion]).toEqual(['List', 'v1']);
    expect(list.items.map((c) => [c.metadata.name, c.metadata.uid, c.spec])).toEqual(api.items.map((c) => [c.metadata.name, c.metadata.uid, c.spec]));
    const one = parse((await camlet(['get', 'camera', 'door', '-o', 'yaml'])).stdout) as CameraObject;
    expect(one.kind).toBe('Camera');
    expect([one.metadata.uid, one.spec]).toEqual([api.items[0]?.metadata.uid, api.items[0]?.spec]);
    expect(one.spec?.streams.main.url).toBe(`rtsp://viewer:***@127.0.0.1:${rtsp.port}/main`);
  });

  it("lists a camera's events", async () => {
    const run = await camlet(['get', 'events', '--for', 'camera/door']);
    const lines = run.stdout.trimEnd().split('\n');
    expectTable(
      run.stdout,
      lines.map((line, i) => (i === 0 ? ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'] : [AGE, /^(Normal|Warning)$/, /^\w+$/, 'camera/door', /./])),
    );
    expect(lines.slice(1).map((line) => line.split(/ {3,}/)[2])).toEqual(expect.arrayContaining(['Starting', 'Started']));
  });

  it('describes a camera as kubectl describes a pod, events at the bottom', async () => {
    const run = await camlet(['describe', 'camera', 'door']);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    const url = `rtsp://viewer:***@127.0.0.1:${rtsp.port}/main`;
    const top = [
      /^Name: {16}door$/,
      /^Labels: {14}order=2$/,
      /^ {21}site=home$/,
      /^Annotations: {9}<none>$/,
      /^API Version: {9}camlet\.dev\/v1$/,
      /^Kind: {16}Camera$/,
      /^Creation Timestamp: {2}\S+Z \(\S+ ago\)$/,
      /^Generation: {10}1$/,
      /^Spec:$/,
      /^ {2}Enabled: {6}true$/,
      new RegExp(`^ {2}Main Stream: {2}${url.replace(/[.*?/]/g, '\\$&')} \\(tcp\\)$`),
      /^ {2}Sub Stream: {3}<none> \(the main stream is analysed\)$/,
      /^ {2}Motion: {7}off$/,
      /^ {2}Recording: {4}off, kept 14d or up to 50Gi$/,
      /^ {2}Health: {7}heartbeat every 1s, unhealthy after 4s, restarted after 30s more$/,
      /^ {2}Restart: {6}backoff 1s to 60s, no limit, reset after 120s$/,
      /^Status:$/,
      /^ {2}Phase: {16}Running$/,
    ];
    top.forEach((pattern, i) => expect(lines[i], `line ${i + 1}`).toMatch(pattern));

    // The conditions and the events: tables whose columns are as wide as their widest cell plus two.
    const section = (title: string, next: string) => lines.slice(lines.indexOf(title) + 1, next === '' ? lines.length - 1 : lines.indexOf(next));
    const conditions = section('Conditions:', 'Events:');
    // Go's tabwriter aligns `Recording:\t<none>` with the table just above it, as kubectl would.
    expect(conditions.pop()).toMatch(/^Recording: +<none>$/);
    expectDescribeTable(conditions, ['Type', 'Status', 'Reason', 'Last Transition', 'Message'], ['----', '------', '------', '---------------', '-------']);
    expect(conditions.slice(2).map((line) => line.trim().split(/ {2,}/).slice(0, 3))).toEqual([
      ['ManifestValid', 'True', 'Valid'],
      ['Ready', 'True', 'Running'],
      ['StreamConnected', 'True', 'Connected'],
      ['Recording', 'False', 'RecordingOff'],
    ]);
    const events = section('Events:', '');
    // kubectl's dashes, four under Age.
    expectDescribeTable(events, ['Type', 'Reason', 'Age', 'From', 'Message'], ['----', '------', '----', '----', '-------']);
    expect(events.length).toBeGreaterThanOrEqual(5);
    for (const event of events.slice(2)) expect(event).toMatch(/^ {2}(Normal|Warning) +\w+ +\S+( \(x\d+ over \S+\))? +camlet-controller {2}\S/);
    expect(events.slice(2).map((line) => line.trim().split(/ {2,}/)[1])).toEqual(expect.arrayContaining(['Starting', 'Started']));
    expect(run.stdout).not.toContain(PASSWORD);
  });

  it("prints a worker's log lines, pretty or as JSON", async () => {
    const pretty = await camlet(['logs', 'door', '--tail', '2']);
    expect(pretty.code).toBe(0);
    const lines = pretty.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (INFO |WARN |ERROR|DEBUG) \S/);
    const json = (await camlet(['logs', 'camera/door', '-o', 'json', '--since', '10m'])).stdout.trimEnd().split('\n');
    const records = json.map((line) => JSON.parse(line) as { camera: string; msg: string });
    expect(records.every((record) => record.camera === 'door')).toBe(true);
    expect(records.map((record) => record.msg)).toContain('worker started');
    expect(pretty.stdout + json.join('\n')).not.toContain(PASSWORD);
  });

  it("shows each camera's CPU, memory and frame rates", async () => {
    const run = await camlet(['top', 'cameras']);
    expect(run.code).toBe(0);
    expectTable(run.stdout, [
      ['NAME', 'CPU(cores)', 'MEMORY(bytes)', 'MAIN(fps)', 'SUB(fps)', 'MOTION(fps)'],
      ['door', /^\d+m$/, /^\d+Mi$/, NUMBER, '-', /^(-|\d+(\.\d)?)$/],
      ['yard', /^\d+m$/, /^\d+Mi$/, NUMBER, '-', /^(-|\d+(\.\d)?)$/],
    ]);
  });
});

describe('apply, diff and delete through the controller', () => {
  it('diffs, applies a change in place (watchers see it), then finds nothing to change', async () => {
    // What a user does: take the live object, change one value, apply it.
    const live = (await camlet(['get', 'camera', 'yard', '-o', 'yaml'])).stdout;
    const changed = join(work, 'yard.yaml');
    await writeFile(changed, live.replace('threshold: 25', 'threshold: 30').replace('order: "1"', 'order: "3"'));

    const diff = await camlet(['diff', '-f', changed]);
    expect(diff.code).toBe(1);
    const header = 'diff -u -N LIVE/camlet.dev.v1.Camera.yard MERGED/camlet.dev.v1.Camera.yard\n--- LIVE/camlet.dev.v1.Camera.yard\n+++ MERGED/camlet.dev.v1.Camera.yard\n';
    expect(diff.stdout.startsWith(header)).toBe(true);
    expect(diff.stdout.split('\n').filter((line) => /^[-+](?![-+])/.test(line))).toEqual([
      '-  generation: 1',
      '+  generation: 2',
      '-    order: "1"',
      '+    order: "3"',
      '-    threshold: 25',
      '+    threshold: 30',
    ]);

    const cameras = start(['get', 'cameras', '-w']);
    const events = start(['get', 'events', '-w', '--watch-only', '--for', 'camera/yard']);
    const logs = start(['logs', 'yard', '-f', '--tail', '0']);
    await cameras.waitFor((line) => line.startsWith('yard '), 'the listed yard row');

    expect(await camlet(['apply', '-f', changed])).toEqual({ code: 0, stdout: 'camera.camlet.dev/yard configured\n', stderr: '' });
    // The hand-written file: the same bytes but for the two values changed.
    expect(await readFile(houseFile(), 'utf8')).toBe(HOUSE.replace('threshold: 25     #', 'threshold: 30     #').replace('{site: garden, order: "1"}', '{site: garden, order: "3"}'));
    // Read-your-writes: the next command sees the new generation.
    expect((await camlet(['get', 'cam', 'yard', '-o', 'jsonpath={.metadata.generation} {.spec.motion.threshold}'])).stdout).toBe('2 30');

    await cameras.waitFor((line) => /^yard {3,}Running/.test(line), 'a row for the change');
    await events.waitFor((line) => /^\S+ {3,}Normal {3,}Updated {3,}camera\/yard {3,}applied without restart/.test(line), 'the Updated event');
    const updated = await logs.waitFor((line) => line.includes('settings updated'), 'the worker logging its new settings');
    expect(updated).toMatch(/^\S+Z INFO {2}settings updated /);
    await Promise.all([cameras.stop(), events.stop(), logs.stop()]);

    expect(await camlet(['apply', '-f', changed])).toEqual({ code: 0, stdout: 'camera.camlet.dev/yard unchanged\n', stderr: '' });
    expect(await camlet(['diff', '-f', changed])).toEqual({ code: 0, stdout: '', stderr: '' });
    // The redacted password of `get -o yaml`, applied back through stdin, leaves the file alone.
    const door = (await camlet(['get', 'cam', 'door', '-o', 'yaml'])).stdout;
    expect(await camlet(['apply', '-f', '-'], { input: door })).toEqual({ code: 0, stdout: 'camera.camlet.dev/door unchanged\n', stderr: '' });
    expect(await readFile(houseFile(), 'utf8')).toContain('${DOOR_PASSWORD}');
  });

  it('creates a camera in a file of its own, as written, and deletes it with -f', async () => {
    const garage = `# The garage: added with camlet apply.
apiVersion: camlet.dev/v1
kind: Camera
metadata:
  name: garage   # a new one
spec:
  streams:
    main: {url: "rtsp://viewer:\${DOOR_PASSWORD}@127.0.0.1:${rtsp.port}/main"}
  motion: {enabled: false}
  recording: {mode: "off"}
`;
    const file = join(work, 'garage.yaml');
    await writeFile(file, garage);
    expect(await camlet(['apply', '-f', file, '--dry-run=server'])).toEqual({ code: 0, stdout: 'camera.camlet.dev/garage created (server dry run)\n', stderr: '' });
    expect(await camlet(['apply', '-f', file, '--dry-run=client'])).toEqual({ code: 0, stdout: 'camera.camlet.dev/garage created (dry run)\n', stderr: '' });
    expect(await readdir(controller.manifests)).toEqual(['house.yaml']);

    expect(await camlet(['apply', '-f', file])).toEqual({ code: 0, stdout: 'camera.camlet.dev/garage created\n', stderr: '' });
    expect(await readFile(join(controller.manifests, 'garage.yaml'), 'utf8')).toBe(garage);
    expect((await camlet(['get', 'cameras', '-o', 'name'])).stdout).toBe('camera.camlet.dev/door\ncamera.camlet.dev/garage\ncamera.camlet.dev/yard\n');
    await controller.waitForCamera('garage', (c) => c.status.phase === 'Running', 'Running', 20_000);

    expect(await camlet(['delete', '-f', file, '--dry-run=server'])).toEqual({ code: 0, stdout: 'camera.camlet.dev "garage" deleted (server dry run)\n', stderr: '' });
    expect(await camlet(['delete', '-f', file])).toEqual({ code: 0, stdout: 'camera.camlet.dev "garage" deleted\n', stderr: '' });
    expect(await readdir(controller.manifests)).toEqual(['house.yaml']);
    expect(await camlet(['get', 'camera', 'garage'])).toEqual({ code: 1, stdout: '', stderr: 'Error from server (NotFound): cameras.camlet.dev "garage" not found\n' });
  });

  it('refuses invalid manifests with file, line and field, writing nothing', async () => {
    const before = await readFile(houseFile(), 'utf8');
    const bad = join(work, 'bad.yaml');
    await writeFile(bad, 'apiVersion: camlet.dev/v1\nkind: Camera\nmetadata:\n  name: bad\nspec:\n  streams:\n    main: { url: "rtsp://h/x" }\n  motion:\n    fps: 500\n');
    expect(await camlet(['apply', '-f', bad])).toEqual({ code: 1, stdout: '', stderr: `error: error validating "${bad}": ${bad}:9:10: spec.motion.fps: must be <= 30 (value: 500)\n` });
    expect((await camlet(['diff', '-f', bad])).code).toBe(2);

    // Only the controller knows its environment: the error comes from it, placed in the file.
    const unset = join(work, 'unset.yaml');
    await writeFile(unset, '# needs a variable\napiVersion: camlet.dev/v1\nkind: Camera\nmetadata:\n  name: unset\nspec:\n  streams:\n    main: { url: "rtsp://u:${NOT_SET_IN_THE_CONTROLLER}@h/x" }\n');
    expect(await camlet(['apply', '-f', unset])).toEqual({
      code: 1,
      stdout: '',
      stderr: `Error from server (Invalid): error when applying "${unset}": ${unset}:8:18: spec.streams.main.url: environment variable NOT_SET_IN_THE_CONTROLLER is not set in the controller's environment (value: "rtsp://u:***@h/x")\n`,
    });
    expect(await readdir(controller.manifests)).toEqual(['house.yaml']);
    expect(await readFile(houseFile(), 'utf8')).toBe(before);
  });

  it('deletes a camera by name: its document goes, the rest of the file stays byte for byte', async () => {
    const before = await readFile(houseFile(), 'utf8');
    expect(await camlet(['delete', 'camera', 'yard'])).toEqual({ code: 0, stdout: 'camera.camlet.dev "yard" deleted\n', stderr: '' });
    expect(await readFile(houseFile(), 'utf8')).toBe(before.slice(0, before.indexOf('---\n# The yard')));
    expect((await camlet(['get', 'cameras', '-o', 'name'])).stdout).toBe('camera.camlet.dev/door\n');
    expect(await camlet(['delete', 'camera', 'yard', '--ignore-not-found'])).toEqual({ code: 0, stdout: '', stderr: '' });
  });
});

describe('errors and exit statuses', () => {
  it('reports what the server did not find, printing what it found', async () => {
    const notFound = 'Error from server (NotFound): cameras.camlet.dev "nope" not found\n';
    expect(await camlet(['get', 'camera', 'nope'])).toEqual({ code: 1, stdout: '', stderr: notFound });
    expect(await camlet(['get', 'camera', 'door', 'nope', '-o', 'name'])).toEqual({ code: 1, stdout: 'camera.camlet.dev/door\n', stderr: notFound });
    expect(await camlet(['describe', 'camera', 'nope'])).toEqual({ code: 1, stdout: '', stderr: notFound });
    expect(await camlet(['delete', 'camera', 'nope'])).toEqual({ code: 1, stdout: '', stderr: notFound });
    expect(await camlet(['logs', 'nope'])).toEqual({ code: 1, stdout: '', stderr: notFound });
    expect(await camlet(['delete', 'cameras', '-l', 'site=moon'])).toEqual({ code: 0, stdout: '', stderr: 'No resources found\n' });
    expect(await camlet(['delete', 'cameras'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: resource(s) were provided, but no name was specified: give NAME, -l SELECTOR or --all\n',
    });
  });

  it('names an unreachable server and how to start one', async () => {
    const port = await freePort();
    expect(await camlet(['--server', `127.0.0.1:${port}`, 'get', 'cameras'])).toEqual({
      code: 1,
      stdout: '',
      stderr: `The connection to the server 127.0.0.1:${port} was refused - is the camlet controller running? Start one with 'camlet controller' (or 'make run'), or point --server or CAMLET_SERVER at it.\n`,
    });
    const version = await camlet(['version'], { env: { CAMLET_SERVER: `http://127.0.0.1:${port}` } });
    expect([version.code, version.stdout]).toEqual([1, `Client Version: v${controllerVersion}\n`]);
  });

  it('refuses unknown commands, flags, types and formats with status 1 and the usage', async () => {
    expect(await camlet(['get', 'cameras', '--bogus'])).toEqual({
      code: 1,
      stdout: '',
      stderr: "error: unknown option '--bogus'\nUsage: camlet get [options] [resources...]\nSee 'camlet get --help' for usage.\n",
    });
    const command = await camlet(['bogus']);
    expect(command.code).toBe(1);
    expect(command.stderr).toMatch(/^error: unknown command 'bogus'\n(\(Did you mean .*\)\n)?Usage: camlet \[options\] \[command\]\nSee 'camlet --help' for usage\.\n$/);
    expect(await camlet(['get', 'pods'])).toEqual({ code: 1, stdout: '', stderr: 'error: the server doesn\'t have a resource type "pods" (cameras (camera, cam), events (event, ev), recordings (recording, rec))\n' });
    expect(await camlet(['get', 'cameras', '-o', 'xml'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: unable to match a printer suitable for the output format "xml", allowed formats are: json,jsonpath,name,wide,yaml\n',
    });
    expect((await camlet(['get', 'cameras', '--request-timeout', 'soon'])).code).toBe(1);
    expect((await camlet(['apply'])).stderr).toBe('error: must specify -f FILE, -f DIR or -f - (stdin)\n');
  });

  it('prints help for every command with -h, exit 0', async () => {
    for (const command of ['get', 'describe', 'apply', 'diff', 'delete', 'logs', 'top', 'version', 'completion', 'controller']) {
      const run = await camlet([command, '-h']);
      expect([run.code, run.stdout.split('\n')[0]], command).toEqual([0, expect.stringMatching(new RegExp(`^Usage: camlet ${command} `))]);
    }
  });

  it('works with a bearer token and a request timeout given', async () => {
    expect((await camlet(['--token', 'abc', '--request-timeout', '5s', 'get', 'cameras', '-o', 'name'])).stdout).toBe('camera.camlet.dev/door\n');
  });
});

describe('recordings', () => {
  it('lists the recordings of a camera since a time, as a table and as JSON', async () => {
    const camera = await startRtspCamera();
    const recorder = await startController({ manifests: { 'porch.yaml': cameraManifest('porch', camera.url('main'), camera.url('sub'), '  recording: { preRollSeconds: 1, postRollSeconds: 1 }\n') } });
    const run = (args: string[]) => camlet(args, { env: { CAMLET_SERVER: recorder.url } });
    // The moving ball keeps motion going: the recording ends when recording is turned off.
    await recorder.waitForCamera('porch', (c) => c.status.recording !== undefined, 'recording', 20_000);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await recorder.writeManifest('porch.yaml', cameraManifest('porch', camera.url('main'), camera.url('sub'), '  recording: { mode: "off" }\n'));
    const { body } = await waitUntil(
      async () => {
        const response = await recorder.get<{ items: { metadata: { name: string } }[] }>('/apis/camlet.dev/v1/recordings');
        return response.body.items.length > 0 ? response : undefined;
      },
      15_000,
      'a recording indexed',
    );
    const [id] = body.items.map((item) => item.metadata.name);

    const table = await run(['get', 'recordings', '--camera', 'porch', '--since', '10m']);
    expect(table.code, table.stderr).toBe(0);
    expectTable(table.stdout, [
      ['NAME', 'CAMERA', 'TRIGGER', 'START', 'DURATION', 'SIZE', 'AGE'],
      [id as string, 'porch', 'motion', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, AGE, /^\d+(\.\d)?(B|Ki|Mi)$/, AGE],
    ]);
    const json = await run(['get', 'rec', '--camera', 'porch', '-o', 'json']);
    expect((JSON.parse(json.stdout) as { items: unknown[] }).items).toEqual(body.items);
    const none = await run(['get', 'recordings', '--camera', 'nosuch']);
    expect({ code: none.code, stdout: none.stdout, stderr: none.stderr }).toEqual({ code: 0, stdout: '', stderr: 'No resources found\n' });
    const badSince = await run(['get', 'recordings', '--since', 'yesterday']);
    expect(badSince.code).toBe(1);
    expect(badSince.stderr).toMatch(/--since: invalid duration "yesterday"/);
    const wrongType = await run(['get', 'cameras', '--since', '1h']);
    expect(wrongType.code).toBe(1);
    expect(wrongType.stderr).toMatch(/--camera and --since are for recordings only/);
    await recorder.stop();
    await camera.stop();
  }, 60_000);
});

describe('shell completion', () => {
  it('completes commands, types and camera names in bash', async () => {
    // The completion script runs `camlet`: put the built one on PATH.
    const bin = join(work, 'bin');
    await mkdir(bin, { recursive: true });
    await writeFile(join(bin, 'camlet'), `#!/bin/sh\nexec "${process.execPath}" "${CAMLET}" "$@"\n`);
    await chmod(join(bin, 'camlet'), 0o755);
    const script = (await camlet(['completion', 'bash'])).stdout;
    await writeFile(join(work, 'camlet.bash'), script);
    const complete = async (words: string[]) => {
      const line = `source ${join(work, 'camlet.bash')}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _camlet; printf '%s\\n' "\${COMPREPLY[@]}"`;
      const child = spawnTiedToParent('bash', ['-c', line], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...environment(), PATH: `${bin}:${process.env.PATH}` } });
      let out = '';
      child.stdout?.setEncoding('utf8').on('data', (text: string) => (out += text));
      await new Promise((resolve) => child.on('close', resolve));
      return out.trim().split('\n');
    };
    expect(await complete(['camlet', 'ge'])).toEqual(['get']);
    expect(await complete(['camlet', 'get', 'ca'])).toEqual(['cameras']);
    expect(await complete(['camlet', 'describe', 'camera', 'd'])).toEqual(['door']);
    expect(await complete(['camlet', 'get', 'cameras', '--no-h'])).toEqual(['--no-headers']);
    const zsh = await camlet(['completion', 'zsh']);
    expect(zsh.stdout.startsWith('#compdef camlet\n')).toBe(true);
    expect(await camlet(['completion', 'fish'])).toEqual({ code: 1, stdout: '', stderr: 'error: Unsupported shell type "fish": bash or zsh\n' });
  });
});

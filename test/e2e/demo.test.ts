// `make run` as a user runs it: the demo (its RTSP camera on 8554, the controller on 5001, the
// repository's manifests/ and config/), stopped by a Ctrl-C, which a terminal sends to the whole
// foreground process group. The demo's ports are fixed, as the README and manifests/demo.yaml say:
// this test fails, naming them, when another demo is running.
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { exited } from '../../lib/child-process.js';
import { projectPath } from '../../lib/project-root.js';
import { descendantsOf, isAlive, waitUntil } from '../support/processes.js';

const API = 'http://127.0.0.1:5001';

interface CameraList {
  items: { metadata: { name: string }; status: { phase?: string } }[];
}

async function demoPhase(): Promise<string | undefined> {
  try {
    const list = (await (await fetch(`${API}/apis/camlet.dev/v1/cameras`)).json()) as CameraList;
    return list.items.find((camera) => camera.metadata.name === 'demo')?.status.phase;
  } catch {
    return undefined;
  }
}

describe('the demo (make run)', () => {
  const demo = spawn(process.execPath, [projectPath('dist', 'scripts', 'run-demo.js')], {
    // A process group of its own, as a shell gives a foreground job.
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  demo.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  afterAll(() => {
    if (demo.exitCode === null && demo.signalCode === null) process.kill(-(demo.pid as number), 'SIGKILL');
  });

  it('runs the demo camera to Running, and a Ctrl-C stops every process it started', async () => {
    await waitUntil(async () => (await demoPhase()) === 'Running', 20_000, `the demo camera Running at ${API} (is another demo using ports 5001 and 8554?)\n${stderr}`);
    const started = descendantsOf(demo.pid as number).filter(isAlive);
    // The RTSP camera, the controller, the worker and its two ffmpeg (each maybe behind setpriv).
    expect(started.length).toBeGreaterThanOrEqual(5);

    process.kill(-(demo.pid as number), 'SIGINT');
    await exited(demo);
    expect(demo.exitCode).toBe(0);
    await waitUntil(() => started.every((pid) => !isAlive(pid)), 2000, 'every process of the demo gone');
    expect(stderr).toContain('Ctrl-C stops everything');
  });
});

// `make run`: the demo camera (GStreamer's RTSP server, scripts/rtsp-server.py, on 127.0.0.1:8554
// as manifests/demo.yaml expects) and the controller, in the foreground. Ctrl-C stops the
// controller (which stops its workers), then the camera; nothing is left behind, and both are
// tied to this process by a parent-death signal should it be killed outright.
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { exited, spawnTiedToParent, stopGracefully } from '../lib/child-process.js';
import { projectPath } from '../lib/project-root.js';

const DEMO_PORT = 8554;

async function startCamera(): Promise<ChildProcess> {
  const camera = spawnTiedToParent('/usr/bin/python3', [projectPath('scripts', 'rtsp-server.py'), '--port', String(DEMO_PORT)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    // Its own process group: Ctrl-C reaches the controller, and the camera is stopped after it.
    detached: true,
  });
  const ready = await new Promise<boolean>((resolve) => {
    if (!camera.stdout) return resolve(false);
    createInterface({ input: camera.stdout }).on('line', (line) => {
      if (line.startsWith('READY')) resolve(true);
    });
    camera.once('exit', () => resolve(false));
  });
  if (!ready) {
    throw new Error(`the demo camera could not listen on 127.0.0.1:${DEMO_PORT}: is another demo running? (see the message above)`);
  }
  process.stderr.write(`demo camera: rtsp://127.0.0.1:${DEMO_PORT}/main and /sub\n`);
  return camera;
}

const camera = await startCamera().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
const controller = spawnTiedToParent(process.execPath, [projectPath('dist', 'cli', 'camlet.js'), 'controller', '--config', projectPath('config', 'camlet.yaml')], {
  stdio: 'inherit',
});
process.stderr.write('controller: http://127.0.0.1:5001 (try: curl 127.0.0.1:5001/apis/camlet.dev/v1/cameras); Ctrl-C stops everything\n');
process.stderr.write('dashboard: open http://127.0.0.1:5001/ in a browser\n');

// Ctrl-C in the terminal reaches the controller directly (same process group); a SIGTERM sent to
// this process alone is passed on.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => controller.kill('SIGTERM'));

await exited(controller);
await stopGracefully(camera, 3000);
process.exit(controller.exitCode ?? 0);

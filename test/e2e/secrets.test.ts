// Passwords come from the environment (${VAR}) and never leave the controller: not in the API,
// events, metrics, logs, nor in the worker's environment.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cameraManifest, startController, stopAllControllers, type ControllerUnderTest } from '../support/controller.js';
import { startRtspCamera, stopAllRtspCameras, type RtspCamera } from '../support/rtsp-camera.js';

// A made-up test password, not a credential of anything real.
const PASSWORD = 'Test-Only-Pw-4417';

describe('camera passwords', () => {
  let rtsp: RtspCamera;
  let controller: ControllerUnderTest;

  beforeAll(async () => {
    rtsp = await startRtspCamera({ user: 'viewer', password: PASSWORD });
    const url = (mount: string) => `rtsp://viewer:\${GATE_PASSWORD}@127.0.0.1:${rtsp.port}/${mount}`;
    controller = await startController({
      environment: { GATE_PASSWORD: PASSWORD },
      manifests: {
        'gate.yaml': cameraManifest('gate', url('main'), url('sub')),
        'lost.yaml': cameraManifest('lost', `rtsp://viewer:\${NO_SUCH_VARIABLE}@127.0.0.1:${rtsp.port}/main`),
        'literal.yaml': cameraManifest('literal', `rtsp://viewer:${PASSWORD}@127.0.0.1:${rtsp.port}/main`),
      },
    });
  });
  afterAll(async () => {
    await stopAllControllers();
    await stopAllRtspCameras();
  });

  it('connects with the password from the environment', async () => {
    const gate = await controller.waitForCamera('gate', (c) => c.status.phase === 'Running', 'Running');
    expect(gate.spec?.streams.main.url).toBe(`rtsp://viewer:***@127.0.0.1:${rtsp.port}/main`);
    await controller.waitForCamera('literal', (c) => c.status.phase === 'Running', 'Running');
  });

  it('makes a camera whose variable is missing Invalid, naming the variable', async () => {
    const lost = await controller.waitForCamera('lost', (c) => c.status.phase === 'Invalid', 'Invalid');
    expect(lost.status.message).toMatch(/lost\.yaml:\d+:\d+: spec\.streams\.main\.url: environment variable NO_SUCH_VARIABLE is not set/);
  });

  it('never shows the password: API, events, metrics, status, worker info, logs, worker environment', async () => {
    const gate = await controller.waitForCamera('gate', (c) => c.status.phase === 'Running', 'Running');
    const paths = [
      '/apis/camlet.dev/v1/cameras',
      '/apis/camlet.dev/v1/cameras/gate',
      '/apis/camlet.dev/v1/cameras/literal',
      '/apis/camlet.dev/v1/events',
      '/metrics',
      '/status',
      '/health',
      '/workers/gate',
      '/workers/literal',
    ];
    for (const path of paths) expect((await controller.get(path)).text, path).not.toContain(PASSWORD);
    expect(controller.output.join('\n')).not.toContain(PASSWORD);
    const environment = readFileSync(`/proc/${gate.status.worker?.pid}/environ`, 'utf8');
    expect(environment).not.toContain(PASSWORD);
    expect(environment).not.toContain('GATE_PASSWORD');
  });
});

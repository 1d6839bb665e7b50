// Manual and panic recording through the built controller, its real workers and a real RTSP
// camera: the API (POST cameras/NAME/record, POST record) and `camlet record`, each recording
// found in recordings?trigger=manual and played in full from the API, the camera's Events, a
// worker killed mid-recording, and the errors (404, 400, 409) with their Status.
import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordingObject } from '../../controller/api/recording-object.js';
import { projectPath } from '../../lib/project-root.js';
import { cameraManifest, startController, stopAllControllers, type ControllerUnderTest } from '../support/controller.js';
import { waitUntil } from '../support/processes.js';
import { startRtspCamera, stopAllRtspCameras } from '../support/rtsp-camera.js';

const run = promisify(execFile);
const API = '/apis/camlet.dev/v1';
const CAMLET = projectPath('dist', 'cli', 'camlet.js');
// Nothing but manual recordings: no motion analysis, recording.mode off.
const QUIET = '  motion: { enabled: false }\n  recording: { mode: "off", preRollSeconds: 1 }\n';

let controller: ControllerUnderTest;

beforeAll(async () => {
  const camera = await startRtspCamera({ main: '320x240@10', sub: '160x120@5' });
  const manifest = (name: string, extra = '') => cameraManifest(name, camera.url('main'), camera.url('sub'), QUIET + extra);
  controller = await startController({
    manifests: { 'front.yaml': manifest('front'), 'back.yaml': manifest('back'), 'off.yaml': manifest('off', '  enabled: false\n') },
  });
  await Promise.all(['front', 'back'].map((name) => controller.waitForCamera(name, (c) => c.status.phase === 'Running', 'Running', 15_000)));
  await controller.waitForCamera('off', (c) => c.status.phase === 'Stopped', 'Stopped');
  // Segments in the spool for the pre-roll.
  await sleep(2500);
}, 40_000);
afterAll(async () => {
  await stopAllControllers();
  await stopAllRtspCameras();
});

async function post(path: string, body: string) {
  const response = await fetch(`${controller.url}${API}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function manualRecordings(camera: string): Promise<RecordingObject[]> {
  const { body } = await controller.get<{ items: RecordingObject[] }>(`${API}/recordings?trigger=manual&camera=${camera}&order=oldest`);
  return body.items;
}

/** Waits for the camera's `count`th manual recording; returns the newest. */
async function nthManual(camera: string, count: number, timeoutMs = 12_000): Promise<RecordingObject> {
  const items = await waitUntil(async () => {
    const found = await manualRecordings(camera);
    return found.length >= count ? found : undefined;
  }, timeoutMs, `${count} manual recording(s) of ${camera}`);
  return items[count - 1] as RecordingObject;
}

/** Plays the recording through the API (recordings/ID/content), frame by frame: what ffmpeg complains of. */
async function decodeErrors(recording: RecordingObject): Promise<string> {
  const { stderr } = await run('ffmpeg', ['-v', 'error', '-i', `${controller.url}${API}/recordings/${recording.metadata.name}/content`, '-f', 'null', '-']);
  return stderr.trim();
}

async function camlet(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CAMLET, '--server', controller.url, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('manual recording', () => {
  it('records a camera for the seconds asked, indexed with trigger manual, playable, with its Events', async () => {
    const asked = await post('/cameras/front/record', '{"seconds": 3}');
    expect(asked.status).toBe(202);
    expect(asked.body).toMatchObject({ kind: 'ManualRecording', apiVersion: 'camlet.dev/v1', camera: 'front', action: 'start', seconds: 3 });
    const recording = await nthManual('front', 1);
    expect(recording.spec).toMatchObject({ camera: 'front', trigger: 'manual', codec: 'h264', resolution: '320x240' });
    // 3 s and the 1 s pre-roll, within a segment (2 s) either way.
    expect(recording.spec.durationSeconds).toBeGreaterThanOrEqual(2);
    expect(recording.spec.durationSeconds).toBeLessThanOrEqual(6);
    expect(await decodeErrors(recording)).toBe('');
    const reasons = (await controller.events('front')).map((event) => `${event.reason}: ${event.message}`);
    expect(reasons).toContain('RecordingStarted: manual recording started');
    expect(reasons.some((line) => line.startsWith(`RecordingFinished: ${recording.spec.path}:`))).toBe(true);
  });

  it('stops early on request', async () => {
    expect((await post('/cameras/front/record', '{"seconds": 600}')).status).toBe(202);
    await controller.waitForCamera('front', (c) => c.status.recording?.trigger === 'manual', 'recording manually');
    await sleep(2000);
    const stopped = await post('/cameras/front/record', '{"stop": true}');
    expect(stopped).toMatchObject({ status: 202, body: { camera: 'front', action: 'stop' } });
    const recording = await nthManual('front', 2, 8000);
    expect(recording.spec.durationSeconds).toBeLessThan(8);
    expect(await decodeErrors(recording)).toBe('');
    await controller.waitForCamera('front', (c) => c.status.recording === undefined, 'no longer recording');
  });

  it('records every running camera on a panic, and says which could not', async () => {
    const before = { front: (await manualRecordings('front')).length, back: (await manualRecordings('back')).length };
    const panic = await post('/record', '{"seconds": 2}');
    expect(panic.status).toBe(202);
    expect(panic.body).toMatchObject({
      kind: 'ManualRecordingList',
      action: 'start',
      seconds: 2,
      accepted: ['back', 'front'],
      rejected: [{ camera: 'off', message: 'camera "off" is Stopped: no worker runs to record' }],
    });
    const made = [await nthManual('front', before.front + 1), await nthManual('back', before.back + 1)];
    for (const recording of made) expect(await decodeErrors(recording)).toBe('');
  });

  it('survives a kill of the worker: the part recorded is kept, and the rest follows once it is back', async () => {
    expect((await post('/cameras/back/record', '{"seconds": 120}')).status).toBe(202);
    await controller.waitForCamera('back', (c) => c.status.recording?.trigger === 'manual', 'recording manually');
    const count = (await manualRecordings('back')).length;
    await sleep(4500);
    const { body: worker } = await controller.get<{ pid: number }>('/workers/back');
    process.kill(worker.pid, 'SIGKILL');
    // The next worker makes the interrupted recording from its whole segments, then records on.
    const recovered = await nthManual('back', count + 1, 15_000);
    expect(recovered.spec.durationSeconds).toBeGreaterThanOrEqual(2);
    expect(await decodeErrors(recovered)).toBe('');
    await controller.waitForCamera('back', (c) => c.status.phase === 'Running' && c.status.recording?.trigger === 'manual', 'recording manually again', 15_000);
    expect((await post('/cameras/back/record', '{"stop": true}')).status).toBe(202);
    expect(await decodeErrors(await nthManual('back', count + 2))).toBe('');
  }, 45_000);

  it('answers 404, 400 and 409 with a Status', async () => {
    expect(await post('/cameras/nope/record', '{}')).toMatchObject({ status: 404, body: { kind: 'Status', reason: 'NotFound', message: 'cameras.camlet.dev "nope" not found' } });
    expect(await post('/cameras/front/record', '{"seconds": 0, "colour": "red"}')).toMatchObject({
      status: 400,
      body: {
        reason: 'BadRequest',
        details: {
          causes: [
            { field: 'colour', reason: 'FieldValueNotSupported' },
            { field: 'seconds', reason: 'FieldValueInvalid', message: '0: must be a whole number of seconds from 1 to 3600' },
          ],
        },
      },
    });
    expect(await post('/record', '{"stop": "now"}')).toMatchObject({ status: 400, body: { details: { causes: [{ field: 'stop' }] } } });
    expect(await post('/cameras/off/record', '{}')).toMatchObject({ status: 409, body: { reason: 'Conflict', message: 'camera "off" is Stopped: no worker runs to record' } });
  });

  it('is asked for with camlet record, as kubectl would print it', async () => {
    expect(await camlet('record', 'front', '--seconds', '2')).toEqual({ code: 0, stdout: 'camera.camlet.dev/front recording (manual, 2s)\n', stderr: '' });
    expect(await camlet('record', 'camera/front', '--stop')).toEqual({ code: 0, stdout: 'camera.camlet.dev/front recording stopped\n', stderr: '' });
    expect(await camlet('record', '--all', '--seconds', '2')).toEqual({
      code: 1,
      stdout: 'camera.camlet.dev/back recording (manual, 2s)\ncamera.camlet.dev/front recording (manual, 2s)\n',
      stderr: 'error: camera "off" is Stopped: no worker runs to record\n',
    });
    // The errors change nothing: asked all at once.
    const [nope, zero, off, both, none, soon, help] = await Promise.all([
      camlet('record', 'nope'),
      camlet('record', 'front', '--seconds', '0'),
      camlet('record', 'off'),
      camlet('record', 'front', '--stop', '--seconds', '5'),
      camlet('record'),
      camlet('record', 'front', '--seconds', 'soon'),
      camlet('record', '-h'),
    ]);
    expect(nope).toEqual({ code: 1, stdout: '', stderr: 'Error from server (NotFound): cameras.camlet.dev "nope" not found\n' });
    expect(zero).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Error from server (BadRequest): invalid record request: seconds: 0: must be a whole number of seconds from 1 to 3600\n',
    });
    expect(off).toMatchObject({ code: 1, stderr: 'Error from server (Conflict): camera "off" is Stopped: no worker runs to record\n' });
    expect(both).toMatchObject({ code: 1, stderr: 'error: --seconds cannot be given with --stop\n' });
    expect(none).toMatchObject({ code: 1, stderr: 'error: you must specify a camera to record, or --all for every camera\n' });
    expect(soon).toMatchObject({ code: 1, stderr: 'error: --seconds must be a number of seconds, not "soon"\n' });
    expect(help.stdout).toMatch(/^Usage: camlet record \[options\] \[camera\]\n/);
  });
});

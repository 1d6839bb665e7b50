// Manual and panic recording: POST cameras/NAME/record starts (or extends, or with {"stop": true}
// stops) a manual recording on one camera; POST record does the same on every camera whose
// worker runs. The request goes to the worker over IPC and the answer is 202 Accepted: the
// recording shows up, as any other, in the camera's Events and status and, once finished, in
// recordings?trigger=manual.
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Logger } from '../../lib/logger.js';
import type { ManualRecordingRequest } from '../../worker/protocol.js';
import type { CameraObject } from '../store/camera-store.js';
import type { ObjectStore } from '../store/object-store.js';
import { parseRecordRequest } from './record-request.js';
import { readTextBody } from './request-body.js';
import { notFound, replyStatus } from './status-error.js';

const BODY_LIMIT = 4096;

export interface ManualRecordingSources {
  cameras: ObjectStore<CameraObject>;
  /** Hands the request to the camera's worker; returns why not when none runs. */
  record(name: string, request: ManualRecordingRequest): string | undefined;
}

/** What was asked, as every answer repeats it: the action, and for a start its length and end. */
function asked(request: ManualRecordingRequest, now: number): Record<string, unknown> {
  if ('stop' in request) return { action: 'stop' };
  return { action: 'start', seconds: request.seconds, until: new Date(now + request.seconds * 1000).toISOString() };
}

async function readRequest(ctx: Context): Promise<ManualRecordingRequest | undefined> {
  const text = await readTextBody(ctx, BODY_LIMIT);
  if (text === undefined) return undefined;
  const parsed = parseRecordRequest(text);
  if (parsed.ok) return parsed.request;
  replyStatus(ctx, 'BadRequest', parsed.message, parsed.causes.length > 0 ? { causes: parsed.causes } : undefined);
  return undefined;
}

export function addRecordRoutes(router: Router, sources: ManualRecordingSources, logger: Logger): void {
  router.post('/apis/camlet.dev/v1/cameras/:name/record', async (ctx) => {
    const name = ctx.params.name ?? '';
    if (!sources.cameras.get(name)) return notFound(ctx, 'cameras', name);
    const request = await readRequest(ctx);
    if (!request) return;
    const refused = sources.record(name, request);
    if (refused !== undefined) return replyStatus(ctx, 'Conflict', refused, { name, group: 'camlet.dev', kind: 'cameras' });
    logger.info({ camera: name, request }, 'manual recording request passed to the worker');
    ctx.status = 202;
    ctx.body = { kind: 'ManualRecording', apiVersion: 'camlet.dev/v1', camera: name, ...asked(request, Date.now()) };
  });

  // The panic button: every camera at once, each answering for itself.
  router.post('/apis/camlet.dev/v1/record', async (ctx) => {
    const request = await readRequest(ctx);
    if (!request) return;
    const accepted: string[] = [];
    const rejected: { camera: string; message: string }[] = [];
    const names = [...sources.cameras.values()].map((camera) => camera.metadata.name).sort();
    for (const name of names) {
      const refused = sources.record(name, request);
      if (refused === undefined) accepted.push(name);
      else rejected.push({ camera: name, message: refused });
    }
    logger.info({ request, accepted, rejected: rejected.map((r) => r.camera) }, 'fleet-wide manual recording request');
    if (accepted.length === 0) {
      const causes = rejected.map(({ camera, message }) => ({ reason: 'NotRunning', field: camera, message }));
      return replyStatus(ctx, 'Conflict', names.length === 0 ? 'there are no cameras to record' : `no camera could record: ${rejected.map((r) => r.message).join('; ')}`, causes.length > 0 ? { causes } : undefined);
    }
    ctx.status = 202;
    ctx.body = { kind: 'ManualRecordingList', apiVersion: 'camlet.dev/v1', ...asked(request, Date.now()), accepted, rejected };
  });
}

// The API's writes: PUT (create or update), POST (create) and DELETE on cameras, with
// ?dryRun=All as Kubernetes has it. They change the manifests folder through the ManifestWriter;
// the controller's watcher then reads the change like any edit, and the reply waits (briefly) until
// the store shows it, so that `camlet apply` followed by `camlet get` sees what was applied.
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { CameraSpec } from '../../crds-like-schemas/generated/camera.js';
import { jsonEqual } from '../../lib/deep-equal.js';
import { newUid } from '../../lib/fixed-shape.js';
import type { Logger } from '../../lib/logger.js';
import { redactUrl } from '../../lib/redact.js';
import type { CameraManifest } from '../manifests/camera-document.js';
import { ManifestWriteError, type ManifestWriter } from '../manifests/manifest-writer.js';
import type { CameraObject } from '../store/camera-store.js';
import type { ObjectStore } from '../store/object-store.js';
import { YAML_LIMITS } from '../yaml/yaml-documents.js';
import { APPLY_RESULT_HEADER } from './apply-result.js';
import { readTextBody } from './request-body.js';
import { replyStatus } from './status-error.js';

export interface CameraWriteSources {
  cameras: ObjectStore<CameraObject>;
  manifests: ManifestWriter;
}

/** How long a write's reply waits for the store to show it: the watcher's debounce, plus a loaded machine's delay. */
export const SETTLE_TIMEOUT_MS = 5000;
const SETTLE_POLL_MS = 20;


function dryRunOf(ctx: Context): boolean | undefined {
  const value = ctx.query.dryRun;
  if (value === undefined) return false;
  if (value === 'All') return true;
  replyStatus(ctx, 'BadRequest', `dryRun must be "All", not ${JSON.stringify(value)}`);
  return undefined;
}

function redactedSpec(spec: CameraSpec): CameraSpec {
  const streams = Object.fromEntries(Object.entries(spec.streams).map(([role, stream]) => [role, stream && { ...stream, url: redactUrl(stream.url) }]));
  return { ...spec, streams: streams as CameraSpec['streams'] };
}

/** The store shows this manifest for the camera. */
function shows(object: CameraObject | undefined, camera: CameraManifest): boolean {
  return (
    object !== undefined &&
    jsonEqual(object.spec, redactedSpec(camera.spec)) &&
    jsonEqual(object.metadata.labels ?? {}, camera.labels) &&
    jsonEqual(object.metadata.annotations ?? {}, camera.annotations)
  );
}

/** The object as it will be once the controller has read the file: what a dry run answers. */
function projected(live: CameraObject | undefined, camera: CameraManifest): CameraObject {
  const spec = redactedSpec(camera.spec);
  // As the store counts: a new spec is a new generation, except a camera's first valid one.
  const generation = live ? live.metadata.generation + (live.spec && !jsonEqual(live.spec, spec) ? 1 : 0) : 1;
  return {
    apiVersion: 'camlet.dev/v1',
    kind: 'Camera',
    metadata: {
      name: camera.name,
      uid: live?.metadata.uid ?? newUid(),
      generation,
      ...(live?.metadata.resourceVersion ? { resourceVersion: live.metadata.resourceVersion } : {}),
      creationTimestamp: live?.metadata.creationTimestamp ?? new Date().toISOString(),
      ...(Object.keys(camera.labels).length > 0 ? { labels: camera.labels } : {}),
      ...(Object.keys(camera.annotations).length > 0 ? { annotations: camera.annotations } : {}),
    },
    spec,
    status: live?.status ?? {},
  };
}

/** Polls the store (a map lookup) until `test` holds or the time is up. */
async function settle(cameras: ObjectStore<CameraObject>, name: string, test: (object: CameraObject | undefined) => boolean): Promise<boolean> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  for (;;) {
    if (test(cameras.get(name))) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
  }
}

function replyWriteError(ctx: Context, error: ManifestWriteError, name: string | undefined): void {
  replyStatus(ctx, error.reason, error.message, {
    ...(name !== undefined ? { name } : {}),
    group: 'camlet.dev',
    kind: 'cameras',
    ...(error.causes.length > 0 ? { causes: error.causes.map((cause) => ({ reason: 'FieldValueInvalid', ...cause })) } : {}),
  });
}

export function addCameraWriteRoutes(router: Router, sources: CameraWriteSources, logger: Logger): void {
  const { cameras, manifests } = sources;

  const apply = async (ctx: Context, options: { name?: string; createOnly?: boolean }) => {
    const dryRun = dryRunOf(ctx);
    if (dryRun === undefined) return;
    const text = await readTextBody(ctx, YAML_LIMITS.maxFileBytes);
    if (text === undefined) return;
    const before = options.name !== undefined ? cameras.get(options.name) : undefined;
    let outcome;
    try {
      outcome = await manifests.apply(text, { ...options, dryRun });
    } catch (error) {
      if (error instanceof ManifestWriteError) return replyWriteError(ctx, error, options.name);
      throw error;
    }
    const { camera, result } = outcome;
    const live = before ?? cameras.get(camera.name);
    let body = projected(live, camera);
    if (!dryRun) {
      if (await settle(cameras, camera.name, (object) => shows(object, camera))) body = cameras.get(camera.name) ?? body;
      else logger.warn({ camera: camera.name, file: outcome.file }, `the manifest was written but the camera did not show it within ${SETTLE_TIMEOUT_MS} ms`);
    }
    logger.info({ camera: camera.name, file: outcome.file, result, dryRun }, `camera ${result}${dryRun ? ' (dry run)' : ''}`);
    ctx.status = result === 'created' ? 201 : 200;
    ctx.set(APPLY_RESULT_HEADER, result);
    ctx.body = body;
  };

  router.put('/apis/camlet.dev/v1/cameras/:name', (ctx) => apply(ctx, { name: ctx.params.name ?? '' }));
  router.post('/apis/camlet.dev/v1/cameras', (ctx) => apply(ctx, { createOnly: true }));

  router.delete('/apis/camlet.dev/v1/cameras/:name', async (ctx) => {
    const name = ctx.params.name ?? '';
    const dryRun = dryRunOf(ctx);
    if (dryRun === undefined) return;
    const before = cameras.get(name);
    let outcome;
    try {
      outcome = await manifests.delete(name, { dryRun });
    } catch (error) {
      if (error instanceof ManifestWriteError) return replyWriteError(ctx, error, name);
      throw error;
    }
    if (!dryRun && !(await settle(cameras, name, (object) => object === undefined))) {
      // Another file declaring the same name takes over (a DuplicateName until now): it is still there.
      logger.warn({ camera: name, file: outcome.file }, `the camera's document was removed but the camera is still there after ${SETTLE_TIMEOUT_MS} ms`);
    }
    logger.info({ camera: name, file: outcome.file, fileRemoved: outcome.fileRemoved, dryRun }, `camera deleted${dryRun ? ' (dry run)' : ''}`);
    ctx.body = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name, group: 'camlet.dev', kind: 'cameras', ...(before ? { uid: before.metadata.uid } : {}) },
    };
  });
}

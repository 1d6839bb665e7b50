// GET /apis/camlet.dev/v1/cameras/NAME/log, as Kubernetes' pods/NAME/log: the worker's recent log
// lines (one JSON object per line), `tailLines`, `sinceSeconds` or `sinceTime`, and `follow=true`
// to keep the response open and send new lines as they come.
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { WorkerLogs } from '../logs/worker-logs.js';
import type { CameraObject } from '../store/camera-store.js';
import type { ObjectStore } from '../store/object-store.js';
import { LineStream } from './line-stream.js';
import { notFound, replyStatus } from './status-error.js';

export interface CameraLogSources {
  cameras: ObjectStore<CameraObject>;
  logs: WorkerLogs;
}

interface LogParameters {
  follow: boolean;
  tailLines?: number;
  since?: number;
}

function single(ctx: Context, name: string): string | undefined {
  const value = ctx.query[name];
  return Array.isArray(value) ? value[value.length - 1] : value;
}

/** The query's parameters, or undefined once a BadRequest has been replied. */
function parameters(ctx: Context): LogParameters | undefined {
  const bad = (message: string) => {
    replyStatus(ctx, 'BadRequest', message);
    return undefined;
  };
  const follow = single(ctx, 'follow');
  if (follow !== undefined && !['true', 'false', '1', '0'].includes(follow)) return bad(`follow must be true or false, not ${JSON.stringify(follow)}`);
  const result: LogParameters = { follow: follow === 'true' || follow === '1' };
  const tail = single(ctx, 'tailLines');
  if (tail !== undefined) {
    if (!/^\d+$/.test(tail)) return bad(`tailLines must be a whole number of lines, not ${JSON.stringify(tail)}`);
    result.tailLines = Number(tail);
  }
  const seconds = single(ctx, 'sinceSeconds');
  const time = single(ctx, 'sinceTime');
  if (seconds !== undefined && time !== undefined) return bad('at most one of sinceTime or sinceSeconds may be given');
  if (seconds !== undefined) {
    if (!/^\d+$/.test(seconds) || Number(seconds) < 1) return bad(`sinceSeconds must be a positive whole number, not ${JSON.stringify(seconds)}`);
    result.since = Date.now() - Number(seconds) * 1000;
  }
  if (time !== undefined) {
    const parsed = Date.parse(time);
    if (Number.isNaN(parsed)) return bad(`sinceTime must be an RFC 3339 time such as 2024-05-01T10:00:00Z, not ${JSON.stringify(time)}`);
    result.since = parsed;
  }
  return result;
}

export function addCameraLogRoute(router: Router, sources: CameraLogSources, closeAll: Set<() => void>): void {
  router.get('/apis/camlet.dev/v1/cameras/:name/log', (ctx) => {
    const name = ctx.params.name ?? '';
    if (!sources.cameras.get(name)) return notFound(ctx, 'cameras', name);
    const query = parameters(ctx);
    if (!query) return;
    const backlog = sources.logs.lines(name, { tailLines: query.tailLines, since: query.since });
    ctx.type = 'text/plain; charset=utf-8';
    if (!query.follow) {
      ctx.body = backlog.map((line) => `${line}\n`).join('');
      return;
    }
    const lines = new LineStream(closeAll);
    for (const line of backlog) lines.write(line);
    const unfollow = sources.logs.follow(name, (line) => lines.write(line), lines.end);
    lines.answer(ctx, 'text/plain; charset=utf-8', unfollow);
  });
}

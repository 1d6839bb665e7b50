import { basename } from 'node:path';
import type { Context } from 'koa';
import { parseRange } from './byte-range.js';
import type { OpenedFile } from './recording-file.js';
import { replyStatus } from './status-error.js';

export interface ServeOptions {
  contentType: string;
  /** The name a browser saves it under. */
  fileName: string;
  /** Content-Disposition: attachment (a download) rather than inline (a player). */
  download?: boolean;
  cacheControl: string;
}

/**
 * Answers with an opened file as an HTTP server answers for a static file: ETag and
 * Last-Modified, 304 for If-None-Match, one byte range (206 with Content-Range, If-Range
 * honoured) or 416 for a range it cannot satisfy, HEAD without a body. The handle is closed
 * once the response is sent or the client goes, whatever happens.
 */
export function serveOpenedFile(ctx: Context, file: OpenedFile, options: ServeOptions): void {
  ctx.set('Accept-Ranges', 'bytes');
  ctx.set('ETag', file.etag);
  ctx.set('Last-Modified', file.mtime.toUTCString());
  ctx.set('Cache-Control', options.cacheControl);
  // The name is the index's (camera and start time), quoted; no request text gets in here.
  ctx.set('Content-Disposition', `${options.download ? 'attachment' : 'inline'}; filename="${basename(options.fileName).replace(/["\\\r\n]/g, '_')}"`);
  ctx.status = 200;
  if (notModified(ctx, file)) {
    ctx.status = 304;
    void file.handle.close();
    return;
  }
  const ifRange = ctx.get('If-Range');
  // If-Range with another validator (a changed file, a date): the whole file, as RFC 9110 says.
  const header = ifRange === '' || ifRange === file.etag ? ctx.get('Range') || undefined : undefined;
  const range = parseRange(header, file.size);
  if (range.kind === 'unsatisfiable') {
    void file.handle.close();
    ctx.set('Content-Range', `bytes */${file.size}`);
    replyStatus(ctx, 'RequestedRangeNotSatisfiable', range.why);
    return;
  }
  const start = range.kind === 'range' ? range.start : 0;
  const end = range.kind === 'range' ? range.end : file.size - 1;
  if (range.kind === 'range') {
    ctx.status = 206;
    ctx.set('Content-Range', `bytes ${start}-${end}/${file.size}`);
  }
  ctx.type = options.contentType;
  if (file.size === 0) {
    void file.handle.close();
    ctx.body = '';
    return;
  }
  // Koa destroys a stream body when the response ends or the client leaves (HEAD included),
  // and the stream closes its handle (autoClose).
  ctx.body = file.handle.createReadStream({ start, end, autoClose: true });
  ctx.length = end - start + 1;
}

/**
 * RFC 9110 §13.1.2-3, as an origin server evaluates them: If-None-Match (weak comparison, `*`),
 * else If-Modified-Since. Not koa's ctx.fresh: it treats a request's `Cache-Control: no-cache`
 * as "always send it all", which is for caches, and which fetch() adds to every conditional request.
 */
function notModified(ctx: Context, file: OpenedFile): boolean {
  const noneMatch = ctx.get('If-None-Match');
  if (noneMatch !== '') {
    const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
    return noneMatch.trim() === '*' || noneMatch.split(',').some((tag) => opaque(tag) === opaque(file.etag));
  }
  const since = Date.parse(ctx.get('If-Modified-Since'));
  return !Number.isNaN(since) && Math.floor(file.mtime.getTime() / 1000) * 1000 <= since;
}

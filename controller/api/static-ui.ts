// The web dashboard (ui/, built by Vite into dist/ui) served as static files. Vite names every
// asset after a hash of its content, so those are cached for good (immutable); index.html, which
// names them, is revalidated on every load (no-cache, with an ETag), so a new build shows at once.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { Context, Next } from 'koa';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';
/** What the page may load: itself only (no CDN, no external font), and its own WebSocket. */
const CONTENT_SECURITY_POLICY = "default-src 'self'; connect-src 'self'; media-src 'self' blob:; img-src 'self' data: blob:; style-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/** Koa middleware: GET and HEAD of `/` and of the files under `root`; anything else goes on. */
export function serveUi(root: string): (ctx: Context, next: Next) => Promise<void> {
  const base = normalize(root + sep);
  return async (ctx, next) => {
    const pass = async () => {
      await next();
    };
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return pass();
    const path = ctx.path === '/' ? '/index.html' : ctx.path;
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return pass();
    }
    const file = normalize(join(base, decoded));
    if (!file.startsWith(base) || decoded.includes('\0')) return pass();
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) {
      if (ctx.path === '/') {
        ctx.status = 503;
        ctx.type = 'text/plain';
        ctx.set('Cache-Control', REVALIDATE);
        ctx.body = 'The dashboard is not built: run `npm run build` (or `make run`).\n';
        return;
      }
      return pass();
    }
    const hashed = decoded.startsWith('/assets/');
    ctx.set('Cache-Control', hashed ? IMMUTABLE : REVALIDATE);
    ctx.set('X-Content-Type-Options', 'nosniff');
    if (extname(file) === '.html') {
      ctx.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
      ctx.set('Referrer-Policy', 'no-referrer');
    }
    ctx.type = TYPES[extname(file)] ?? 'application/octet-stream';
    ctx.length = info.size;
    ctx.lastModified = info.mtime;
    ctx.etag = `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
    ctx.status = 200;
    if (ctx.fresh) {
      ctx.status = 304;
      return;
    }
    if (ctx.method === 'HEAD') return;
    ctx.body = createReadStream(file);
  };
}

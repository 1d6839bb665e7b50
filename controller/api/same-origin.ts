import type { Context, Next } from 'koa';
import { originAllowed } from '../live/live-socket.js';
import { replyStatus } from './status-error.js';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses writes (POST, PUT, DELETE...) that a browser sends on behalf of another site: a page
 * the operator happens to open could otherwise post `{"seconds":3600}` to the panic endpoint,
 * or a manifest, as a "simple" request that needs no preflight. Browsers name the site that
 * made the request (Sec-Fetch-Site, Origin); the dashboard is same-origin, and the CLI, curl and
 * kubectl-style tools send neither header, so they are not affected.
 */
export async function refuseCrossSiteWrites(ctx: Context, next: Next): Promise<void> {
  if (!READS.has(ctx.method)) {
    const site = ctx.get('Sec-Fetch-Site');
    const origin = ctx.get('Origin');
    // The live view's WebSocket checks the Origin the same way (originAllowed).
    const crossSite = (site !== '' && site !== 'same-origin' && site !== 'none') || !originAllowed(ctx.req);
    if (crossSite) {
      replyStatus(ctx, 'Forbidden', `${ctx.method} ${ctx.path} refused: the request comes from another site (${origin || site}); write from the dashboard itself, the CLI or a tool that is not a browser`);
      return;
    }
  }
  await next();
}

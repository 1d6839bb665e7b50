import type { Context } from 'koa';
import { replyStatus } from './status-error.js';

// YAML is what people write, and JSON is YAML: both are read the same way. (Kubernetes also
// takes application/apply-patch+yaml for server-side apply.)
const TEXT_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'application/json', 'application/apply-patch+yaml', 'text/plain'];

/**
 * The request's body as text, or undefined once an error has been replied (a body over `limit`
 * bytes, or of a type that is no text). Read by hand: the API needs no body parser anywhere else.
 */
export async function readTextBody(ctx: Context, limit: number): Promise<string | undefined> {
  const type = ctx.request.type;
  if (type !== '' && !TEXT_TYPES.includes(type)) {
    replyStatus(ctx, 'UnsupportedMediaType', `the body must be YAML or JSON (${TEXT_TYPES.join(', ')}), not ${type}`);
    return undefined;
  }
  const declared = Number(ctx.get('content-length') || 0);
  if (declared > limit) {
    replyStatus(ctx, 'RequestEntityTooLarge', `the body is over the ${limit}-byte limit`);
    return undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) {
      replyStatus(ctx, 'RequestEntityTooLarge', `the body is over the ${limit}-byte limit`);
      return undefined;
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveUi } from './static-ui.js';

let root: string;
let server: Server;
let base: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'camlet-ui-'));
  await mkdir(join(root, 'assets'));
  await writeFile(join(root, 'index.html'), '<!doctype html><title>camlet</title>');
  await writeFile(join(root, 'assets', 'index-AbC123.js'), 'console.log(1)');
  await writeFile(join(root, 'secret.txt'), 'x');
  const app = new Koa();
  app.use(serveUi(root));
  app.use((ctx) => {
    ctx.status = 404;
    ctx.body = 'next';
  });
  const handle = app.callback();
  server = createServer((request, response) => void handle(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(root, { recursive: true, force: true });
});

describe('serveUi', () => {
  it('serves index.html at / to be revalidated, with a strict content security policy', async () => {
    const response = await fetch(`${base}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await response.text()).toContain('<title>camlet</title>');
    const again = await fetch(`${base}/`, { headers: { 'If-None-Match': response.headers.get('etag') ?? '', 'Cache-Control': 'max-age=0' } });
    expect(again.status).toBe(304);
  });

  it('serves hashed assets as immutable', async () => {
    const response = await fetch(`${base}/assets/index-AbC123.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('passes on what it does not have, and never leaves its folder', async () => {
    expect(await (await fetch(`${base}/apis/camlet.dev/v1/cameras`)).text()).toBe('next');
    expect(await (await fetch(`${base}/assets/%2e%2e/%2e%2e/etc/passwd`)).text()).toBe('next');
    expect((await fetch(`${base}/index.html`, { method: 'POST' })).status).toBe(404);
  });
});

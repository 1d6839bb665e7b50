// The live view's WebSocket: GET /apis/camlet.dev/v1/cameras/NAME/live?stream=sub|main, upgraded.
// Text frames carry JSON (LiveMessage), binary frames the fragmented MP4 (init segment, then
// fragments) for the page's Media Source Extensions.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../../lib/logger.js';
import type { LiveMessage, Viewer } from './live-channel.js';
import type { LiveHub, LiveStreamName } from './live-hub.js';

const LIVE_PATH = /^\/apis\/camlet\.dev\/v1\/cameras\/([^/]+)\/live$/;
const PING_EVERY_MS = 20_000;

function refuse(socket: Duplex, status: number, reason: string): void {
  const body = `${reason}\n`;
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/**
 * Only pages served by this controller may open the live view: a browser lets any web site open
 * a WebSocket to 127.0.0.1, so the Origin, when there is one, must name the host asked for.
 */
export function originAllowed(request: Pick<IncomingMessage, 'headers'>): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true; // not a browser (curl, a test client)
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

function viewerOf(socket: WebSocket): Viewer {
  return {
    sendText: (message: LiveMessage) => socket.send(JSON.stringify(message)),
    sendBinary: (bytes: Buffer) => socket.send(bytes, { binary: true }),
    get bufferedBytes() {
      return socket.bufferedAmount;
    },
  };
}

/** Serves the live view on the API's HTTP server; returns the function that closes every socket. */
export function attachLiveSockets(server: Server, hub: LiveHub, logger: Logger): () => void {
  const sockets = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 64 * 1024 });
  const alive = new WeakSet<WebSocket>();
  const pinger = setInterval(() => {
    for (const socket of sockets.clients) {
      if (!alive.has(socket)) {
        socket.terminate();
        continue;
      }
      alive.delete(socket);
      socket.ping();
    }
  }, PING_EVERY_MS);
  pinger.unref();

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const match = LIVE_PATH.exec(url.pathname);
    if (!match?.[1]) return refuse(socket, 404, 'Not Found');
    if (!originAllowed(request)) return refuse(socket, 403, 'Forbidden');
    const streamParameter = url.searchParams.get('stream') ?? 'sub';
    if (streamParameter !== 'sub' && streamParameter !== 'main') return refuse(socket, 400, 'Bad Request');
    const stream: LiveStreamName = streamParameter;
    let camera: string;
    try {
      camera = decodeURIComponent(match[1]);
    } catch {
      return refuse(socket, 400, 'Bad Request');
    }
    sockets.handleUpgrade(request, socket, head, (ws) => {
      alive.add(ws);
      ws.on('pong', () => alive.add(ws));
      const viewer = viewerOf(ws);
      const joined = hub.join(camera, stream, viewer);
      if ('error' in joined) {
        viewer.sendText({ type: 'waiting', reason: joined.error });
        ws.close(4404, joined.error.slice(0, 120));
        return;
      }
      logger.debug({ camera, stream: joined.stream }, 'live viewer joined');
      ws.on('error', () => ws.terminate());
      ws.on('close', () => {
        joined.leave();
        logger.debug({ camera, stream: joined.stream }, 'live viewer left');
      });
    });
  });

  return () => {
    clearInterval(pinger);
    for (const socket of sockets.clients) socket.terminate();
    sockets.close();
  };
}

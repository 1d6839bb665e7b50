// A TCP proxy on 127.0.0.1 in front of a server, for tests that cut a client's connections or
// move the server (a restarted controller on another port) while the client keeps its address.
import { connect, createServer, type Socket } from 'node:net';

export interface TcpProxy {
  /** http://127.0.0.1:<port> */
  url: string;
  /** Where new connections go (host:port or http://host:port). */
  target: string;
  /** Open connections whose client asked for a path starting with `prefix`, as seen in its bytes. */
  openAsking(prefix: string): number;
  /** Drops every open connection at once, as a broken network does. */
  cut(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const open = new Map<Socket, { upstream: Socket; asked: string }>();
  const server = createServer((client) => {
    const [host = '127.0.0.1', port = '0'] = proxy.target.replace(/^https?:\/\//, '').split(':');
    const upstream = connect(Number(port), host);
    const entry = { upstream, asked: '' };
    open.set(client, entry);
    // Request lines, kept short: enough to tell what each connection was used for.
    client.on('data', (chunk: Buffer) => (entry.asked = (entry.asked + chunk.toString('latin1').split('\r\n')[0]).slice(-4096)));
    client.pipe(upstream).on('error', () => client.destroy());
    upstream.pipe(client).on('error', () => upstream.destroy());
    const drop = () => {
      open.delete(client);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the proxy has no port');
  const proxy: TcpProxy = {
    url: `http://127.0.0.1:${address.port}`,
    target,
    openAsking: (prefix) => [...open.values()].filter(({ asked }) => asked.includes(`GET ${prefix}`)).length,
    cut: () => {
      for (const [client, { upstream }] of open) {
        client.destroy();
        upstream.destroy();
      }
      open.clear();
    },
    close: async () => {
      proxy.cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}

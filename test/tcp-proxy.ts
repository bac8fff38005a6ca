import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 in front of a PostgreSQL on loopback, for tests that watch or stall
 * what passes: `onConnection` sees each client connection (to count it, or read what it sends);
 * freeze() keeps connections open with nothing passing either way (a stalled network, a server
 * that stopped answering), thaw() lets it pass again.
 */
export async function tcpProxy(target: URL, o: { onConnection?: (client: Socket) => void } = {}) {
  const sockets = new Set<Socket>();
  let frozen = false;
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
    if (frozen) s.pause();
  };
  const server: Server = createServer((client) => {
    o.onConnection?.(client);
    const upstream = connect(Number(target.port || 5432), '127.0.0.1');
    client.pipe(upstream);
    upstream.pipe(client);
    // After pipe(), which resumes its source: a connection opened while frozen stays frozen.
    track(client);
    track(upstream);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as AddressInfo).port);
  return {
    /** `target` with the proxy's host and port. */
    url: url.toString(),
    freeze() {
      frozen = true;
      for (const s of sockets) s.pause();
    },
    thaw() {
      frozen = false;
      for (const s of sockets) s.resume();
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

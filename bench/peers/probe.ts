import { tcpOpen } from '../server';

/** A peer's availability: a TCP connect on loopback with a short timeout. */
export async function peerDown(name: string, port: number): Promise<string | undefined> {
  return (await tcpOpen(port, 500)) ? undefined : `${name} not running on 127.0.0.1:${port}`;
}

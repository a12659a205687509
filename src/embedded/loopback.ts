import type { Socket as UdpSocket } from 'node:dgram';
import type { Server, Socket } from 'node:net';

/** The embedded lab never binds anything but loopback (127.0.0.0/8): a guard every server calls before it listens. */
export function isLoopbackV4(host: string): boolean {
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return m?.slice(1).every((x) => Number(x) <= 255) === true;
}

export function assertLoopback(host: string): void {
  if (!isLoopbackV4(host)) throw new RangeError(`the embedded lab binds only 127.0.0.0/8 addresses, not ${host}`);
}

/** Listens on host:port (0 = a free port) and resolves with the port bound; rejects with the listen error. */
export function listenTcp(server: Server, port: number, host: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as { port: number }).port);
    });
  });
}

/** Binds a UDP socket on host:port (0 = a free port) and resolves with the port bound. */
export function bindUdp(udp: UdpSocket, port: number, host: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(port, host, () => {
      udp.off('error', reject);
      resolve(udp.address().port);
    });
  });
}

/** Closes the servers and ends their tracked connections; idempotent when wrapped by once(). */
export async function closeAll(sockets: Iterable<Socket>, ...servers: (Server | UdpSocket)[]): Promise<void> {
  for (const s of sockets) s.destroy();
  await Promise.all(servers.map((x) => new Promise<void>((r) => (x as { close(cb: () => void): void }).close(() => r()))));
}

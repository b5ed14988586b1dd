/** Serving a simulated bus the way real meters are reached: a TCP transparent gateway, or a serial line. */
import { createServer, type Server, type Socket } from 'node:net';
import { openSerialChannel, type SerialSettings } from '../transport/serialChannel.ts';
import type { SimulatedBus } from './simulatedBus.ts';

export interface RunningServer {
  readonly description: string;
  readonly port?: number;
  close(): Promise<void>;
}

/** Listens like an RS-485-to-TCP gateway: each connection is a master on the bus. */
export async function serveBusOverTcp(
  bus: SimulatedBus,
  options: { host?: string; port?: number } = {},
): Promise<RunningServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    const session = bus.connect((bytes) => {
      if (!socket.destroyed) socket.write(bytes);
    });
    socket.on('data', (chunk: Buffer) => session.receive(new Uint8Array(chunk)));
    socket.on('close', () => {
      sockets.delete(socket);
      session.close();
    });
    socket.on('error', () => socket.destroy());
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    description: `tcp://${host}:${port}`,
    port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Answers on a serial device (an RS-485 adapter, or one end of a pseudo-terminal pair). */
export async function serveBusOverSerial(
  bus: SimulatedBus,
  path: string,
  settings: Partial<SerialSettings> = {},
): Promise<RunningServer> {
  const channel = await openSerialChannel(path, settings);
  const session = bus.connect((bytes) => {
    channel.write(bytes).catch(() => {
      // A closed line loses the reply, as a real bus would.
    });
  });
  channel.onData((chunk) => session.receive(chunk));
  return {
    description: channel.description,
    async close() {
      session.close();
      await channel.close();
    },
  };
}

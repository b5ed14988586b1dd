/** Serving a simulated bus the way real meters are reached: a TCP transparent gateway, or a serial line. */
import { createServer, type Server, type Socket } from 'node:net';
import { SerialPort } from 'serialport';
import { DLT645_SERIAL, type SerialSettings } from '../transport/serialChannel.ts';
import { MeterLinkError } from '../transport/errors.ts';
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
  const line = { ...DLT645_SERIAL, ...settings };
  const port = await new Promise<SerialPort>((resolve, reject) => {
    const p = new SerialPort({ path, ...line, autoOpen: false });
    p.open((error) =>
      error ? reject(new MeterLinkError(`serial:${path}: ${error.message}`, error)) : resolve(p),
    );
  });
  const session = bus.connect((bytes) => {
    if (port.isOpen) port.write(Buffer.from(bytes));
  });
  port.on('data', (chunk: Buffer) => session.receive(new Uint8Array(chunk)));
  port.on('error', () => {});
  return {
    description: `serial:${path}`,
    close: () =>
      new Promise((resolve) => {
        session.close();
        if (port.isOpen) port.close(() => resolve());
        else resolve();
      }),
  };
}

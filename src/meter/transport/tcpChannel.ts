import { connect, type Socket } from 'node:net';
import { createListeners, type ByteChannel } from './byteChannel.ts';
import { MeterLinkError } from './errors.ts';

/** A TCP connection to an RS-485 transparent gateway (bytes in, bytes out, nothing added). */
export async function openTcpChannel(
  host: string,
  port: number,
  options: { connectTimeoutMs?: number } = {},
): Promise<ByteChannel> {
  const description = `tcp://${host}:${port}`;
  const socket: Socket = await new Promise((resolve, reject) => {
    const s = connect({ host, port });
    const timer = setTimeout(() => {
      s.destroy();
      reject(
        new MeterLinkError(`${description}: no connection within ${options.connectTimeoutMs ?? 5_000} ms`),
      );
    }, options.connectTimeoutMs ?? 5_000);
    s.once('connect', () => {
      clearTimeout(timer);
      resolve(s);
    });
    s.once('error', (error) => {
      clearTimeout(timer);
      reject(new MeterLinkError(`${description}: ${error.message}`, error));
    });
  });
  socket.setNoDelay(true);
  const listeners = createListeners();
  socket.on('data', (chunk: Buffer) => listeners.emit(new Uint8Array(chunk)));
  socket.on('error', () => {
    // A broken connection shows up as a timeout on the request in flight.
  });
  return {
    description,
    onData: listeners.add,
    write: (bytes) =>
      new Promise((resolve, reject) =>
        socket.write(bytes, (error) =>
          error ? reject(new MeterLinkError(`${description}: ${error.message}`, error)) : resolve(),
        ),
      ),
    close: () => new Promise((resolve) => socket.end(() => resolve())),
  };
}

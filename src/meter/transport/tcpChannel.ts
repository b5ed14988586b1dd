import { connect, type Socket } from 'node:net';
import { createListeners, writeToLink, type ByteChannel } from './byteChannel.ts';
import { MeterLinkError } from './errors.ts';

/** A TCP connection to an RS-485 transparent gateway (bytes in, bytes out, nothing added). */
export async function openTcpChannel(
  host: string,
  port: number,
  options: { connectTimeoutMs?: number } = {},
): Promise<ByteChannel> {
  const description = `tcp://${host}:${port}`;
  const connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
  const socket: Socket = await new Promise((resolve, reject) => {
    const s = connect({ host, port });
    const timer = setTimeout(() => {
      s.destroy();
      reject(new MeterLinkError(`${description}: no connection within ${connectTimeoutMs} ms`));
    }, connectTimeoutMs);
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
  const data = createListeners<Uint8Array>();
  const closed = createListeners<string>();
  let closeReason = 'the gateway closed the connection';
  socket.on('data', (chunk: Buffer) => data.emit(new Uint8Array(chunk)));
  socket.on('error', (error) => {
    // 'close' follows; keep the cause for its message.
    closeReason = error.message;
  });
  socket.once('close', () => closed.emit(`${description}: ${closeReason}`));
  return {
    description,
    onData: data.add,
    onClose: closed.add,
    write: (bytes) => writeToLink(description, !socket.destroyed, (done) => socket.write(bytes, done)),
    close: () =>
      new Promise((resolve) => {
        closeReason = 'closed';
        if (socket.destroyed) resolve();
        else socket.end(() => resolve());
      }),
  };
}

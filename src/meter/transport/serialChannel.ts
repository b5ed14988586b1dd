import { SerialPort } from 'serialport';
import { createListeners, writeToLink, type ByteChannel } from './byteChannel.ts';
import { MeterLinkError } from './errors.ts';

export interface SerialSettings {
  readonly baudRate: number;
  readonly dataBits: 5 | 6 | 7 | 8;
  readonly parity: 'none' | 'even' | 'odd' | 'mark' | 'space';
  readonly stopBits: 1 | 1.5 | 2;
}

/** DL/T 645-2007's customary line: 2400 baud, 8 data bits, even parity, 1 stop bit. */
export const DLT645_SERIAL: SerialSettings = { baudRate: 2400, dataBits: 8, parity: 'even', stopBits: 1 };

export const describeSerialSettings = (line: SerialSettings): string =>
  `${line.baudRate} ${line.dataBits}${line.parity[0]!.toUpperCase()}${line.stopBits}`;

/** An RS-485 adapter (or any serial device) opened by path. */
export async function openSerialChannel(
  path: string,
  settings: Partial<SerialSettings> = {},
): Promise<ByteChannel> {
  const line = { ...DLT645_SERIAL, ...settings };
  const description = `serial:${path} ${describeSerialSettings(line)}`;
  const port = await new Promise<SerialPort>((resolve, reject) => {
    const p = new SerialPort({ path, ...line, autoOpen: false });
    p.open((error) =>
      error ? reject(new MeterLinkError(`${description}: ${error.message}`, error)) : resolve(p),
    );
  });
  const data = createListeners<Uint8Array>();
  const closed = createListeners<string>();
  port.on('data', (chunk: Buffer) => data.emit(new Uint8Array(chunk)));
  port.on('error', () => {
    // A read or write error shows up on the request in flight (a write rejects, a read times out).
  });
  port.once('close', (error: Error | null) =>
    closed.emit(`${description}: ${error?.message ?? 'the port was closed'}`),
  );
  return {
    description,
    onData: data.add,
    onClose: closed.add,
    write: (bytes) =>
      writeToLink(description, port.isOpen, (done) =>
        port.write(Buffer.from(bytes), (error) => (error ? done(error) : port.drain(done))),
      ),
    close: () => new Promise((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve())),
  };
}

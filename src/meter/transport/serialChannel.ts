import { SerialPort } from 'serialport';
import { createListeners, type ByteChannel } from './byteChannel.ts';
import { MeterLinkError } from './errors.ts';

export interface SerialSettings {
  readonly baudRate: number;
  readonly dataBits: 5 | 6 | 7 | 8;
  readonly parity: 'none' | 'even' | 'odd' | 'mark' | 'space';
  readonly stopBits: 1 | 1.5 | 2;
}

/** DL/T 645-2007's customary line: 2400 baud, 8 data bits, even parity, 1 stop bit. */
export const DLT645_SERIAL: SerialSettings = { baudRate: 2400, dataBits: 8, parity: 'even', stopBits: 1 };

/** An RS-485 adapter (or any serial device) opened by path. */
export async function openSerialChannel(
  path: string,
  settings: Partial<SerialSettings> = {},
): Promise<ByteChannel> {
  const line = { ...DLT645_SERIAL, ...settings };
  const description = `serial:${path} ${line.baudRate} ${line.dataBits}${line.parity[0]!.toUpperCase()}${line.stopBits}`;
  const port = await new Promise<SerialPort>((resolve, reject) => {
    const p = new SerialPort({ path, ...line, autoOpen: false });
    p.open((error) =>
      error ? reject(new MeterLinkError(`${description}: ${error.message}`, error)) : resolve(p),
    );
  });
  const listeners = createListeners();
  port.on('data', (chunk: Buffer) => listeners.emit(new Uint8Array(chunk)));
  port.on('error', () => {
    // Shows up as a timeout on the request in flight.
  });
  return {
    description,
    onData: listeners.add,
    write: (bytes) =>
      new Promise((resolve, reject) => {
        port.write(Buffer.from(bytes), (error) => {
          if (error) reject(new MeterLinkError(`${description}: ${error.message}`, error));
          else port.drain(() => resolve());
        });
      }),
    close: () => new Promise((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve())),
  };
}

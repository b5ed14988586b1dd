import { MeterLinkError } from './errors.ts';

/** A duplex byte stream to a meter bus: a serial port or a TCP connection to an RS-485 gateway. */
export interface ByteChannel {
  write(bytes: Uint8Array): Promise<void>;
  /** Subscribes to received bytes; returns the unsubscribe function. */
  onData(listener: (chunk: Uint8Array) => void): () => void;
  /**
   * Subscribes to the link going away (the gateway hung up, the adapter was unplugged, close() was
   * called); returns the unsubscribe function. A channel closes once.
   */
  onClose(listener: (reason: string) => void): () => void;
  close(): Promise<void>;
  readonly description: string;
}

/** Fans events out to listeners. */
export function createListeners<T>() {
  const listeners = new Set<(event: T) => void>();
  return {
    add(listener: (event: T) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(event: T) {
      for (const listener of listeners) listener(event);
    },
  };
}

/**
 * A write on a link: refused at once when the link is down, and any error of the underlying write
 * reported as a MeterLinkError naming the link.
 */
export function writeToLink(
  description: string,
  isOpen: boolean,
  write: (done: (error: Error | null | undefined) => void) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!isOpen) {
      reject(new MeterLinkError(`${description}: the link is closed`));
      return;
    }
    write((error) =>
      error ? reject(new MeterLinkError(`${description}: ${error.message}`, error)) : resolve(),
    );
  });
}

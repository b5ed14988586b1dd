/** A duplex byte stream to a meter bus: a serial port or a TCP connection to an RS-485 gateway. */
export interface ByteChannel {
  write(bytes: Uint8Array): Promise<void>;
  /** Subscribes to received bytes; returns the unsubscribe function. */
  onData(listener: (chunk: Uint8Array) => void): () => void;
  close(): Promise<void>;
  readonly description: string;
}

/** Fans received chunks out to listeners. */
export function createListeners() {
  const listeners = new Set<(chunk: Uint8Array) => void>();
  return {
    add(listener: (chunk: Uint8Array) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(chunk: Uint8Array) {
      for (const listener of listeners) listener(chunk);
    },
  };
}

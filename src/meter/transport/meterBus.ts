/**
 * Request and response on a meter bus. One request is in flight at a time (RS-485 is half duplex and
 * the meters share it); each waits for the addressed meter's reply to that function, ignores other
 * traffic (echoes of the request, other meters, noise), and is retried after a timeout or a garbled
 * reply.
 */
import { addressMatches } from '../dlt645/address.ts';
import { FUNCTION } from '../dlt645/control.ts';
import { encodeFrame, type Frame } from '../dlt645/frame.ts';
import { interpretFrame, type MeterMessage } from '../dlt645/messages.ts';
import { FrameStreamParser } from '../dlt645/parser.ts';
import type { ByteChannel } from './byteChannel.ts';
import { MeterTimeoutError } from './errors.ts';

export interface BusOptions {
  /** How long to wait for a reply (the standard allows a meter up to 500 ms, plus transfer time). */
  readonly timeoutMs?: number;
  /** Further attempts after the first. */
  readonly retries?: number;
  /** FE bytes before each request to wake the meter's receiver. */
  readonly wakeUp?: number;
}

export interface MeterBus {
  /** Sends `frame` and resolves with the reply of the addressed meter (an error reply included). */
  request(frame: Frame, what: string): Promise<MeterMessage>;
  /** Sends a frame nobody answers (a broadcast). */
  send(frame: Frame): Promise<void>;
  readonly channel: ByteChannel;
  close(): Promise<void>;
}

export function createMeterBus(channel: ByteChannel, options: BusOptions = {}): MeterBus {
  const timeoutMs = options.timeoutMs ?? 1_500;
  const retries = options.retries ?? 2;
  const wakeUp = options.wakeUp ?? 4;
  const parser = new FrameStreamParser();
  let waiting: ((event: { frame?: Frame; garbled?: boolean }) => void) | undefined;
  channel.onData((chunk) => {
    for (const event of parser.push(chunk)) {
      if (event.kind === 'frame') waiting?.({ frame: event.frame });
      else if (event.error.code === 'FRAME_CHECKSUM') waiting?.({ garbled: true });
    }
  });
  let queue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work, work);
    queue = run.catch(() => undefined);
    return run;
  };

  /**
   * The addressed meter's reply to this very request: same function, and for reads the same data
   * identifier (and follow-up sequence), so a late reply to an earlier request is never taken for it.
   */
  const isReplyTo = (request: Frame, reply: Frame): boolean => {
    if (reply.control.direction !== 'response' || reply.control.code !== request.control.code) return false;
    if (!addressMatches(request.address, reply.address)) return false;
    if (reply.control.abnormal) return true;
    const code = request.control.code;
    if (code === FUNCTION.readData || code === FUNCTION.readFollowUp) {
      const sameDi = request.data.subarray(0, 4).every((byte, i) => reply.data[i] === byte);
      const sameSequence =
        code === FUNCTION.readData || reply.data[reply.data.length - 1] === request.data[4];
      return sameDi && sameSequence;
    }
    return true;
  };

  async function attempt(frame: Frame): Promise<MeterMessage | 'retry'> {
    return await new Promise((resolve) => {
      const timer = setTimeout(() => finish('retry'), timeoutMs);
      function finish(outcome: MeterMessage | 'retry') {
        clearTimeout(timer);
        waiting = undefined;
        resolve(outcome);
      }
      waiting = (event) => {
        if (event.garbled) finish('retry');
        else if (event.frame !== undefined && isReplyTo(frame, event.frame))
          finish(interpretFrame(event.frame));
      };
      channel.write(encodeFrame(frame, { wakeUp })).catch(() => finish('retry'));
    });
  }

  return {
    channel,
    request: (frame, what) =>
      exclusive(async () => {
        for (let i = 0; i <= retries; i++) {
          const outcome = await attempt(frame);
          if (outcome !== 'retry') return outcome;
        }
        throw new MeterTimeoutError(frame.address, what, retries + 1, timeoutMs);
      }),
    send: (frame) => exclusive(() => channel.write(encodeFrame(frame, { wakeUp }))),
    close: () => exclusive(() => channel.close()),
  };
}

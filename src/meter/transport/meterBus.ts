/**
 * Request and response on a meter bus. One request is in flight at a time (RS-485 is half duplex and
 * the meters share it); each waits for the addressed meter's reply to that function, ignores other
 * traffic (echoes of the request, other meters, noise), and is retried after a timeout or a garbled
 * reply. A link that goes away (gateway hung up, adapter unplugged) fails the request at once with
 * MeterLinkError rather than as a meter that does not answer.
 */
import { addressMatches } from '../dlt645/address.ts';
import { FUNCTION } from '../dlt645/control.ts';
import { encodeFrame, type Frame } from '../dlt645/frame.ts';
import { interpretFrame, type MeterMessage } from '../dlt645/messages.ts';
import { FrameStreamParser } from '../dlt645/parser.ts';
import type { ByteChannel } from './byteChannel.ts';
import { MeterLinkError, MeterTimeoutError } from './errors.ts';

export interface BusOptions {
  /** How long to wait for a reply (the standard allows a meter up to 500 ms, plus transfer time). */
  readonly timeoutMs?: number;
  /** Further attempts after the first. */
  readonly retries?: number;
  /** FE bytes before each request to wake the meter's receiver. */
  readonly wakeUp?: number;
}

/** What a request can fail with: no answer after every retry, or a link that went away. */
export type MeterBusError = MeterTimeoutError | MeterLinkError;

export interface MeterBus {
  /**
   * Sends `frame` and resolves with the reply of the addressed meter (an abnormal reply included);
   * rejects with a MeterBusError.
   */
  request(frame: Frame, what: string): Promise<MeterMessage>;
  /** Sends a frame nobody answers (a broadcast). */
  send(frame: Frame): Promise<void>;
  readonly channel: ByteChannel;
  close(): Promise<void>;
}

type BusEvent =
  | { readonly kind: 'frame'; readonly frame: Frame }
  | { readonly kind: 'garbled' }
  | { readonly kind: 'closed'; readonly reason: string };

export function createMeterBus(channel: ByteChannel, options: BusOptions = {}): MeterBus {
  const timeoutMs = options.timeoutMs ?? 1_500;
  const retries = options.retries ?? 2;
  const wakeUp = options.wakeUp ?? 4;
  const parser = new FrameStreamParser();
  let waiting: ((event: BusEvent) => void) | undefined;
  let closedReason: string | undefined;
  channel.onData((chunk) => {
    for (const event of parser.push(chunk)) {
      if (event.kind === 'frame') waiting?.({ kind: 'frame', frame: event.frame });
      else if (event.error.code === 'FRAME_CHECKSUM') waiting?.({ kind: 'garbled' });
    }
  });
  channel.onClose((reason) => {
    closedReason = reason;
    waiting?.({ kind: 'closed', reason });
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

  /** One attempt: the reply, 'retry' after a timeout or a garbled reply; a dead link throws. */
  async function attempt(frame: Frame, what: string): Promise<MeterMessage | 'retry'> {
    if (closedReason !== undefined) throw new MeterLinkError(`${closedReason} (before ${what})`);
    return await new Promise((resolve, reject) => {
      const settle = (action: () => void) => {
        clearTimeout(timer);
        waiting = undefined;
        action();
      };
      const timer = setTimeout(() => settle(() => resolve('retry')), timeoutMs);
      waiting = (event) => {
        if (event.kind === 'closed')
          settle(() => reject(new MeterLinkError(`${event.reason} (waiting for ${what})`)));
        else if (event.kind === 'garbled') settle(() => resolve('retry'));
        else if (isReplyTo(frame, event.frame)) settle(() => resolve(interpretFrame(event.frame)));
      };
      // A link that cannot send will not answer either: no point in retrying.
      channel.write(encodeFrame(frame, { wakeUp })).catch((error: unknown) => settle(() => reject(error)));
    });
  }

  return {
    channel,
    request: (frame, what) =>
      exclusive(async () => {
        for (let i = 0; i <= retries; i++) {
          const outcome = await attempt(frame, what);
          if (outcome !== 'retry') return outcome;
        }
        throw new MeterTimeoutError(frame.address, what, retries + 1, timeoutMs);
      }),
    send: (frame) => exclusive(() => channel.write(encodeFrame(frame, { wakeUp }))),
    close: () => exclusive(() => channel.close()),
  };
}

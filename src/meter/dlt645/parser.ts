/**
 * Frames out of a byte stream (an RS-485 bus or a TCP gateway): skips wake-up bytes and noise,
 * waits for partial frames, and when a candidate turns out wrong (checksum, end byte, length) reports
 * a typed error and resynchronises one byte further on, so a good frame after garbage is still found.
 * It never throws: everything comes out as events.
 */
import { FrameError, type FrameErrorCode } from './errors.ts';
import {
  checksum,
  decodeFrame,
  END,
  FRAME_OVERHEAD,
  hexByte,
  MAX_DATA_LENGTH,
  START,
  type Frame,
} from './frame.ts';

export type ParseEvent =
  | { readonly kind: 'frame'; readonly frame: Frame; readonly bytes: Uint8Array }
  | { readonly kind: 'error'; readonly error: FrameError; readonly skipped: number };

export class FrameStreamParser {
  private buffer = new Uint8Array(0);

  /** Adds received bytes; returns the frames completed and the errors met. */
  push(chunk: Uint8Array): ParseEvent[] {
    const joined = new Uint8Array(this.buffer.length + chunk.length);
    joined.set(this.buffer);
    joined.set(chunk, this.buffer.length);
    this.buffer = joined;
    return this.scan(false);
  }

  /** The stream ended: incomplete candidates are given up so that nothing waits forever. */
  end(): ParseEvent[] {
    const events = this.scan(true);
    this.buffer = new Uint8Array(0);
    return events;
  }

  /** Bytes held while a frame is incomplete. */
  get pending(): number {
    return this.buffer.length;
  }

  private scan(ending: boolean): ParseEvent[] {
    const events: ParseEvent[] = [];
    let at = 0;
    const bytes = this.buffer;
    for (;;) {
      while (at < bytes.length && bytes[at] !== START) at++;
      if (at >= bytes.length) break;
      const outcome = this.candidate(bytes, at, ending);
      if (outcome === 'wait') {
        // A candidate still waiting for bytes may be noise that happens to look like a header: if a
        // complete, valid frame already stands further on, the candidate was garbage. Without this a
        // live bus (whose stream never ends) would hold good frames back behind it.
        const later = this.laterFrame(bytes, at + 1);
        if (later === undefined) break;
        events.push({
          kind: 'error',
          error: new FrameError(
            'FRAME_TRUNCATED',
            'a frame start was followed by another complete frame before it was complete',
            { offset: at },
          ),
          skipped: later - at,
        });
        at = later;
        continue;
      }
      if (outcome.kind === 'frame') {
        events.push(outcome);
        at += outcome.bytes.length;
      } else {
        events.push(outcome);
        at += 1;
      }
    }
    this.buffer = bytes.slice(at);
    return events;
  }

  /** The offset of the first complete, valid frame at or after `from`, if any. */
  private laterFrame(bytes: Uint8Array, from: number): number | undefined {
    for (let at = bytes.indexOf(START, from); at >= 0; at = bytes.indexOf(START, at + 1)) {
      const outcome = this.candidate(bytes, at, false);
      if (outcome !== 'wait' && outcome.kind === 'frame') return at;
    }
    return undefined;
  }

  private candidate(bytes: Uint8Array, at: number, ending: boolean): ParseEvent | 'wait' {
    const available = bytes.length - at;
    const fail = (code: FrameErrorCode, message: string): ParseEvent => ({
      kind: 'error',
      error: new FrameError(code, message, { offset: at }),
      skipped: 1,
    });
    if (available >= 8 && bytes[at + 7] !== START)
      return fail('FRAME_DELIMITER', 'no second 68H after the address');
    if (available < 10)
      return ending ? fail('FRAME_TRUNCATED', `the stream ended ${available} bytes into a frame`) : 'wait';
    const length = bytes[at + 9]!;
    if (length > MAX_DATA_LENGTH)
      return fail('FRAME_LENGTH', `length field ${length} exceeds ${MAX_DATA_LENGTH}`);
    const size = FRAME_OVERHEAD + length;
    if (available < size)
      return ending
        ? fail('FRAME_TRUNCATED', `the stream ended before the ${size}-byte frame was complete`)
        : 'wait';
    const expected = checksum(bytes, at, at + 10 + length);
    const actual = bytes[at + 10 + length]!;
    if (expected !== actual)
      return fail(
        'FRAME_CHECKSUM',
        `checksum is ${hexByte(actual)} but the bytes sum to ${hexByte(expected)}`,
      );
    if (bytes[at + 11 + length] !== END)
      return fail('FRAME_DELIMITER', `a frame ends with 16H, got ${hexByte(bytes[at + 11 + length]!)}`);
    const frameBytes = bytes.slice(at, at + size);
    try {
      return { kind: 'frame', frame: decodeFrame(frameBytes), bytes: frameBytes };
    } catch (error) {
      return { kind: 'error', error: error as FrameError, skipped: 1 };
    }
  }
}

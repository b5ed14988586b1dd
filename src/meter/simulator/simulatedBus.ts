/**
 * Several virtual meters on one bus. Every frame that arrives is offered to every meter; the one it
 * is addressed to answers (for a wildcard request only the first meter answers, as on a real bus two
 * answers would collide). Faults apply to the replies.
 */
import { encodeFrame } from '../dlt645/frame.ts';
import { FrameStreamParser } from '../dlt645/parser.ts';
import { corrupt, createFaultPlan, type FaultPlan, type FaultRates } from './faults.ts';
import type { VirtualMeter } from './virtualMeter.ts';

export interface SimulatedBus {
  readonly meters: readonly VirtualMeter[];
  readonly faults: FaultPlan;
  /** Frames received and replies sent (before faults), for tests and the simulate command's log. */
  readonly stats: { requests: number; replies: number; garbage: number };
  /** A session on the bus: bytes in, replies out through `write`. */
  connect(write: (bytes: Uint8Array) => void): { receive(chunk: Uint8Array): void; close(): void };
}

export function createSimulatedBus(
  meters: readonly VirtualMeter[],
  faultRates: FaultRates = {},
): SimulatedBus {
  const faults = createFaultPlan(faultRates);
  const stats = { requests: 0, replies: 0, garbage: 0 };
  return {
    meters,
    faults,
    stats,
    connect(write) {
      const parser = new FrameStreamParser();
      const timers = new Set<ReturnType<typeof setTimeout>>();
      return {
        receive(chunk) {
          for (const event of parser.push(chunk)) {
            if (event.kind === 'error') {
              stats.garbage += 1;
              continue;
            }
            stats.requests += 1;
            for (const meter of meters) {
              const reply = meter.handle(event.frame);
              if (reply === undefined) continue;
              stats.replies += 1;
              const bytes = encodeFrame(reply, { wakeUp: 2 });
              const fault = faults.next();
              if (fault?.kind === 'drop') break;
              if (fault?.kind === 'corrupt') write(corrupt(bytes));
              else if (fault?.kind === 'delay') {
                const timer = setTimeout(() => {
                  timers.delete(timer);
                  write(bytes);
                }, fault.ms);
                timers.add(timer);
              } else write(bytes);
              break;
            }
          }
        },
        close() {
          for (const timer of timers) clearTimeout(timer);
        },
      };
    },
  };
}

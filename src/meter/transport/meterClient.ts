/** What a master station asks of meters: registers, addresses, the time. */
import type { MeterAddress } from '../dlt645/address.ts';
import {
  decodeValue,
  describeValue,
  DI,
  energyWh,
  findDataIdentifier,
  formatDi,
  type MeterValue,
} from '../dlt645/dataIdentifiers.ts';
import { MeterDataError } from '../dlt645/errors.ts';
import {
  readAddressRequest,
  readFollowUpRequest,
  readRequest,
  timeSyncBroadcast,
  type DateTime,
  type MeterMessage,
} from '../dlt645/messages.ts';
import { MeterRefusedError } from './errors.ts';
import type { MeterBus, MeterBusError } from './meterBus.ts';

export interface RegisterReading {
  /** The meter that answered: its own address, also when it was asked with AA wildcards. */
  readonly address: MeterAddress;
  readonly di: number;
  /** All value bytes, follow-up frames joined. */
  readonly raw: Uint8Array;
  /** Decoded for the identifiers the codec knows; undefined for others (read them from `raw`). */
  readonly value: MeterValue | undefined;
}

/** Both energy registers of a bidirectional meter, in Wh (the registers count 10 Wh steps). */
export interface EnergyRegisters {
  readonly forwardWh: bigint;
  readonly reverseWh: bigint;
}

/** What a read can fail with besides the bus's errors: a refusal, or an answer that makes no sense. */
export type MeterClientError = MeterBusError | MeterRefusedError | MeterDataError;

export function createMeterClient(bus: MeterBus) {
  const expectReply = (message: MeterMessage, address: MeterAddress, what: string) => {
    if (message.type === 'error-response') throw new MeterRefusedError(address, what, message.reasons);
    return message;
  };

  /** Reads one register, following up (12H) while the meter says more frames come. */
  async function readRegister(address: MeterAddress, di: number): Promise<RegisterReading> {
    const what = `a read of ${formatDi(di)}`;
    let message = expectReply(await bus.request(readRequest(address, di), what), address, what);
    if (message.type !== 'read-response' || message.di !== di) {
      throw new MeterDataError('reply', `meter ${address} answered ${what} with ${message.type}`);
    }
    const answeredBy = message.address;
    const parts = [message.raw];
    for (let sequence = 1; message.type === 'read-response' && message.followUp; sequence++) {
      message = expectReply(
        await bus.request(readFollowUpRequest(address, di, sequence), `${what} (follow-up ${sequence})`),
        address,
        what,
      );
      if (message.type !== 'read-response' || message.sequence !== (sequence & 0xff)) {
        throw new MeterDataError(
          'reply',
          `meter ${address} answered follow-up ${sequence} of ${what} out of sequence`,
        );
      }
      parts.push(message.raw);
    }
    const raw = Uint8Array.from(parts.flatMap((p) => [...p]));
    const identifier = findDataIdentifier(di);
    // A known register whose bytes do not decode is a faulty meter, not a value to pass on.
    const value =
      identifier === undefined
        ? undefined
        : decodeValue(identifier.format, raw, `meter ${address} register ${formatDi(di)}`);
    return { address: answeredBy, di, raw, value };
  }

  return {
    readRegister,
    /** Forward (import) and reverse (export) active total energy, in Wh. */
    async readEnergy(address: MeterAddress): Promise<EnergyRegisters> {
      const forward = await readRegister(address, DI.forwardActiveEnergy);
      const reverse = await readRegister(address, DI.reverseActiveEnergy);
      return { forwardWh: energyWh(forward.value!), reverseWh: energyWh(reverse.value!) };
    },
    /** Asks the only meter on a point-to-point line for its address (wildcard request). */
    async readAddress(): Promise<MeterAddress> {
      const request = readAddressRequest();
      const what = 'a read of its address';
      const message = expectReply(await bus.request(request, what), request.address, what);
      if (message.type !== 'read-address-response')
        throw new MeterDataError('reply', `answered a read of its address with ${message.type}`);
      return message.address;
    },
    /** Broadcast time sync: every meter on the bus sets its clock; none answers. */
    syncTime: (time: DateTime) => bus.send(timeSyncBroadcast(time)),
    describe: describeValue,
  };
}

export type MeterClient = ReturnType<typeof createMeterClient>;

/** A decoded frame as JSON a field engineer can read: address, control fields, identifier, value or error. */
import { functionName } from './dlt645/control.ts';
import { describeValue, findDataIdentifier, formatDi, type MeterValue } from './dlt645/dataIdentifiers.ts';
import { toHex, type Frame } from './dlt645/frame.ts';
import { describeReason, interpretFrame } from './dlt645/messages.ts';

const hex2 = (n: number) => n.toString(16).padStart(2, '0').toUpperCase();

/**
 * A value as JSON: always its text; decimals also as an exact decimal string and a unit, so a script
 * never has to parse "112280.26 kWh" (nor go through a float).
 */
export function describeValueJson(value: MeterValue): Record<string, string> {
  const text = describeValue(value);
  return value.kind === 'decimal' ? { text, number: text.split(' ')[0]!, unit: value.unit } : { text };
}

/** A data identifier as JSON: its eight hex digits and, when the codec knows it, its name. */
export const describeDataIdentifier = (di: number): { code: string; name: string | null } => ({
  code: formatDi(di),
  name: findDataIdentifier(di)?.name ?? null,
});

export function describeFrame(frame: Frame): Record<string, unknown> {
  const message = interpretFrame(frame);
  const { control } = frame;
  const out: Record<string, unknown> = {
    address: frame.address,
    control: {
      direction: control.direction,
      abnormal: control.abnormal,
      followUp: control.followUp,
      function: hex2(control.code),
      functionName: functionName(control.code) ?? null,
    },
    length: frame.data.length,
    message: message.type,
  };
  const identifier = describeDataIdentifier;
  switch (message.type) {
    case 'read-request':
      return { ...out, dataIdentifier: identifier(message.di) };
    case 'read-follow-up-request':
      return { ...out, dataIdentifier: identifier(message.di), sequence: message.sequence };
    case 'read-response':
      return {
        ...out,
        dataIdentifier: identifier(message.di),
        value: message.value === undefined ? null : describeValueJson(message.value),
        ...(message.valueError === undefined ? {} : { valueError: message.valueError }),
        raw: toHex(message.raw),
        ...(message.sequence === undefined ? {} : { sequence: message.sequence }),
      };
    case 'read-address-request':
      return out;
    case 'read-address-response':
      return { ...out, meterAddress: message.address };
    case 'time-sync':
      return { ...out, time: message.time };
    case 'error-response':
      return {
        ...out,
        error: {
          word: hex2(message.errorWord),
          reasons: message.reasons.map((reason) => ({ reason, text: describeReason(reason) })),
        },
      };
    case 'unsupported':
      return { ...out, data: toHex(frame.data) };
  }
}

/**
 * A period's energy from two successive readings of a meter's registers. The registers count
 * 0.01 kWh steps up to 999999.99 kWh and then start again from zero; a register that is lower than
 * before is a rollover only when the energy that implies is plausible for one period, otherwise the
 * meter was reset or replaced and the reading is refused.
 */
import { WattLedgerError } from '../../core/errors.ts';
import type { MeterAddress } from '../dlt645/address.ts';
import type { EnergyRegisters } from '../transport/meterClient.ts';

/** 999999.99 kWh + one step: where the registers start again. */
export const REGISTER_WRAP_WH = 1_000_000_000n;

export class RegisterWentBackwardsError extends WattLedgerError {
  override readonly name = 'RegisterWentBackwardsError';
  constructor(meter: MeterAddress, register: 'forward' | 'reverse', previousWh: bigint, currentWh: bigint) {
    super(
      'METER_REGISTER_BACKWARDS',
      `meter ${meter}: the ${register} active energy register went from ${previousWh} Wh to ${currentWh} Wh, which is neither growth nor a rollover at 999999.99 kWh (meter reset or replaced?)`,
      { details: { meter, register, previousWh, currentWh } },
    );
  }
}

export interface PeriodEnergy {
  readonly importWh: bigint;
  readonly exportWh: bigint;
}

export function periodEnergy(
  meter: MeterAddress,
  previous: EnergyRegisters,
  current: EnergyRegisters,
  options: { maxPeriodWh?: bigint } = {},
): PeriodEnergy {
  // 1,000 kWh in a quarter hour is a 4 MW average: more than any distribution-network prosumer.
  const maxPeriodWh = options.maxPeriodWh ?? 1_000_000n;
  const delta = (register: 'forward' | 'reverse', before: bigint, after: bigint): bigint => {
    if (after >= before) return after - before;
    const wrapped = after + REGISTER_WRAP_WH - before;
    if (wrapped <= maxPeriodWh) return wrapped;
    throw new RegisterWentBackwardsError(meter, register, before, after);
  };
  return {
    importWh: delta('forward', previous.forwardWh, current.forwardWh),
    exportWh: delta('reverse', previous.reverseWh, current.reverseWh),
  };
}

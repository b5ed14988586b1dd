import { describe, expect, it } from 'vitest';
import { periodEnergy, REGISTER_WRAP_WH, RegisterWentBackwardsError } from './registerDelta.ts';

describe('periodEnergy', () => {
  it('is the growth of each register', () => {
    expect(
      periodEnergy(
        '000000000001',
        { forwardWh: 1_000n, reverseWh: 50n },
        { forwardWh: 1_310n, reverseWh: 50n },
      ),
    ).toEqual({
      importWh: 310n,
      exportWh: 0n,
    });
  });

  it('counts through the rollover at 999999.99 kWh', () => {
    const before = { forwardWh: REGISTER_WRAP_WH - 20n, reverseWh: 0n };
    expect(periodEnergy('000000000001', before, { forwardWh: 30n, reverseWh: 0n })).toEqual({
      importWh: 50n,
      exportWh: 0n,
    });
  });

  it('refuses a register that went backwards, naming the meter and register', () => {
    const attempt = () =>
      periodEnergy(
        '000000000007',
        { forwardWh: 5_000n, reverseWh: 900n },
        { forwardWh: 5_000n, reverseWh: 100n },
      );
    expect(attempt).toThrow(RegisterWentBackwardsError);
    expect(attempt).toThrow(
      'meter 000000000007: the reverse active energy register went from 900 Wh to 100 Wh',
    );
  });
});
